// Package rollback implements `rtxctl rollback`: undo a pending change now,
// restore the BGP lines recorded before a journal entry (--to), or, from
// cron, undo every pending change whose deadline has passed (--expired).
package rollback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Options holds the inputs of `rtxctl rollback`.
type Options struct {
	cli.RouterOptions

	Log cli.LogOptions

	To            int           // --to: restore the BGP lines recorded before this journal entry; 0 = the pending change
	Expired       bool          // --expired: every router's overdue pending change (cron)
	DryRun        bool          // with --to: print the restore plan, change nothing
	VerifyTimeout time.Duration // deadline of the verification after the restore
	LockWait      time.Duration // how long to wait for another rtxctl's lock
	WaitLeftover  time.Duration // how long to wait for an interrupted run's rollback timer
	StateDir      string        // journal and locks: $XDG_STATE_HOME/rtxctl
	// Config is the config file, whose password files --expired prefers
	// for a router recorded by name.
	Config *config.Config

	Many fleet.Options // several routers: --group, --all, --inventory, --parallel
}

// NewCmdRollback returns the `rollback` command. runF replaces the
// command's action in tests; nil runs it.
func NewCmdRollback(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{RouterOptions: cli.NewRouterOptions(f)}
	cmd := &cobra.Command{
		Use:   "rollback [ROUTER...] [--to ID | --expired]",
		Short: "Undo a pending change, restore recorded BGP lines, or undo overdue changes from cron",
		Long: `Undo the change left pending by "tunnel on|off --rollback-in" now: the BGP
lines recorded before it are put back, refreshed and verified (neighbors
Established again, the default route advertised or withdrawn as recorded),
then the router's scheduled rollback is removed. Nothing is saved: the saved
configuration already holds those lines. Rolling back when nothing is pending,
or when the router's schedule already undid the change, changes nothing.

--to ID restores exactly the import filters and import lines recorded before
journal entry ID (see rtxctl history), verifies and saves them. A pending change
is rolled back first.

--expired is meant for cron, every minute: for every router with a pending
change whose deadline has passed, it undoes the change as above, reaching the
router with the connection settings recorded in the journal and the passwords
from the recorded password files or RTXCTL_PASSWORD and RTXCTL_ADMIN_PASSWORD.
It never asks for input. Nothing due: nothing is printed. One router failing
does not stop the others. Every run is logged with timestamps to
$XDG_STATE_HOME/rtxctl/rtxctl.log (--log-file); -v also prints the log.

A run cut off during a change (killed, or its session lost) may leave the
router's session rollback timer armed: rollback first waits for it to run out
(at most --wait-leftover, else exit 6 naming the time), so that the timer
cannot undo the restore. A change cut off before it was recorded as pending
was never made: rollback only records that.

EXIT STATUS
  0  rolled back, or nothing to do
  1  other failure (with --expired: several routers failed; one failure
     gives its own status)
  2  usage error
  3  cannot reach the router
  4  authentication failed
  5  the router refused a command; the lines found were put back
  6  another rtxctl holds this router's lock (see --lock-wait), or an
     interrupted run's rollback timer runs longer than --wait-leftover
  10 verification failed; the lines found were put back
  130 interrupted`,
		Example: `  rtxctl rollback tokyo
  rtxctl rollback tokyo --to 12
  rtxctl rollback --expired          # crontab: * * * * * rtxctl rollback --expired`,
		Args: fleet.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.Many.Run(cmd, f, args, opts.Conn.Output, func(ctx context.Context, turn *fleet.Turn, args []string) error {
				opts := fleet.For(opts, turn, args)
				if err := opts.resolve(f, cmd); err != nil {
					return err
				}
				if runF != nil {
					return runF(opts)
				}
				return run(ctx, opts)
			})
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&opts.To, "to", 0, "restore the BGP lines recorded before journal entry `ID`")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "with --to: print what would be restored and stop; only show config is read")
	fs.BoolVar(&opts.Expired, "expired", false, "undo every router's pending change whose deadline has passed (for cron)")
	fs.DurationVar(&opts.VerifyTimeout, "verify-timeout", rtx.DefaultVerifyTimeout, "how long to wait for BGP to agree after the restore")
	fs.DurationVar(&opts.LockWait, "lock-wait", cli.DefaultLockWait, "how long to wait for another rtxctl changing the same router")
	pending.AddWaitFlag(fs, &opts.WaitLeftover)
	opts.Log.AddFlags(cmd)
	opts.Conn.AddFlags(cmd)
	opts.Many.AddFlags(cmd)
	return cmd
}

func (o *Options) resolve(f *cli.Factory, cmd *cobra.Command) error {
	switch {
	case o.To < 0:
		return cli.FlagErrorf("invalid --to %d: want a journal entry ID", o.To)
	case o.Expired && o.To != 0:
		return cli.FlagErrorf("--expired and --to cannot be used together")
	case o.DryRun && o.To == 0:
		return cli.FlagErrorf("--dry-run needs --to ID: it shows what restoring a journal entry would change")
	case o.Expired && (o.Router != "" || cmd.Flags().Changed("host")):
		return cli.FlagErrorf("--expired takes no ROUTER or --host: it handles every router with an overdue pending change")
	case o.VerifyTimeout <= 0:
		return cli.FlagErrorf("invalid --verify-timeout %s: must be positive", o.VerifyTimeout)
	case o.LockWait < 0:
		return cli.FlagErrorf("invalid --lock-wait %s: must not be negative", o.LockWait)
	case o.WaitLeftover < 0:
		return cli.FlagErrorf("invalid --wait-leftover %s: must not be negative", o.WaitLeftover)
	}
	var err error
	if o.StateDir, err = f.StateDir(); err != nil {
		return err
	}
	if o.Config, err = f.Config(); err != nil {
		return err
	}
	if o.Expired {
		return o.Conn.Validate()
	}
	if err := o.ResolveTarget(f, true); err != nil {
		return err
	}
	o.Target.ReadOnly = o.DryRun
	return nil
}

// Report is the result for one router, printed as text or, with -o json,
// as JSON (one object; a list with --expired).
type Report struct {
	Host string `json:"host"`
	// JournalID is the entry rolled back (the pending change, or --to ID);
	// 0 when there was nothing to do.
	JournalID int          `json:"journal_id,omitempty"`
	Action    state.Action `json:"action,omitempty"`
	// Lines are the BGP lines running now.
	Lines []string `json:"lines,omitempty"`
	// Changed reports that configuration commands or a refresh were sent;
	// false when the lines were already there.
	Changed bool `json:"changed"`
	// Disarmed reports that the router's schedule entry was removed.
	Disarmed bool `json:"disarmed"`
	Saved    bool `json:"saved"`
	// DryRun and Plan: with --to ID --dry-run, the restore that was only
	// planned.
	DryRun bool            `json:"dry_run,omitempty"`
	Plan   *rtx.TunnelPlan `json:"plan,omitempty"`
	// Error is the failure of this router (--expired only).
	Error string `json:"error,omitempty"`
}

func run(ctx context.Context, opts *Options) (err error) {
	logger, closeLog, err := opts.Log.Open(opts.StateDir, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeLog()) }()
	store := &state.Store{Root: opts.StateDir, Now: opts.Now}
	if opts.Expired {
		return runExpired(ctx, opts, store, logger)
	}
	host := opts.Target.Host.Host
	r := &router{opts: opts, store: store, logger: logger, name: host, key: store.Key(opts.Target.Addr(), host), target: opts.Target, user: state.User{Login: opts.Target.User, Local: state.LocalUser()}}
	do := r.run
	if opts.DryRun {
		do = r.preview
	}
	rep, err := do(ctx)
	if err != nil {
		logger.Error("rollback failed", "host", r.host(), "error", err)
		return err
	}
	return writeReport(opts, rep)
}

func writeReport(opts *Options, r *Report) error {
	if opts.Conn.Output == cli.OutputJSON {
		return writeJSON(opts.IO.Out, r)
	}
	if r.JournalID == 0 {
		return nil
	}
	if r.DryRun {
		_, err := io.WriteString(opts.IO.Out, r.Plan.String())
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rolled back: %s (journal entry %d) at %s\n", r.Action, r.JournalID, r.Host)
	if !r.Changed {
		b.WriteString("result: the recorded lines were already running; nothing sent\n")
	} else {
		b.WriteString("result: restored and verified\n")
	}
	if r.Disarmed {
		b.WriteString("router rollback schedule: removed\n")
	}
	if r.Saved {
		b.WriteString("saved: yes\n")
	} else {
		b.WriteString("saved: no\n")
	}
	_, err := io.WriteString(opts.IO.Out, b.String())
	return err
}

func writeJSON(w io.Writer, v any) error {
	return cli.WriteJSON(w, v)
}

// router is one router's rollback: the pending change, or --to.
type router struct {
	opts   *Options
	store  *state.Store
	logger *slog.Logger
	// name is the router as named on the command line or in the journal,
	// for messages; key names its records and lock (see
	// [state.Store.Key]).
	name, key string
	target    cli.Target
	user      state.User
	// only is the pending entry --expired was asked to undo; 0 for the
	// commands run by hand.
	only int
	// releaseRouter releases the lock taken once the router was
	// identified, if any.
	releaseRouter func() error
}

func (r *router) host() string { return r.name }

// notef prints a note on standard error, except for --expired, which is
// silent unless something fails (its log says what it did).
func (r *router) notef(format string, args ...any) {
	if r.only == 0 {
		fmt.Fprintf(r.opts.IO.ErrOut, format+"\n", args...)
	}
}

// run takes the lock, then rolls back the pending change and, with --to,
// restores the recorded lines.
func (r *router) run(ctx context.Context) (rep *Report, err error) {
	release, err := cli.LockRouter(ctx, r.opts.IO, r.opts.StateDir, r.target.Addr(), r.key, r.name, r.opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, release()) }()

	p, err := pending.Find(r.store, r.key)
	switch {
	case errors.Is(err, state.ErrNoPending):
		p = nil
	case err != nil:
		return nil, err
	case r.only != 0 && p.Entry.ID != r.only:
		p = nil
	case p.Timer() && p.Entry.Expired(r.opts.Now()):
		if err := pending.MarkTimerExpired(r.store, p, r.user); err != nil {
			return nil, err
		}
		if rep := r.undoneByTimer(p); rep != nil {
			return rep, nil
		}
		p = nil
	case p.Timer():
		if err := r.recovery().CheckWait(p.Entry); err != nil {
			return nil, fmt.Errorf("rollback at %s: %w", r.host(), err)
		}
	}
	if p == nil && r.opts.To == 0 {
		r.notef("nothing to roll back at %s: no pending change", r.host())
		return &Report{Host: r.host()}, nil
	}

	client, done, err := pending.OpenAdmin(ctx, &r.opts.Conn, r.opts.Connect, r.target, r.opts.LockWait, r.opts.Now, r.notef)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, done()) }()
	sess := cli.Session{Client: client, Timeout: r.target.Timeout}
	if err := r.identify(ctx, sess, p); err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, r.releaseRouter()) }()
	// An interrupted run may have left a rollback timer that would undo
	// what is restored now: wait for it first.
	if err := r.recovery().Run(ctx, sess); err != nil {
		return nil, fmt.Errorf("rollback at %s: %w", r.host(), err)
	}
	if p != nil && p.Timer() {
		if rep := r.undoneByTimer(p); rep != nil {
			return rep, nil
		}
		p = nil
	}
	if p != nil {
		if rep, err = r.pending(ctx, sess, p); err != nil || r.opts.To == 0 {
			return rep, err
		}
	}
	return r.restore(ctx, sess)
}

// identify learns which router the session reaches and keeps its records
// under the router's key from then on (see [pending.Rekey]); it refuses
// when the pending change p (nil for none) was made on another router.
func (r *router) identify(ctx context.Context, sess cli.Session, p *pending.Change) error {
	key, release, err := pending.Rekey(ctx, sess, r.store, r.target.Addr(), r.name, r.key, func(key string) (func() error, error) {
		return cli.LockRouter(ctx, r.opts.IO, r.opts.StateDir, r.target.Addr(), key, r.name, r.opts.LockWait)
	})
	if err != nil {
		return fmt.Errorf("rollback at %s: %w", r.host(), err)
	}
	r.key, r.releaseRouter = key, release
	if p == nil {
		return nil
	}
	if err := pending.CheckRouter(p.Entry, key); err != nil {
		return errors.Join(fmt.Errorf("rollback at %s: %w", r.host(), err), release())
	}
	return nil
}

// undoneByTimer reports the change of an interrupted run, which the
// router's rollback timer undid or which was never made; nil with --to,
// which goes on with the restore.
func (r *router) undoneByTimer(p *pending.Change) *Report {
	r.logger.Info("interrupted change restored by the router's rollback timer", "host", r.host(), "entry", p.Entry.ID)
	r.notef("nothing to roll back at %s: the router's rollback timer restored the configuration from before %s (journal entry %d)", r.host(), p.Entry.Action, p.Entry.ID)
	if r.opts.To != 0 {
		return nil
	}
	return &Report{Host: r.host()}
}

// recovery deals with what interrupted runs left on the router.
func (r *router) recovery() *pending.Recovery {
	return &pending.Recovery{Store: r.store, Key: r.key, User: r.user, Wait: r.opts.WaitLeftover, Now: r.opts.Now, Notef: r.notef, Progress: r.progress()}
}

// progress shows the waits on standard error, except for --expired (as
// notef).
func (r *router) progress() rtx.Progress {
	if r.only != 0 {
		return nil
	}
	return progress.Stderr(r.opts.IO.ErrOut, false, r.opts.Log.Verbose, r.opts.Conn.Debug).Progress()
}

// rollbackTimer is the `rollback timer` the restores arm.
func (r *router) rollbackTimer() time.Duration {
	return r.opts.VerifyTimeout + 2*time.Minute
}

// journal is the router's journal as this run writes it.
func (r *router) journal() *pending.Journal {
	return &pending.Journal{Store: r.store, Key: r.key, Host: r.host(), User: r.user, Now: r.opts.Now}
}

// slack bounds the commands of a restore before it arms its rollback
// timer.
func (r *router) slack() time.Duration { return 2 * r.target.Timeout }

// restoreOptions are the options of the restores.
func (r *router) restoreOptions() rtx.RestoreOptions {
	return rtx.RestoreOptions{PeerAS: r.target.PeerAS, FilterID: r.target.FilterID,
		Apply: rtx.ApplyOptions{VerifyTimeout: r.opts.VerifyTimeout, RollbackTimer: r.rollbackTimer(), Progress: r.progress()}}
}

// pending undoes the pending change p and records it.
func (r *router) pending(ctx context.Context, sess cli.Session, p *pending.Change) (*Report, error) {
	res, st, err := r.journal().Rollback(ctx, sess, p, r.restoreOptions(), r.slack())
	if err != nil {
		return nil, fmt.Errorf("roll back %s (journal entry %d) at %s: %w", p.Entry.Action, p.Entry.ID, r.host(), err)
	}
	r.logger.Info("rolled back", "host", r.host(), "entry", p.Entry.ID, "action", p.Entry.Action, "state", st, "changed", !res.AlreadyUndone(), "disarmed", res.Disarmed)
	return &Report{Host: r.host(), JournalID: p.Entry.ID, Action: p.Entry.Action, Lines: p.Entry.Before, Changed: !res.AlreadyUndone(), Disarmed: res.Disarmed}, nil
}
