package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

const (
	journalFile = "journal.jsonl"
	journalLock = "journal.lock"
)

// Action names what an [Entry] did. The set is open: readers keep unknown values.
type Action string

// Actions recorded by rtxctl.
const (
	ActionTunnelOn  Action = "tunnel-on"
	ActionTunnelOff Action = "tunnel-off"
	ActionRollback  Action = "rollback"
	ActionConfirm   Action = "confirm"
)

// Result is the outcome of an [Entry]'s action on the router.
type Result string

// Results recorded by rtxctl.
const (
	// ResultApplied means the commands were sent and accepted.
	ResultApplied Result = "applied"
	// ResultNoChange means the router was already in the requested state.
	ResultNoChange Result = "no-change"
	// ResultReverted means the change failed or was rolled back and the previous
	// configuration was restored.
	ResultReverted Result = "reverted"
	// ResultFailed means the action failed; Error says why.
	ResultFailed Result = "failed"
	// ResultInterrupted means the run was cut off (killed, or its session
	// lost) and a later run found it unfinished: it waited for the router's
	// safety nets to run out or removed them before going on.
	ResultInterrupted Result = "interrupted"
)

// MaxID is the highest journal id. Ids count 1, 2, 3, … per router, so a
// journal never gets near it; it stays below 2^53 so that every id is
// exact in JSON readers that use floating point (jq, JavaScript). A journal
// at MaxID refuses further appends ([ErrJournalFull]); a line with a larger
// id is skipped with a warning.
const MaxID = 1<<53 - 1

// ErrJournalFull is wrapped by [Store.Append] errors when the journal's last
// id is [MaxID]: move the journal away to start a new one.
var ErrJournalFull = errors.New("journal ids exhausted")

// Armed is what a run is about to arm on the router, written ahead of its
// first command that arms or changes anything (see [Entry.Armed]). Until a
// later entry names the run in Clears, the router may still hold these
// safety nets, and they may still change its configuration.
type Armed struct {
	// RollbackTimer is the session `rollback timer` in seconds; 0 = none.
	RollbackTimer int `json:"rollback_timer,omitempty"`
	// RouterDeadline is the router clock (with its zone) by which that
	// timer has run out, from a reading of the router clock taken before
	// the entry was written; zero when there is no timer.
	RouterDeadline time.Time `json:"router_deadline,omitzero"`
	// Deadline is the same moment on the controller clock, for messages
	// and for routers whose clock could not be read.
	Deadline time.Time `json:"deadline,omitzero"`
	// Schedule reports that a `schedule at` entry (an on-router rollback)
	// may be armed before the change is recorded as pending.
	Schedule bool `json:"schedule,omitempty"`
}

// State is the lifecycle state of a change made with a timed rollback.
type State string

// States of a change made with a timed rollback. The zero State means the change
// had no timed rollback.
const (
	// StatePending means the change awaits confirmation before its deadline.
	StatePending State = "pending"
	// StateConfirmed means the change was confirmed and kept.
	StateConfirmed State = "confirmed"
	// StateRolledBack means the change was undone on request.
	StateRolledBack State = "rolled-back"
	// StateExpiredReverted means the deadline passed unconfirmed and the change was undone.
	StateExpiredReverted State = "expired-reverted"
)

// User identifies who made a change.
type User struct {
	// Login is the user name used to log in to the router; "" for an anonymous login.
	Login string `json:"login,omitempty"`
	// Local is the operating-system user who ran rtxctl (see [LocalUser]).
	Local string `json:"local,omitempty"`
}

// Entry is one line of a router's journal.
//
// An entry with Ref set records a change of the lifecycle State of the entry Ref
// (and may itself be an action on the router, such as a rollback with its own
// commands). Readers fold it into the referenced entry: see [Store.Entries].
type Entry struct {
	// ID numbers the entries of one router's journal 1, 2, 3, …; assigned by
	// [Store.Append].
	ID int `json:"id"`
	// Ref is the ID of the entry whose State this entry changes; 0 = none.
	Ref int `json:"ref,omitempty"`
	// Time is when the entry was written; zero means [Store.Append] sets it from Now.
	Time time.Time `json:"time"`
	// Host is the router as the user named it (address or configuration name). Required.
	Host string `json:"host"`
	// Router is the key of the router's directory ([Identity.Key], or the
	// host before the router's identity was known); "" means Host. The entry
	// is appended to that directory's journal.
	Router string `json:"router,omitempty"`
	// User is who made the change.
	User User `json:"user"`
	// Action is what was done. Required.
	Action Action `json:"action"`
	// Before and After are the router's BGP configuration lines before and after.
	Before []string `json:"before,omitempty"`
	After  []string `json:"after,omitempty"`
	// Commands are the lines sent to the router, in order, without secrets.
	Commands []string `json:"commands,omitempty"`
	// Backup is the path of the configuration backup taken before the change.
	Backup string `json:"backup,omitempty"`
	// Result is the outcome.
	Result Result `json:"result,omitempty"`
	// Saved reports whether the configuration was saved to the router's flash.
	Saved bool `json:"saved"`
	// Error is the failure message, if any. The caller must keep secrets out of it.
	Error string `json:"error,omitempty"`
	// Pending marks a change awaiting confirmation; when reading it is true exactly
	// when State is StatePending after folding.
	Pending bool `json:"pending,omitempty"`
	// Deadline is when an unconfirmed pending change is rolled back. Required when
	// Pending is set.
	Deadline time.Time `json:"deadline,omitzero"`
	// RouterScheduleID is the `schedule at` id armed on the router as a dead-man
	// switch for this change; 0 = none.
	RouterScheduleID int `json:"router_schedule_id,omitempty"`
	// State is the lifecycle state of a timed-rollback change, or, in an entry with
	// Ref, the new state of the referenced entry; "" = none or unchanged.
	State State `json:"state,omitempty"`
	// Armed, written before the run's first command that arms or changes
	// anything, says which of the router's safety nets the run may arm;
	// nil = none. See [Leftovers].
	Armed *Armed `json:"armed,omitempty"`
	// Clears is the id of an entry with Armed whose safety nets this entry
	// reports gone (stopped, fired or removed): the run finished cleanly or
	// a later run dealt with them; 0 = none.
	Clears int `json:"clears,omitempty"`
}

// RouterKey names the directory whose journal holds e: Router, else Host.
func (e Entry) RouterKey() string {
	if e.Router != "" {
		return e.Router
	}
	return e.Host
}

// Expired reports whether e is a pending change whose deadline is not after now.
func (e Entry) Expired(now time.Time) bool {
	return e.Pending && !e.Deadline.After(now)
}

// ErrInvalidEntry is wrapped by [Store.Append] errors for entries it refuses.
var ErrInvalidEntry = errors.New("invalid journal entry")

// validate checks the fields Append relies on and normalises State for a pending entry.
func validate(e *Entry) error {
	switch {
	case e.Host == "":
		return fmt.Errorf("%w: no host", ErrInvalidEntry)
	case e.Action == "":
		return fmt.Errorf("%w: no action", ErrInvalidEntry)
	case e.Ref < 0:
		return fmt.Errorf("%w: negative ref %d", ErrInvalidEntry, e.Ref)
	case e.Clears < 0:
		return fmt.Errorf("%w: negative clears %d", ErrInvalidEntry, e.Clears)
	}
	if e.Pending && e.State == "" {
		e.State = StatePending
	}
	if e.Pending != (e.State == StatePending) {
		return fmt.Errorf("%w: pending is %t but state is %q", ErrInvalidEntry, e.Pending, e.State)
	}
	if e.Pending && e.Ref != 0 {
		return fmt.Errorf("%w: an entry with a ref cannot be pending", ErrInvalidEntry)
	}
	if e.Pending && e.Deadline.IsZero() {
		return fmt.Errorf("%w: pending without a deadline", ErrInvalidEntry)
	}
	return nil
}

// Append adds e to the journal of e.Router (else e.Host) and returns the id it was given (the
// highest id in the journal plus one). It sets e.ID, sets e.Time from Now when it is
// zero, stores times in UTC, and sets State to StatePending when Pending is set.
// It refuses (with [ErrInvalidEntry]) an entry without Host or Action, a pending
// entry without Deadline or with a Ref, (with [ErrNoEntry]) a Ref or Clears naming an
// id not in the journal, and (with [ErrJournalFull]) any entry once the last id is
// [MaxID]. The line is written and synced before Append returns; concurrent
// appends from several goroutines or processes are serialised by an exclusive lock
// on journal.lock.
func (s *Store) Append(e Entry) (int, error) {
	if err := validate(&e); err != nil {
		return 0, fmt.Errorf("append to journal: %w", err)
	}
	dir, err := EnsureHostDir(s.Root, e.RouterKey())
	if err != nil {
		return 0, fmt.Errorf("append to journal: %w", err)
	}
	lk := flock.New(filepath.Join(dir, journalLock), flock.SetPermissions(fileMode))
	if err := lk.Lock(); err != nil {
		return 0, fmt.Errorf("append to journal of %s: lock: %w", e.Host, err)
	}
	defer lk.Unlock()

	path := filepath.Join(dir, journalFile)
	data, err := readIfExists(path)
	if err != nil {
		return 0, fmt.Errorf("append to journal of %s: %w", e.Host, err)
	}
	entries, _ := parse(path, data)
	lastID := 0
	if n := len(entries); n > 0 {
		lastID = entries[n-1].ID
	}
	if e.Ref != 0 && find(entries, e.Ref) < 0 {
		return 0, fmt.Errorf("append to journal of %s: ref %d: %w", e.Host, e.Ref, ErrNoEntry)
	}
	if e.Clears != 0 && find(entries, e.Clears) < 0 {
		return 0, fmt.Errorf("append to journal of %s: clears %d: %w", e.Host, e.Clears, ErrNoEntry)
	}
	if lastID >= MaxID {
		return 0, fmt.Errorf("append to journal of %s: last id %d: %w", e.Host, lastID, ErrJournalFull)
	}

	e.ID = lastID + 1
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Time = e.Time.UTC()
	e.Deadline = e.Deadline.UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("append to journal of %s: %w", e.Host, err)
	}
	line = append(line, '\n')
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// Finish the line a crashed writer left truncated so that ours stays whole.
		line = append([]byte{'\n'}, line...)
	}
	if err := appendFile(path, line); err != nil {
		return 0, fmt.Errorf("append to journal of %s: %w", e.Host, err)
	}
	return e.ID, nil
}

// appendFile writes line to the end of path with a single write and syncs it.
func appendFile(path string, line []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, fileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readIfExists returns the content of path, or nothing if it does not exist.
func readIfExists(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return data, err
}
