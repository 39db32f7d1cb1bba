package tunnel

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/fleet"
)

// DefaultAtomicHold is how long an all-or-nothing change stays pending on
// each router (its router schedule armed, its journal entry written ahead)
// while the other routers are changed and verified, when --rollback-in is
// not given. If rtxctl is stopped before it confirms or undoes the whole
// set, every router undoes its change by itself at the deadline (and
// `rollback --expired` tidies the journal), so the set is never left half
// changed for longer than this.
const DefaultAtomicHold = 15 * time.Minute

// finishFlags are the flags of tunnel on|off that confirm and rollback
// share: given on the command line, they are passed on to the second phase
// of an all-or-nothing change.
var finishFlags = []string{
	"transport", "user", "known-hosts", "accept-new-host-key", "insecure-ignore-host-key",
	"legacy-ssh-algorithms", "identity", "encoding", "timeout", "max-output", "debug",
	"password-file", "admin-password-file", "lock-wait", "wait-leftover",
}

// atomic reports whether the change on the selected routers is all or
// nothing: --all-or-nothing, or every selected router belongs to a group
// listed under atomic_groups in the config file.
func (o *Options) atomic(f *cli.Factory, args []string) (bool, []config.Host, error) {
	if !o.Many.Several(f, args) {
		if o.AllOrNothing {
			return false, nil, cli.FlagErrorf("--all-or-nothing needs several routers (names, --group or --all)")
		}
		return false, nil, nil
	}
	hosts, err := o.Many.Select(f, args, o.Conn.Output)
	if err != nil || o.DryRun {
		return false, hosts, err
	}
	cfg, err := f.Config()
	if err != nil {
		return false, nil, err
	}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	if !o.AllOrNothing && !cfg.Atomic(names) {
		return false, hosts, nil
	}
	if o.NoSave {
		return false, nil, cli.FlagErrorf("--no-save cannot be used on routers changed all or nothing: the change is pending until every router is verified")
	}
	return true, hosts, nil
}

// runAtomic changes hosts all or nothing, in two phases:
//
//  1. each router is changed, verified and left pending, as with
//     --rollback-in (the given one, else [DefaultAtomicHold]): nothing is
//     saved, and the router's schedule undoes the change by itself if
//     rtxctl stops here;
//  2. when every router was verified (or needed no change), the pending
//     changes are confirmed (saved), unless --rollback-in was given: then
//     they stay pending for one `rtxctl confirm` of the whole set. When one
//     router failed, the pending changes of the others are rolled back and
//     each says why.
func (o *Options) runAtomic(cmd *cobra.Command, f *cli.Factory, hosts []config.Host, one fleet.RunFunc) error {
	ctx := cmd.Context()
	keepPending := o.RollbackIn > 0
	if !keepPending {
		o.RollbackIn = max(DefaultAtomicHold, 2*(o.VerifyTimeout+o.Conn.Timeout))
	}
	start := f.Now()
	rep := o.Many.Each(ctx, f, hosts, one)
	results := rep.Results
	pending := pendingRouters(results)
	var failed []string
	for _, r := range results {
		if r.ExitCode != cli.ExitOK {
			failed = append(failed, r.Router)
		}
	}
	switch {
	case len(failed) == 0 && keepPending:
		if len(pending) > 0 {
			fmt.Fprintf(f.IO.ErrOut, "every router was verified; the changes are pending: confirm them all with rtxctl confirm %s\n", strings.Join(pending, " "))
		}
	case len(failed) == 0 && f.Now().Sub(start) < o.RollbackIn-2*o.Conn.Timeout:
		o.finish(cmd, f, hosts, results, "confirm", nil)
	default:
		why := fmt.Errorf("undone: the change is all or nothing and %s failed", strings.Join(failed, ", "))
		if len(failed) == 0 {
			why = fmt.Errorf("undone: the change is all or nothing and verifying the set took longer than its pending deadline allows (%s)", o.RollbackIn)
		}
		o.finish(cmd, f, hosts, results, "rollback", why)
	}
	return fleet.Finish(f, o.Conn.Output, fleet.NewReport(results))
}

// pendingRouters names the routers of results whose change was left
// pending.
func pendingRouters(results []fleet.Result) []string {
	var names []string
	for _, r := range results {
		if data, ok := r.Data.(map[string]any); ok && r.ExitCode == cli.ExitOK && data["pending"] != nil {
			names = append(names, r.Router)
		}
	}
	return names
}

// finish runs `rtxctl verb ROUTER` on each router of results whose change
// is pending and updates its result: confirmed (saved), or undone with the
// error why (exit status 10, the change was not kept); a router that could
// not be confirmed or undone keeps that error, its schedule still armed.
func (o *Options) finish(cmd *cobra.Command, f *cli.Factory, hosts []config.Host, results []fleet.Result, verb string, why error) {
	pending := pendingRouters(results)
	if len(pending) == 0 {
		return
	}
	if f.Subcommand == nil {
		for i := range results {
			if slices.Contains(pending, results[i].Router) {
				results[i].ExitCode, results[i].Err = cli.ExitFailure, fmt.Errorf("internal error: cannot run %s here; the change stays pending", verb)
			}
		}
		return
	}
	var selected []config.Host
	for _, h := range hosts {
		if slices.Contains(pending, h.Name) {
			selected = append(selected, h)
		}
	}
	flags := passOn(cmd.Flags())
	rep := o.Many.Each(cmd.Context(), f, selected, func(ctx context.Context, turn *fleet.Turn, _ []string) error {
		sf := *f
		sf.IO = turn.IO
		args := append([]string{verb, turn.Router, "-o", "json"}, flags...)
		if f.ConfigFile != "" {
			args = append(args, "--config", f.ConfigFile)
		}
		return f.Subcommand(ctx, &sf, args)
	})
	for _, done := range rep.Results {
		i := slices.IndexFunc(results, func(r fleet.Result) bool { return r.Router == done.Router })
		r := &results[i]
		r.Duration += done.Duration
		switch {
		case done.ExitCode != cli.ExitOK:
			r.ExitCode, r.Err, r.State = done.ExitCode, fmt.Errorf("%s failed: %w", verb, done.Err), "pending"
		case why != nil:
			r.ExitCode, r.Err, r.State = cli.ExitVerifyFailed, why, "undone"
		default:
			r.State = strings.TrimSuffix(r.State, ", pending") + ", saved"
		}
	}
}

// passOn returns the finishFlags given on the command line as arguments.
func passOn(fs *pflag.FlagSet) []string {
	var args []string
	fs.Visit(func(fl *pflag.Flag) {
		if !slices.Contains(finishFlags, fl.Name) {
			return
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+fl.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+fl.Name+"="+fl.Value.String())
	})
	return args
}
