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

// atomic returns the routers args and the flags select (nil for one
// router) and, when the change is all or nothing, its units: with
// --all-or-nothing the whole selection, else the routers of each atomic
// group or pair of the config file ([config.Config.AtomicUnits]); nil
// when every router is changed on its own. A selection that leaves out
// routers of an atomic group is changed but warned about.
func (o *Options) atomic(f *cli.Factory, args []string) ([]config.AtomicUnit, []config.Host, error) {
	if !o.Many.Several(f, args) {
		if o.AllOrNothing {
			return nil, nil, cli.FlagErrorf("--all-or-nothing needs several routers (names, --group or --all)")
		}
		if len(args) == 1 {
			cfg, err := f.Config()
			if err == nil {
				o.warnSplit(f, cfg.AtomicUnits(args))
			}
		}
		return nil, nil, nil
	}
	hosts, err := o.Many.Select(f, args, o.Conn.Output)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	units := cfg.AtomicUnits(names)
	o.warnSplit(f, units)
	switch {
	case o.DryRun:
		return nil, hosts, nil
	case o.AllOrNothing:
		units = []config.AtomicUnit{{Routers: names}}
	case !slices.ContainsFunc(units, func(u config.AtomicUnit) bool { return len(u.Routers) > 1 }):
		return nil, hosts, nil
	}
	if o.NoSave {
		return nil, nil, cli.FlagErrorf("--no-save cannot be used on routers changed all or nothing: the change is pending until every router is verified")
	}
	return units, hosts, nil
}

// allOrNothingWhy says what makes units all or nothing, for a message:
// --all-or-nothing, or the pairs and atomic groups of the config file.
func allOrNothingWhy(units []config.AtomicUnit) string {
	var groups []string
	for _, u := range units {
		if len(u.Routers) > 1 {
			groups = append(groups, u.Groups...)
		}
	}
	if len(groups) == 0 {
		return "--all-or-nothing"
	}
	return "the pair or atomic group " + strings.Join(groups, ", ")
}

// warnSplit warns, unless -q, about each unit that leaves out routers of
// its atomic groups: the change leaves those groups half changed until the
// others are changed too.
func (o *Options) warnSplit(f *cli.Factory, units []config.AtomicUnit) {
	for _, u := range units {
		if len(u.Missing) == 0 || o.Quiet {
			continue
		}
		fmt.Fprintf(f.IO.ErrOut, "warning: %s of the all-or-nothing group %s %s not part of this change; change the group together with --group %s\n",
			strings.Join(u.Missing, ", "), strings.Join(u.Groups, ", "), map[bool]string{true: "is", false: "are"}[len(u.Missing) == 1], u.Groups[0])
	}
}

// runAtomic changes hosts, the routers of units all or nothing, in two
// phases:
//
//  1. each router is changed and verified; a router of a unit of several
//     is left pending, as with --rollback-in (the given one, else
//     [DefaultAtomicHold]): nothing is saved, and the router's schedule
//     undoes the change by itself if rtxctl stops here;
//  2. for each unit whose routers were all verified (or needed no
//     change), the pending changes are confirmed (saved), unless
//     --rollback-in was given: then they stay pending for one `rtxctl
//     confirm` of the whole set. In a unit where one router failed, the
//     pending changes of the others are rolled back and each says why.
//
// A router of a unit of its own is changed as without all or nothing.
func (o *Options) runAtomic(cmd *cobra.Command, f *cli.Factory, units []config.AtomicUnit, hosts []config.Host, one fleet.RunFunc) error {
	ctx := cmd.Context()
	keepPending := o.RollbackIn > 0
	hold := o.RollbackIn
	if !keepPending {
		hold = max(DefaultAtomicHold, 2*(o.VerifyTimeout+o.Conn.Timeout))
	}
	o.holds = map[string]time.Duration{}
	for _, u := range units {
		if len(u.Routers) > 1 {
			for _, r := range u.Routers {
				o.holds[r] = hold
			}
		}
	}
	start := f.Now()
	rep := o.Many.Each(ctx, f, hosts, one)
	results := rep.Results
	exitCode := map[string]int{}
	for _, r := range results {
		exitCode[r.Router] = r.ExitCode
	}
	verdicts := map[string]error{} // router of a unit of several -> nil: confirm; else: roll back, saying why
	for _, u := range units {
		if len(u.Routers) < 2 {
			continue
		}
		var failed []string
		for _, r := range u.Routers {
			if exitCode[r] != cli.ExitOK {
				failed = append(failed, r)
			}
		}
		what := "the change is all or nothing"
		if len(u.Groups) > 0 {
			what = fmt.Sprintf("the change of %s is all or nothing", strings.Join(u.Groups, ", "))
		}
		var why error
		switch {
		case len(failed) > 0:
			why = fmt.Errorf("undone: %s and %s failed", what, strings.Join(failed, ", "))
		case keepPending:
			continue // pending for one confirm
		case f.Now().Sub(start) >= hold-2*o.Conn.Timeout:
			why = fmt.Errorf("undone: %s and verifying the set took longer than its pending deadline allows (%s)", what, hold)
		}
		for _, r := range u.Routers {
			verdicts[r] = why
		}
	}
	o.finish(cmd, f, hosts, results, verdicts)
	if pending := slices.DeleteFunc(pendingRouters(results), func(r string) bool { _, settled := verdicts[r]; return settled }); len(pending) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "verified and pending: %[1]s; confirm them all with rtxctl confirm %[1]s\n", strings.Join(pending, " "))
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

// finish settles the pending change of each router of verdicts: `rtxctl
// confirm ROUTER` for a nil verdict (saved), else `rtxctl rollback ROUTER`
// (undone, exit status 10 with the verdict as the error: the change was
// not kept). A router that could not be confirmed or undone keeps that
// error, its schedule still armed.
func (o *Options) finish(cmd *cobra.Command, f *cli.Factory, hosts []config.Host, results []fleet.Result, verdicts map[string]error) {
	pending := slices.DeleteFunc(pendingRouters(results), func(r string) bool { _, ok := verdicts[r]; return !ok })
	if len(pending) == 0 {
		return
	}
	verb := func(router string) string {
		if verdicts[router] == nil {
			return "confirm"
		}
		return "rollback"
	}
	if f.Subcommand == nil {
		for i := range results {
			if slices.Contains(pending, results[i].Router) {
				results[i].ExitCode, results[i].Err = cli.ExitFailure, fmt.Errorf("internal error: cannot run %s here; the change stays pending", verb(results[i].Router))
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
		args := append([]string{verb(turn.Router), turn.Router, "-o", "json"}, flags...)
		if f.ConfigFile != "" {
			args = append(args, "--config", f.ConfigFile)
		}
		return f.Subcommand(ctx, &sf, args)
	})
	for _, done := range rep.Results {
		i := slices.IndexFunc(results, func(r fleet.Result) bool { return r.Router == done.Router })
		r := &results[i]
		r.Duration += done.Duration
		switch why := verdicts[done.Router]; {
		case done.ExitCode != cli.ExitOK:
			r.ExitCode, r.Err, r.State = done.ExitCode, fmt.Errorf("%s failed: %w", verb(done.Router), done.Err), "pending"
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
