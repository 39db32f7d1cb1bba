package pending

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// ErrPending is wrapped by the error of a change refused because
// another change awaits confirmation on the same router.
var ErrPending = errors.New("a change is pending")

// ErrTimer is wrapped by the error of a command refused because the
// session-bound `rollback timer` of an interrupted run may still restore the
// router's previous configuration later than the command may wait.
var ErrTimer = errors.New("rollback timer pending")

// Record is what a change left pending with --rollback-in needs
// later: how to reach the router again (never a secret: passwords come
// from the recorded password files or the environment) and what to
// confirm or undo. It is stored next to the router's journal as
// pending-ID.json, ID being the journal entry of the change.
type Record struct {
	// Router is the config-file name the change was made with; "" when the
	// router was given by flags only.
	Router string `json:"router,omitempty"`
	// Conn holds the connection settings: address, port, transport, user,
	// known_hosts, key and password file paths.
	Conn config.Host `json:"connection"`
	// Pending is the change: BGP lines before and after, and the armed
	// on-router rollback (nil when the firmware has none).
	Pending rtx.Pending `json:"pending"`
}

// Target returns the connection target of the recorded router, in
// administrator mode, with the per-operation deadline timeout.
func (r *Record) Target(timeout time.Duration) cli.Target {
	return cli.Target{Host: r.Conn, Admin: true, Timeout: timeout}
}

func recordPath(root, host string, id int) (string, error) {
	dir, err := state.HostDir(root, host)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "pending-"+strconv.Itoa(id)+".json"), nil
}

// WriteRecord stores rec for journal entry id of host under the state
// directory root (mode 0600). The file appears atomically.
func WriteRecord(root, host string, id int, rec *Record) error {
	if _, err := state.EnsureHostDir(root, host); err != nil {
		return fmt.Errorf("write pending record: %w", err)
	}
	path, err := recordPath(root, host, id)
	if err != nil {
		return fmt.Errorf("write pending record: %w", err)
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("write pending record: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write pending record: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write pending record: %w", err)
	}
	return nil
}

// ReadRecord returns the record of journal entry id of host. An entry
// without one (the pending entry of an interrupted run, which only the
// router's session `rollback timer` undoes) gives an error matching
// os.ErrNotExist.
func ReadRecord(root, host string, id int) (*Record, error) {
	path, err := recordPath(root, host, id)
	if err != nil {
		return nil, fmt.Errorf("read pending record: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pending record: %w", err)
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("read pending record %s: %w", path, err)
	}
	return &rec, nil
}

// Change is a journal entry awaiting confirmation, with its record.
type Change struct {
	Entry state.Entry
	// Record is nil for the pending entry of an interrupted run: the
	// router's session `rollback timer` undoes that change by itself at
	// Entry.Deadline, and there is nothing to disarm (RouterScheduleID 0).
	Record *Record
}

// Timer reports whether p is an interrupted run's change that only the
// router's session `rollback timer` undoes.
func (p *Change) Timer() bool { return p.Record == nil }

// Pending returns what to confirm or roll back; for a timer change, the
// journal's lines without an on-router rollback.
func (p *Change) Pending() rtx.Pending {
	if p.Record != nil {
		return p.Record.Pending
	}
	return rtx.Pending{Before: p.Entry.Before, After: p.Entry.After}
}

// Verified reports whether the journal records the run that made the
// pending change p as having finished it: applied and verified. false means
// that run was cut off (killed, or its session lost) before the change was
// complete and verified.
func Verified(store *state.Store, p *Change) (bool, error) {
	entries, _, err := store.Entries(p.Entry.RouterKey())
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Ref == p.Entry.ID && e.Action == p.Entry.Action && e.Result == state.ResultApplied {
			return true, nil
		}
	}
	return false, nil
}

// Find returns the change awaiting confirmation of the router whose
// records are kept under key (see [state.Store.Key]), or an error wrapping
// state.ErrNoPending.
func Find(store *state.Store, key string) (*Change, error) {
	e, _, err := store.Pending(key)
	if err != nil {
		return nil, fmt.Errorf("read the journal of %s: %w", key, err)
	}
	return Of(store, e)
}

// Of returns the pending change of journal entry e with its record.
func Of(store *state.Store, e state.Entry) (*Change, error) {
	rec, err := ReadRecord(store.Root, e.RouterKey(), e.ID)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &Change{Entry: e}, nil
	case err != nil:
		return nil, err
	}
	return &Change{Entry: e, Record: rec}, nil
}

// Blocks reports that the change p awaits confirmation, so another
// change is refused; router is how commands name the router (see
// [RouterArg]). It wraps [ErrPending].
func Blocks(p *Change, router string) error {
	return fmt.Errorf("%s (journal entry %d) is pending until %s: confirm it (rtxctl confirm %s) or roll it back (rtxctl rollback %s) first: %w",
		p.Entry.Action, p.Entry.ID, p.Entry.Deadline.Local().Format(time.RFC3339), router, router, ErrPending)
}

// RouterArg is how a hint names the router in a command to run: its name
// in the config file, else "--host HOST".
func RouterArg(name, host string) string {
	if name != "" {
		return name
	}
	return "--host " + host
}

// MarkTimerExpired records that the session rollback timer of the
// interrupted run p has fired by now: the router restored the previous
// configuration by itself.
func MarkTimerExpired(store *state.Store, p *Change, user state.User) error {
	e := state.Entry{Ref: p.Entry.ID, Host: p.Entry.Host, Router: p.Entry.Router, User: user,
		Action: state.ActionRollback, State: state.StateExpiredReverted, Result: state.ResultReverted}
	if p.Entry.Armed != nil {
		e.Clears = p.Entry.ID
	}
	_, err := store.Append(e)
	if err != nil {
		return fmt.Errorf("write the journal: %w", err)
	}
	return nil
}
