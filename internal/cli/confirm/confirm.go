// Package confirm implements `rtxctl confirm`: make a change left pending
// by `tunnel on|off --rollback-in` final.
package confirm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Options holds the inputs of `rtxctl confirm`.
type Options struct {
	cli.RouterOptions

	Log cli.LogOptions

	LockWait time.Duration // how long to wait for another rtxctl's lock
	// WaitLeftover bounds the wait for an interrupted run's rollback timer.
	WaitLeftover time.Duration
	StateDir     string // journal and locks: $XDG_STATE_HOME/rtxctl

	Many fleet.Options // several routers: --group, --all, --inventory, --parallel
}

// NewCmdConfirm returns the `confirm` command. runF replaces the command's
// action in tests; nil runs it.
func NewCmdConfirm(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{RouterOptions: cli.NewRouterOptions(f)}
	cmd := &cobra.Command{
		Use:   "confirm [ROUTER...]",
		Short: "Keep a pending change: save it and disarm its rollback",
		Long: `Make the change left pending by "tunnel on|off --rollback-in" final: check
that the running BGP lines are the pending change, remove the router's
scheduled rollback ("no schedule at ID", checked gone), check the lines again,
then save. Confirming when nothing is pending says so and exits 0.

If the rollback already undid the change (the router's schedule fired, or
"rollback --expired" ran), nothing is saved and confirm exits 11. A change
whose run was cut off in the middle (killed, or its connection lost) before
the change was complete and verified is not saved either (exit 10): the
router runs a half-made change, its schedule stays armed and restores the
saved configuration at the deadline, and "rtxctl rollback ROUTER" undoes it
now. BGP lines changed by someone else after the change was verified are not
saved (exit 1), and the schedule stays armed too.

A run cut off during a change (killed, or its session lost) may leave the
router's session rollback timer armed: confirm first waits for it to run out
(at most --wait-leftover, else exit 6 naming the time), so that it never saves
what the timer would undo. A change cut off before it was recorded as pending
has nothing to confirm: the router runs the previous configuration (exit 11).

EXIT STATUS
  0  confirmed, or nothing pending
  1  other failure (for example the BGP lines changed since the change
     was verified)
  2  usage error
  3  cannot reach the router
  4  authentication failed
  5  the router refused a command
  6  another rtxctl holds this router's lock (see --lock-wait), or an
     interrupted run's rollback timer runs longer than --wait-leftover
  10 the run that made the change was cut off before the change was
     complete and verified: not kept, nothing was saved
  11 the pending change had already been undone; nothing was saved
  130 interrupted`,
		Example: `  rtxctl confirm tokyo
  rtxctl confirm --host 192.168.100.1 --user admin -o json`,
		Args: fleet.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.Many.Run(cmd, f, args, opts.Conn.Output, func(ctx context.Context, turn *fleet.Turn, args []string) error {
				return fleet.For(opts, turn, args).runE(ctx, f, runF)
			})
		},
	}
	cmd.Flags().DurationVar(&opts.LockWait, "lock-wait", cli.DefaultLockWait, "how long to wait for another rtxctl changing the same router")
	pending.AddWaitFlag(cmd.Flags(), &opts.WaitLeftover)
	opts.Log.AddFlags(cmd)
	opts.Conn.AddFlags(cmd)
	opts.Many.AddFlags(cmd)
	return cmd
}

// runE checks the flags, resolves the router and confirms its pending
// change.
func (opts *Options) runE(ctx context.Context, f *cli.Factory, runF func(*Options) error) error {
	if opts.LockWait < 0 || opts.WaitLeftover < 0 {
		return cli.FlagErrorf("invalid --lock-wait %s or --wait-leftover %s: must not be negative", opts.LockWait, opts.WaitLeftover)
	}
	if err := opts.ResolveTarget(f, true); err != nil {
		return err
	}
	var err error
	if opts.StateDir, err = f.StateDir(); err != nil {
		return err
	}
	if runF != nil {
		return runF(opts)
	}
	return run(ctx, opts)
}

// Report is the result of `rtxctl confirm`, printed as text or, with -o
// json, as one JSON object.
type Report struct {
	Host string `json:"host"`
	// JournalID is the confirmed journal entry; 0 when nothing was pending.
	JournalID int          `json:"journal_id,omitempty"`
	Action    state.Action `json:"action,omitempty"`
	After     []string     `json:"after,omitempty"`
	// Disarmed reports that the router's schedule entry was removed.
	Disarmed bool `json:"disarmed"`
	Saved    bool `json:"saved"`
}

func run(ctx context.Context, opts *Options) (err error) {
	host := opts.Target.Host.Host
	logger, closeLog, err := opts.Log.Open(opts.StateDir, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeLog()) }()
	defer func() {
		if err != nil {
			logger.Error("confirm failed", "host", host, "error", err)
		}
	}()
	store := &state.Store{Root: opts.StateDir, Now: opts.Now}
	key := store.Key(opts.Target.Addr(), host)
	lock := func(key string) (func() error, error) {
		return cli.LockRouter(ctx, opts.IO, opts.StateDir, opts.Target.Addr(), key, host, opts.LockWait)
	}
	release, err := lock(key)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, release()) }()

	user := state.User{Login: opts.Target.User, Local: state.LocalUser()}
	p, err := pending.Find(store, key)
	if errors.Is(err, state.ErrNoPending) {
		fmt.Fprintf(opts.IO.ErrOut, "nothing to confirm at %s: no pending change\n", host)
		return write(opts, Report{Host: host})
	}
	if err != nil {
		return err
	}
	rc := &pending.Recovery{Store: store, Key: key, User: user, Wait: opts.WaitLeftover, Now: opts.Now,
		Notef:    func(format string, args ...any) { fmt.Fprintf(opts.IO.ErrOut, format+"\n", args...) },
		Progress: progress.Stderr(opts.IO.ErrOut, false, opts.Log.Verbose, opts.Conn.Debug).Progress()}
	if p.Timer() {
		if !p.Entry.Expired(opts.Now()) {
			if err := rc.CheckWait(p.Entry); err != nil {
				return fmt.Errorf("confirm at %s: %w", host, err)
			}
		} else if err := pending.MarkTimerExpired(store, p, user); err != nil {
			return err
		} else {
			return undoneByTimer(logger, host, p)
		}
	}

	client, done, err := pending.OpenAdmin(ctx, &opts.Conn, opts.Connect, opts.Target, opts.LockWait, opts.Now, rc.Notef)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, done()) }()
	sess := cli.Session{Client: client, Timeout: opts.Target.Timeout}
	// The pending change must be this router's.
	key, releaseRouter, err := pending.Rekey(ctx, sess, store, opts.Target.Addr(), host, key, lock)
	if err != nil {
		return fmt.Errorf("confirm at %s: %w", host, err)
	}
	defer func() { err = errors.Join(err, releaseRouter()) }()
	if err := pending.CheckRouter(p.Entry, key); err != nil {
		return fmt.Errorf("confirm at %s: %w", host, err)
	}
	rc.Key = key
	// An interrupted run may have left a rollback timer that would undo
	// what is saved now: wait for it first.
	if err := rc.Run(ctx, sess); err != nil {
		return fmt.Errorf("confirm at %s: %w", host, err)
	}
	if p.Timer() {
		return undoneByTimer(logger, host, p)
	}
	verified, err := pending.Verified(store, p)
	if err != nil {
		return fmt.Errorf("confirm %s (journal entry %d) at %s: %w", p.Entry.Action, p.Entry.ID, host, err)
	}
	j := &pending.Journal{Store: store, Key: key, Host: host, User: user, Now: opts.Now}
	res, err := j.Confirm(ctx, sess, p)
	if errors.Is(err, rtx.ErrPendingChanged) {
		logger.Warn("pending change not confirmed: the router runs neither it nor the configuration before it", "host", host, "entry", p.Entry.ID, "verified", verified)
		return notConfirmed(p, pending.RouterArg(opts.Router, host), verified, res, err)
	}
	if err == nil && !verified {
		// A confirm is the operator's acceptance (as a confirming commit
		// is): the change is complete, so it is saved, but not as verified.
		logger.Warn("confirmed a change its run never verified", "host", host, "entry", p.Entry.ID)
		fmt.Fprintf(opts.IO.ErrOut, "note: the run that made %s (journal entry %d) at %s was cut off before it verified the change; it is confirmed and saved as you asked, but rtxctl did not verify it: check the BGP neighbors with `rtxctl status %s`\n",
			p.Entry.Action, p.Entry.ID, host, pending.RouterArg(opts.Router, host))
	}
	return finish(opts, logger, p, res, err)
}

// undoneByTimer reports the change of an interrupted run, which the
// router's rollback timer undid or which was never made: there is nothing
// to confirm (exit status 11).
func undoneByTimer(logger *slog.Logger, host string, p *pending.Change) error {
	logger.Info("interrupted change restored by the router's rollback timer", "host", host, "entry", p.Entry.ID)
	return &cli.ExitError{Code: cli.ExitUndone, Err: fmt.Errorf("confirm at %s: %s (journal entry %d) was cut off and the router runs the previous configuration: %w",
		host, p.Entry.Action, p.Entry.ID, rtx.ErrAlreadyUndone)}
}

// finish reports the outcome of confirming p.
func finish(opts *Options, logger *slog.Logger, p *pending.Change, res *rtx.ConfirmResult, err error) error {
	host := p.Entry.Host
	switch {
	case errors.Is(err, rtx.ErrAlreadyUndone):
		logger.Info("pending change already undone", "host", host, "entry", p.Entry.ID)
		return &cli.ExitError{Code: cli.ExitUndone, Err: fmt.Errorf("confirm %s (journal entry %d) at %s: %w; nothing was saved", p.Entry.Action, p.Entry.ID, host, err)}
	case err != nil:
		return fmt.Errorf("confirm %s (journal entry %d) at %s: %w", p.Entry.Action, p.Entry.ID, host, err)
	}
	logger.Info("confirmed", "host", host, "entry", p.Entry.ID, "action", p.Entry.Action, "disarmed", res.Disarmed)
	return write(opts, Report{Host: host, JournalID: p.Entry.ID, Action: p.Entry.Action, After: p.Entry.After, Disarmed: res.Disarmed, Saved: res.Saved})
}

func write(opts *Options, r Report) error {
	out := opts.IO.Out
	if opts.Conn.Output == cli.OutputJSON {
		return cli.WriteJSON(out, r)
	}
	if r.JournalID == 0 {
		return nil
	}
	disarmed := "none left"
	if r.Disarmed {
		disarmed = "removed"
	}
	_, err := fmt.Fprintf(out, "confirmed: %s (journal entry %d) at %s\nrouter rollback schedule: %s\nsaved: yes\n", r.Action, r.JournalID, r.Host, disarmed)
	return err
}
