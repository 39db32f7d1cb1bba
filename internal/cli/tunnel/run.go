package tunnel

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// cmdShowConfig reads the full running configuration for the backup and the
// plan.
const cmdShowConfig = "show config"

// change is one run of `tunnel on|off` once connected.
type change struct {
	opts *Options
	host string
	// key names the router's records and lock: its identity once known
	// (see [pending.Identify]), else host.
	key   string
	sess  cli.Session
	store *state.Store
	// logger writes the log file (and standard error with -v).
	logger *slog.Logger
	// reporter shows the waits on standard error: the library's through
	// progress, the wait for Azure directly.
	reporter *progress.Reporter
	// progress is reporter's callback for the library; nil shows nothing.
	progress rtx.Progress
}

func (c *change) fail(what string, err error) error {
	return newChangeError(c.host, c.opts.Want, what, err)
}

// run takes the lock, connects, plans and applies: the whole sequence of
// `tunnel on|off`.
func run(ctx context.Context, opts *Options) (err error) {
	c := &change{
		opts:  opts,
		host:  opts.Target.Host.Host,
		store: &state.Store{Root: opts.StateDir, Now: opts.Now},
		// opts.IO.ErrOut discards everything with -q already.
		reporter: progress.Stderr(opts.IO.ErrOut, opts.Quiet, opts.Log.Verbose, opts.Target.Debug),
	}
	c.progress = c.reporter.Progress()
	c.key = c.store.Key(opts.Target.Addr(), c.host)
	logger, closeLog, err := opts.Log.Open(opts.StateDir, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	c.logger = logger
	defer func() {
		if err != nil {
			logger.Error("tunnel failed", "host", c.host, "want", opts.Want, "error", err)
		}
		err = errors.Join(err, closeLog())
	}()
	release, err := cli.LockRouter(ctx, opts.IO, opts.StateDir, opts.Target.Addr(), c.key, c.host, opts.LockWait)
	if err != nil {
		return c.fail("", err)
	}
	defer func() { err = errors.Join(err, release()) }()
	if err := c.checkPending(); err != nil {
		return err
	}

	client, done, err := c.open(ctx)
	if err != nil {
		return c.fail("", err)
	}
	defer func() {
		if cerr := done(); cerr != nil {
			c.warnf("%v", cerr)
		}
	}()
	c.sess = cli.Session{Client: client, Timeout: opts.Target.Timeout}
	releaseRouter, err := c.identify(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, releaseRouter()) }()
	if err := c.prepare(ctx); err != nil {
		return err
	}
	configText, err := c.sess.Run(ctx, cmdShowConfig)
	if err != nil {
		return c.fail("read the configuration", err)
	}
	sc, err := rtx.ParseShowConfig(configText)
	if err != nil {
		return c.fail("read the configuration", err)
	}
	savedText, err := c.sess.SavedConfig(ctx)
	if err != nil {
		return c.fail("read the saved configuration", err)
	}
	saved, err := rtx.ParseShowConfig(savedText)
	if err != nil {
		return c.fail("read the saved configuration", err)
	}
	// The backup holds the router's console settings, not the session's.
	configText = client.RouterConsole(configText)
	plan, err := c.plan(ctx, sc.BGP())
	if err != nil {
		return err
	}
	if plan.NoOp() {
		return c.converged(ctx, plan, saved.BGP(), configText)
	}
	return c.apply(ctx, plan, configText)
}

// plan computes the plan; when the configuration is already in the wanted
// state it reads the neighbors, so that a disagreeing advertisement plans a
// refresh.
func (c *change) plan(ctx context.Context, bgp *rtx.BGP) (*rtx.TunnelPlan, error) {
	po := rtx.PlanOptions{PeerAS: c.opts.PeerAS, FilterID: c.opts.FilterID, Match: c.opts.Match}
	plan, err := rtx.PlanTunnel(bgp, c.opts.Want, po)
	if err != nil {
		return nil, c.fail("", err)
	}
	if len(plan.Commands) > 0 {
		return plan, nil
	}
	if po.Observed, err = rtx.ReadNeighbors(ctx, c.sess, plan.Neighbors); err != nil {
		return nil, c.fail("read the bgp neighbors", err)
	}
	if plan, err = rtx.PlanTunnel(bgp, c.opts.Want, po); err != nil {
		return nil, c.fail("", err)
	}
	return plan, nil
}

// converged handles a router already in the wanted state: nothing to send,
// unless the saved configuration (saved) is not in that state (a run cut
// off between the change and the save), which is then saved.
func (c *change) converged(ctx context.Context, plan *rtx.TunnelPlan, saved *rtx.BGP, configText string) error {
	savedOK, err := inState(saved, plan)
	if err != nil {
		c.warnf("cannot check the saved configuration: %v", err)
		savedOK = true
	}
	if savedOK || c.opts.NoSave {
		// Nothing changed: Azure is checked (--azure), never undone for.
		rep, azErr := c.azureAfter(ctx)
		if err := c.writeResult(report{Plan: plan, Azure: rep}); err != nil {
			return err
		}
		c.notef("forced tunnel is already %s at %s (configuration and bgp agree): nothing to do", plan.Want, c.host)
		return azErr
	}
	if c.opts.RollbackIn > 0 {
		c.notef("forced tunnel is already %s at %s but the saved configuration is not; nothing to leave pending: run without --rollback-in to save it", plan.Want, c.host)
		return c.writeResult(report{Plan: plan})
	}
	if c.opts.DryRun {
		c.notef("forced tunnel is already %s at %s but the saved configuration is not; dry run: not saving", plan.Want, c.host)
		return c.writeResult(report{Plan: plan, DryRun: true})
	}
	c.notef("forced tunnel is already %s at %s but the saved configuration is not: saving", plan.Want, c.host)
	entry, err := c.record(plan, []string{"save"}, configText, nil)
	if err != nil {
		return err
	}
	err = c.sess.Save(ctx)
	result := &rtx.ApplyResult{Plan: plan, Saved: err == nil}
	c.recordResult(entry, result, err, false)
	if err != nil {
		return &ChangeError{Host: c.host, Want: plan.Want, What: "save", Running: string(plan.Want), Saved: stateUnknown, Err: err}
	}
	return c.writeResult(report{Plan: plan, Saved: true, Backup: entry.Backup})
}

// inState reports whether the saved BGP configuration is already in the
// plan's wanted state.
func inState(saved *rtx.BGP, plan *rtx.TunnelPlan) (bool, error) {
	if slices.Equal(saved.Lines(), plan.Before) {
		return true, nil
	}
	sp, err := rtx.PlanTunnel(saved, plan.Want, rtx.PlanOptions{PeerAS: plan.PeerAS, FilterID: plan.FilterID, Match: plan.Match})
	if err != nil {
		return false, err
	}
	return len(sp.Commands) == 0, nil
}

// apply prints the plan, then (unless --dry-run) backs up, journals and
// applies it.
func (c *change) apply(ctx context.Context, plan *rtx.TunnelPlan, configText string) error {
	if plan.Want == rtx.TunnelOn {
		c.warnSideEffects()
	}
	if c.opts.DryRun {
		r := report{Plan: plan, DryRun: true}
		if c.opts.RollbackIn > 0 {
			var err error
			if r.SafetyNet, err = c.safetyNet(ctx, configText); err != nil {
				return c.fail("read the router environment", err)
			}
		}
		if err := c.writeResult(r); err != nil {
			return err
		}
		c.notef("dry run: no configuration command was sent")
		return nil
	}
	if err := c.writePlan(plan); err != nil {
		return err
	}
	pendingRefresh := c.opts.RollbackIn > 0 && len(plan.Commands) == 0
	if c.opts.RollbackIn > 0 && !pendingRefresh {
		return c.applyPending(ctx, plan, configText)
	}
	// The write-ahead entry says which rollback timer the change arms
	// (only a change with commands arms one), so that a later run waits
	// for it if this one is cut off.
	timer := c.rollbackTimer()
	var armed *state.Armed
	if len(plan.Commands) > 0 {
		var err error
		if armed, err = pending.TimerArmed(ctx, c.sess, timer, c.armSlack(), c.opts.Clock); err != nil {
			return c.fail("read the router clock", err)
		}
	}
	entry, err := c.record(plan, plan.Steps(), configText, func(e *state.Entry) { e.Armed = armed })
	if err != nil {
		return err
	}
	if pendingRefresh {
		c.notef("forced tunnel is already %s at %s: only a refresh, nothing to leave pending or save", plan.Want, c.host)
	}
	features := &rtx.FirmwareFeatures{}
	// With --azure-required the change is saved only once Azure agrees.
	holdSave := c.opts.Azure.Required && !c.opts.NoSave && !pendingRefresh
	res, err := rtx.ApplyTunnel(ctx, c.sess, plan, rtx.ApplyOptions{VerifyTimeout: c.opts.VerifyTimeout, RollbackTimer: timer, NoSave: c.opts.NoSave || pendingRefresh || holdSave, Features: features, Progress: c.progress})
	timerArmed := features.RollbackTimer == rtx.Supported
	if err != nil {
		c.recordResult(entry, res, err, timerArmed)
		return c.fail("", err)
	}
	rep, azErr := c.azureAfter(ctx)
	if c.opts.Azure.Undo(rep) {
		err := c.undoForAzure(ctx, plan, azErr)
		c.recordResult(entry, res, err, timerArmed)
		return errors.Join(c.writeAzure(rep), err)
	}
	if holdSave {
		err = c.sess.Save(ctx)
		res.Saved = err == nil
	}
	c.recordResult(entry, res, err, timerArmed)
	if err != nil {
		return &ChangeError{Host: c.host, Want: plan.Want, What: "save", Running: string(plan.Want), Saved: stateUnknown, Err: err}
	}
	if c.opts.NoSave {
		c.notef("not saved (--no-save): the router runs forced tunnel %s, its saved configuration is unchanged", plan.Want)
	}
	return errors.Join(c.writeResult(report{Plan: plan, Changed: res.Changed, Saved: res.Saved, Neighbors: res.Neighbors, Backup: entry.Backup, Azure: rep}), azErr)
}

// record backs up the configuration and appends the journal entry of the
// change about to be made, completed by pending (nil for a change that is
// saved at once). Nothing has been sent yet, so a failure leaves the router
// unchanged.
func (c *change) record(plan *rtx.TunnelPlan, commands []string, configText string, pending func(*state.Entry)) (state.Entry, error) {
	backup, err := c.store.Backup(c.key, configText)
	if err != nil {
		return state.Entry{}, c.fail("back up the configuration", err)
	}
	e := state.Entry{
		Host:     c.host,
		Router:   c.key,
		User:     c.user(),
		Action:   action(plan.Want),
		Before:   plan.Before,
		After:    plan.After,
		Commands: commands,
		Backup:   backup,
	}
	if pending != nil {
		pending(&e)
	}
	if e.ID, err = c.store.Append(e); err != nil {
		return state.Entry{}, c.fail("write the journal", err)
	}
	return e, nil
}

// recordResult appends the outcome of entry to the journal. A journal that
// cannot be written is a warning: the router has been changed (or not)
// either way.
//
// The outcome clears the entry's write-ahead record unless the session was
// lost mid-change with the router's rollback timer armed (armed): the
// router then restores the previous configuration by itself when the timer
// runs out, and later runs wait for that (see [pending.Recovery]), so that
// the timer cannot undo their work.
func (c *change) recordResult(entry state.Entry, res *rtx.ApplyResult, err error, armed bool) {
	r := state.Entry{Ref: entry.ID, Host: c.host, Router: c.key, User: entry.User, Action: entry.Action, Result: state.ResultApplied}
	if entry.Armed != nil && !pending.TimerLeft(err, armed) {
		r.Clears = entry.ID
	}
	if res != nil {
		r.Saved = res.Saved
	}
	if err != nil {
		ce, ok := err.(*ChangeError)
		if !ok {
			ce = newChangeError(c.host, c.opts.Want, "", err)
		}
		r.Result, r.Error = state.ResultFailed, ce.Error()
		if ce.Running == runningReverted {
			r.Result = state.ResultReverted
		}
	}
	if _, err := c.store.Append(r); err != nil {
		c.warnf("cannot write the journal: %v", err)
	}
}

// rollbackTimer is the `rollback timer` ApplyTunnel arms (its default: the
// verify timeout plus two minutes).
func (c *change) rollbackTimer() time.Duration {
	return c.opts.VerifyTimeout + 2*time.Minute
}

// armSlack bounds the time from reading the router clock to arming the
// rollback timer: the check and the arming command, each within its
// per-command deadline.
func (c *change) armSlack() time.Duration {
	return 2 * c.opts.Target.Timeout
}

// recovery deals with what interrupted runs left on the router.
func (c *change) recovery() *pending.Recovery {
	return &pending.Recovery{Store: c.store, Key: c.key, User: c.user(), Wait: c.opts.WaitLeftover, Now: c.opts.Now,
		Notef: func(format string, args ...any) { c.notef(format, args...) }, Progress: c.progress}
}

// open connects and enters administrator mode; a run that changes the
// router does so only once no other session is in administrator mode (see
// [pending.OpenAdmin]).
func (c *change) open(ctx context.Context) (*rtx.Client, func() error, error) {
	if c.opts.DryRun {
		return c.opts.Conn.OpenAdmin(ctx, c.opts.Connect, c.opts.Target)
	}
	return pending.OpenAdmin(ctx, &c.opts.Conn, c.opts.Connect, c.opts.Target, c.opts.LockWait, c.opts.Clock, c.notef)
}

// identify learns which router the session reaches (its model and serial
// number) and from then on keeps its records under the router's key (see
// [pending.Rekey]); when the key changed, it checks for a pending change
// again. A route that now reaches another router is refused: the records it
// was checked against belong to the other one.
func (c *change) identify(ctx context.Context) (release func() error, err error) {
	key, release, err := pending.Rekey(ctx, c.sess, c.store, c.opts.Target.Addr(), c.host, c.key, func(key string) (func() error, error) {
		return cli.LockRouter(ctx, c.opts.IO, c.opts.StateDir, c.opts.Target.Addr(), key, c.host, c.opts.LockWait)
	})
	if err != nil {
		return nil, c.fail("", err)
	}
	if key == c.key {
		return release, nil
	}
	c.key = key
	if err := c.checkPending(); err != nil {
		return nil, errors.Join(err, release())
	}
	return release, nil
}

// prepare makes sure what interrupted runs left armed has run out or is
// removed, unless this is a dry run, which changes nothing.
func (c *change) prepare(ctx context.Context) error {
	if c.opts.DryRun {
		return nil
	}
	if err := c.recovery().Run(ctx, c.sess); err != nil {
		return c.fail("deal with an interrupted run", err)
	}
	return nil
}

// checkPending refuses to touch a router with a change left pending with
// --rollback-in: it must be confirmed or rolled back first. The changes of
// interrupted runs are dealt with once connected (see [pending.Recovery]).
func (c *change) checkPending() error {
	p, err := pending.Find(c.store, c.key)
	if errors.Is(err, state.ErrNoPending) {
		return nil
	}
	if err != nil {
		return c.fail("read the journal", err)
	}
	if p.Timer() {
		return nil
	}
	return &ChangeError{Host: c.host, Want: c.opts.Want, Running: stateUnchanged, Saved: stateUnchanged, Err: pending.Blocks(p, pending.RouterArg(c.opts.Router, c.host))}
}

// user is who makes this change.
func (c *change) user() state.User {
	return state.User{Login: c.opts.Target.User, Local: state.LocalUser()}
}

func action(want rtx.TunnelState) state.Action {
	if want == rtx.TunnelOn {
		return state.ActionTunnelOn
	}
	return state.ActionTunnelOff
}
