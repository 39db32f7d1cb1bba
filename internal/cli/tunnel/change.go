package tunnel

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/azureopts"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// DefaultLockWait is how long `tunnel on|off` waits for another rtxctl
// changing the same router (--lock-wait).
const DefaultLockWait = cli.DefaultLockWait

// Options holds the inputs of `rtxctl tunnel on` and `rtxctl tunnel off`.
type Options struct {
	cli.RouterOptions

	Log cli.LogOptions

	Want          rtx.TunnelState // rtx.TunnelOn or rtx.TunnelOff
	PeerAS        int             // --peer-as, else the config file; 0 = the only neighbor AS
	FilterID      int             // --filter-id, else the config file
	Match         string          // --match, else the config file: include or equal
	DryRun        bool            // print the plan, send no configuration command
	VerifyTimeout time.Duration   // deadline of the verification after the change
	NoSave        bool            // keep the verified change running but unsaved
	LockWait      time.Duration   // how long to wait for another rtxctl's lock
	WaitLeftover  time.Duration   // how long to wait for an interrupted run's rollback timer
	RollbackIn    time.Duration   // > 0: leave the change pending, undone after this long unless confirmed
	AllowRestart  bool            // allow a scheduled restart as the on-router rollback
	Quiet         bool            // print nothing on success (for cron); errors still go to standard error
	StateDir      string          // backups, journal and locks: $XDG_STATE_HOME/rtxctl
	// Azure waits for Azure after the change (--azure, --azure-required).
	Azure azureopts.Side

	Many fleet.Options // several routers: --group, --all, --inventory, --parallel
	// AllOrNothing changes several routers all or nothing (see runAtomic).
	AllOrNothing bool
	// holds says, during an all-or-nothing change, how long the change of
	// each router of a unit of several stays pending (see runAtomic).
	holds map[string]time.Duration
}

// exitStatus is the EXIT STATUS section shared by `tunnel on` and `tunnel off`.
const exitStatus = `
EXIT STATUS
  0  success, or already in the requested state (nothing sent)
  1  other failure; the message says what the router runs and has saved;
     also a change refused because another is pending (confirm or roll it
     back first), or an address that now reaches another router
  2  usage error: bad flag, argument, config file, a missing password,
     several peer ASes and no --peer-as, or a filter ID used for something else
  3  cannot reach the router: connection refused, timeout, host key problem
  4  authentication failed (login or administrator password)
  5  the router refused a command or administrator mode; any change was undone
  6  another rtxctl holds this router's lock, or another session is in
     administrator mode on the router (see --lock-wait), or an interrupted
     run's rollback timer runs out later than --wait-leftover allows
  10 verification failed (neighbor not Established, default route not
     advertised or withdrawn in time); the change was undone and not saved
  13 --azure: Azure disagrees after the change (default route not learned or
     withdrawn within --azure-timeout, BGP peer not Connected, a NIC's
     default route, or missing KMS routes); with --azure-required a route
     disagreement (not the KMS routes) undid the change, which is not saved
  130 interrupted; any change was undone`

// commonLong is the description shared by `tunnel on` and `tunnel off`.
const commonLong = `
rtxctl takes a per-router lock, logs in, enters administrator mode and reads
"show config". It prints the plan (the commands and a before/after diff of the
BGP lines) before sending anything; --dry-run stops there. When the router is
already in the requested state (configuration and advertised routes agree) it
says so on standard error and sends nothing. When only the advertised routes
disagree, it runs "bgp configure refresh" alone.

Before changing, rtxctl waits (--lock-wait) until no other session is in
administrator mode on the router ("show status user"), then reads the
router's model and serial number: its records live under
$XDG_STATE_HOME/rtxctl/MODEL_SERIAL/, whatever address reaches it. Before a
change the full configuration is backed up there (mode 0600) and the change
is recorded in the journal there, with the rollback timer it is about to arm. The change runs under the router's "rollback timer" where the
firmware has one, then "bgp configure refresh"; rtxctl waits (--verify-timeout)
until every neighbor of the peer AS is Established again and the default route
is advertised (on) or withdrawn (off). Only then does it restore the console
settings and save. If a command is refused or the verification fails, the
previous BGP lines are put back, refreshed, and nothing is saved; the message
says what the router now runs and has saved. If rtxctl is killed or the
connection is lost while the rollback timer is armed, the next run waits until
the router clock has passed the timer (saying until when; exit 6 when that is
later than --wait-leftover), so that the timer cannot undo its work.

With --rollback-in DURATION the verified change is left pending instead of
saved: before the change rtxctl arms a "schedule at" entry on the router that
loads the saved configuration at the deadline (firmware that cannot schedule a
load restarts instead only with --allow-restart; otherwise rtxctl says so and
relies on "rtxctl rollback --expired" from cron alone). DURATION must leave
time for the verification: it is at least --verify-timeout plus --timeout plus
one second (the step of the router's schedule); a shorter one is refused. "rtxctl confirm" keeps
the change, "rtxctl rollback" undoes it now. While a change is pending, another
change on the router is refused. See docs/rollback.md.

With --azure, once the router is verified rtxctl waits (--azure-timeout) until
the Azure VPN gateway has learned (on) or withdrawn (off) the default route and
prints the Azure check (docs/azure.md); exit 13 when Azure disagrees, the
change is kept. With --azure-required the change is saved only once Azure
agrees: a failed route check (BGP peer, learned default route, a NIC's default
route) undoes it like a failed verification; missing KMS routes never do.

Every run appends a timestamped line to $XDG_STATE_HOME/rtxctl/rtxctl.log
(--log-file); -v also prints it, -q prints nothing on success (for cron).

Flags override the config file ($XDG_CONFIG_HOME/rtxctl/config.yaml), which may
set peer_as, filter_id and match per router. Passwords come from the password
files, else RTXCTL_PASSWORD and RTXCTL_ADMIN_PASSWORD, else a prompt on a
terminal.
`

// verbDoc is the help of one verb; the shared description and the exit
// statuses are appended to Long.
type verbDoc struct {
	Use, Short, Long, Example string
}

// newCmdChange returns `tunnel on` or `tunnel off`.
func newCmdChange(f *cli.Factory, want rtx.TunnelState, doc verbDoc, runF func(*Options) error) *cobra.Command {
	opts := &Options{RouterOptions: cli.NewRouterOptions(f), Want: want}
	cmd := &cobra.Command{
		Use:     doc.Use,
		Short:   doc.Short,
		Long:    doc.Long + "\n" + commonLong + exitStatus,
		Example: doc.Example,
		Args:    fleet.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			one := func(ctx context.Context, turn *fleet.Turn, args []string) error {
				opts := fleet.For(opts, turn, args)
				if hold, ok := opts.holds[opts.Router]; ok {
					opts.RollbackIn = hold
				}
				if err := opts.resolve(f, cmd); err != nil {
					return err
				}
				if opts.Quiet {
					quiet := *opts.IO
					quiet.Out, quiet.ErrOut = io.Discard, io.Discard
					opts.IO = &quiet
				}
				if runF != nil {
					return runF(opts)
				}
				return run(ctx, opts)
			}
			units, hosts, err := opts.atomic(f, args)
			switch {
			case err != nil:
				return err
			case units != nil && (opts.Azure.Enabled || opts.Azure.Required):
				return cli.FlagErrorf("--azure is not supported for an all-or-nothing change of several routers (%s): change them, then run rtxctl status --azure", allOrNothingWhy(units))
			case units != nil:
				return opts.runAtomic(cmd, f, units, hosts, one)
			case hosts != nil:
				return fleet.Finish(f, opts.Conn.Output, opts.Many.Each(cmd.Context(), f, hosts, one))
			}
			return one(cmd.Context(), nil, args)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.AllOrNothing, "all-or-nothing", false, "with several routers: verify every router before saving any, and undo them all if one fails (the default for routers of a group marked atomic or of a pair in the config file)")
	fs.IntVar(&opts.PeerAS, "peer-as", 0, "BGP AS of the Azure side (default: the AS of the only bgp neighbor)")
	fs.IntVar(&opts.FilterID, "filter-id", rtx.DefaultFilterID, "import filter `ID` that carries the default route")
	fs.StringVar(&opts.Match, "match", rtx.FilterInclude, "filter kind for 0.0.0.0/0: {include | equal}")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "print the plan and stop: no configuration command is sent")
	fs.DurationVar(&opts.VerifyTimeout, "verify-timeout", rtx.DefaultVerifyTimeout, "how long to wait for BGP to agree after the change")
	fs.BoolVar(&opts.NoSave, "no-save", false, "keep the verified change running but do not save it")
	fs.DurationVar(&opts.LockWait, "lock-wait", DefaultLockWait, "how long to wait for another rtxctl changing the same router")
	pending.AddWaitFlag(fs, &opts.WaitLeftover)
	fs.DurationVar(&opts.RollbackIn, "rollback-in", 0, "leave the change pending: undo it after `DURATION` (e.g. 15m) unless confirmed with rtxctl confirm")
	fs.BoolVar(&opts.AllowRestart, "allow-restart", false, "with --rollback-in: let the router restart at the deadline when its firmware cannot schedule a load")
	fs.BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing on success (for cron); errors still go to standard error and the log file")
	opts.Azure.AddTunnelFlags(fs)
	opts.Log.AddFlags(cmd)
	opts.Conn.AddFlags(cmd)
	opts.Many.AddFlags(cmd)
	return cmd
}

// scheduleStep is the granularity of the router's `schedule at` (whole
// seconds, relative or absolute).
const scheduleStep = time.Second

// minRollbackIn is the shortest --rollback-in that lets the change be
// verified before the router's schedule entry undoes it: after arming it,
// the run sends the change (a few short commands) and the refresh, which
// may take up to --timeout, then verifies (--verify-timeout); the entry
// fires on a whole second.
func (o *Options) minRollbackIn() time.Duration {
	return o.VerifyTimeout + o.Target.Timeout + scheduleStep
}

// resolve validates the flags and merges them with the config file and the
// environment. Errors are *cli.FlagError (or config errors).
func (o *Options) resolve(f *cli.Factory, cmd *cobra.Command) error {
	if err := o.ResolveTarget(f, true); err != nil {
		return err
	}
	o.Target.ReadOnly = o.DryRun
	fs := cmd.Flags()
	if !fs.Changed("peer-as") {
		o.PeerAS = o.Target.PeerAS
	}
	if !fs.Changed("filter-id") && o.Target.FilterID != 0 {
		o.FilterID = o.Target.FilterID
	}
	if !fs.Changed("match") && o.Target.Match != "" {
		o.Match = o.Target.Match
	}
	switch {
	case o.PeerAS < 0 || o.PeerAS > 65535:
		return cli.FlagErrorf("invalid --peer-as %d: want 1-65535", o.PeerAS)
	case o.FilterID < 1:
		return cli.FlagErrorf("invalid --filter-id %d: must be positive", o.FilterID)
	case !slices.Contains(config.Matches, o.Match):
		return cli.FlagErrorf("invalid --match %q: want %s", o.Match, strings.Join(config.Matches, " or "))
	case o.VerifyTimeout <= 0:
		return cli.FlagErrorf("invalid --verify-timeout %s: must be positive", o.VerifyTimeout)
	case o.LockWait < 0:
		return cli.FlagErrorf("invalid --lock-wait %s: must not be negative", o.LockWait)
	case o.WaitLeftover < 0:
		return cli.FlagErrorf("invalid --wait-leftover %s: must not be negative", o.WaitLeftover)
	case o.RollbackIn < 0 || o.RollbackIn == 0 && fs.Changed("rollback-in"):
		return cli.FlagErrorf("invalid --rollback-in %s: must be positive (leave it out to save the change at once)", o.RollbackIn)
	case o.RollbackIn > 0 && o.NoSave:
		return cli.FlagErrorf("--rollback-in and --no-save cannot be used together: a pending change is never saved until confirmed")
	case o.Azure.Required && o.RollbackIn > 0:
		return cli.FlagErrorf("--azure-required and --rollback-in cannot be used together: a pending change is undone at its deadline unless confirmed; with --azure, confirm it once Azure agrees")
	case o.AllowRestart && o.RollbackIn == 0:
		return cli.FlagErrorf("--allow-restart needs --rollback-in")
	case o.RollbackIn > 0 && o.RollbackIn < o.minRollbackIn():
		return cli.FlagErrorf("--rollback-in %s is too short: the router would undo the change before it is verified; "+
			"with --verify-timeout %s and --timeout %s it must be at least %s", o.RollbackIn, o.VerifyTimeout, o.Target.Timeout, o.minRollbackIn())
	case o.Quiet && o.Log.Verbose:
		return cli.FlagErrorf("--quiet and --verbose cannot be used together")
	}
	if err := o.Azure.Prepare(o.Target.Azure); err != nil {
		return err
	}
	var err error
	o.StateDir, err = f.StateDir()
	return err
}
