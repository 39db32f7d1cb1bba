package rtx

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Support says whether a firmware feature is available.
type Support int

// Support values.
const (
	SupportUnknown Support = iota // not tried yet
	Supported
	Unsupported
)

// FirmwareFeatures records what a router's firmware supports. [ApplyTunnel] fills it
// in as it learns (it tries `rollback timer` once and remembers an
// `Invalid command name` answer), so a caller that keeps one FirmwareFeatures per
// router avoids asking again. Not safe for concurrent use.
type FirmwareFeatures struct {
	// RollbackTimer tells whether `rollback timer` exists.
	RollbackTimer Support
}

// Defaults of [ApplyOptions].
const (
	DefaultVerifyTimeout = 90 * time.Second
	DefaultPollInterval  = 2 * time.Second
	DefaultRevertTimeout = time.Minute
	// rollbackMargin is added to the verify timeout for the default
	// rollback timer, so the timer never fires while ApplyTunnel still works.
	rollbackMargin = 2 * time.Minute
)

// ApplyOptions tunes [ApplyTunnel]. The zero value uses the defaults.
type ApplyOptions struct {
	// VerifyTimeout bounds the wait for the neighbors to be Established
	// and to advertise (or withdraw) the default route; 0 means
	// [DefaultVerifyTimeout].
	VerifyTimeout time.Duration
	// PollInterval is the pause between two status reads while verifying;
	// 0 means [DefaultPollInterval].
	PollInterval time.Duration
	// RollbackTimer is the `rollback timer` armed before the first
	// configuration command, so that the router restores its configuration
	// if the session is lost; 0 means VerifyTimeout plus two minutes,
	// negative means never arm it. A pending apply whose on-router
	// rollback is armed never arms it (see [ApplyTunnel]).
	RollbackTimer time.Duration
	// RevertTimeout bounds putting the previous configuration back after a
	// failure, even when ctx is already cancelled; 0 means
	// [DefaultRevertTimeout].
	RevertTimeout time.Duration
	// NoSave leaves the verified change running but unsaved.
	NoSave bool
	// Pending, when not nil, leaves the verified change pending: undone
	// at a deadline unless confirmed (see [PendingOptions]). Nothing is
	// saved, as with NoSave.
	Pending *PendingOptions
	// Features remembers firmware features across calls; nil means probe
	// every time.
	Features *FirmwareFeatures
	// Now supplies the clock for ApplyResult timings; nil means time.Now.
	Now func() time.Time
	// Progress receives the events of the verification (each reading of
	// the neighbors, their state changes, the default route appearing or
	// withdrawn, elapsed time against VerifyTimeout); nil reports nothing.
	Progress Progress
}

func (o ApplyOptions) verifyTimeout() time.Duration {
	return orDefault(o.VerifyTimeout, DefaultVerifyTimeout)
}

func (o ApplyOptions) pollInterval() time.Duration {
	return orDefault(o.PollInterval, DefaultPollInterval)
}

func (o ApplyOptions) revertTimeout() time.Duration {
	return orDefault(o.RevertTimeout, DefaultRevertTimeout)
}

func (o ApplyOptions) rollbackSeconds() int {
	d := orDefault(o.RollbackTimer, o.verifyTimeout()+rollbackMargin)
	return int(math.Ceil(d.Seconds()))
}

func (o ApplyOptions) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// ApplyResult reports what [ApplyTunnel] did.
type ApplyResult struct {
	// Plan is the plan that was carried out.
	Plan *TunnelPlan `json:"plan"`
	// Changed reports that configuration commands or a refresh were sent.
	Changed bool `json:"changed"`
	// RollbackTimer reports that a rollback timer was armed (and confirmed).
	RollbackTimer bool `json:"rollback_timer"`
	// Neighbors are the neighbor states seen when verification succeeded.
	Neighbors []NeighborState `json:"neighbors,omitempty"`
	// Saved reports that the configuration was saved.
	Saved bool `json:"saved"`
	// Pending describes the change left pending (ApplyOptions.Pending), for
	// [ConfirmPending] and [RollbackPending]; nil when nothing is pending
	// (a normal apply, a no-op plan or a refresh only).
	Pending *Pending `json:"pending,omitempty"`
	// NoScheduledRollback says why the pending change has no on-router
	// rollback (it matches [ErrNoScheduledRollback]): only the controller's
	// deadline undoes it. nil otherwise.
	NoScheduledRollback error `json:"-"`
	// Configure is the time spent sending the commands and the refresh,
	// Verify the time until the neighbors agreed, Total the whole call.
	Configure time.Duration `json:"configure_ns"`
	Verify    time.Duration `json:"verify_ns"`
	Total     time.Duration `json:"total_ns"`
}

// ErrPlanStale is wrapped by the error [ApplyTunnel] returns when the running
// BGP configuration is no longer the one the plan was made from. Nothing was
// changed.
var ErrPlanStale = errors.New("bgp configuration changed since the plan was made")

// Router states named in errors.
const (
	runningUnchanged = "unchanged"
	runningReverted  = "reverted"
	runningUnknown   = "unknown"
	savedUnchanged   = "unchanged"
	savedUnknown     = "unknown"
)

// ApplyError reports that [ApplyTunnel] failed and says what the router runs
// and has saved now.
type ApplyError struct {
	// Want is the state the plan was to reach.
	Want TunnelState
	// Step is what failed: "check", "arm router rollback", "record
	// pending" (PendingOptions.OnArmed), "arm rollback timer",
	// "configure", "refresh", "verify", "confirm" or "save".
	Step string
	// Command is the command that failed, if any.
	Command string
	// Running is the running configuration now: "unchanged", "reverted",
	// the wanted state ("on"/"off"), or "unknown" with a reason.
	Running string
	// Saved is the saved configuration now: "unchanged" or "unknown".
	Saved string
	// Err is the cause; RevertErr the failure of the revert, if any.
	Err       error
	RevertErr error
}

// Error names the failed step and says what the router runs and has saved.
func (e *ApplyError) Error() string {
	what := e.Step
	if e.Command != "" {
		what += fmt.Sprintf(" %q", e.Command)
	}
	msg := fmt.Sprintf("apply forced tunnel %s: %s failed (router running: %s, saved: %s)", e.Want, what, e.Running, e.Saved)
	if e.RevertErr != nil {
		msg += fmt.Sprintf(": revert: %v", e.RevertErr)
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the cause and the revert failure.
func (e *ApplyError) Unwrap() []error { return nonNil(e.Err, e.RevertErr) }

// VerificationError reports that after the change the router did not reach
// the wanted state within the verify timeout (or the configuration read back
// differs from the plan). The change was reverted and not saved unless
// Running says otherwise.
type VerificationError struct {
	// Want is the state the plan was to reach.
	Want TunnelState
	// Reason says what was wrong at the last check.
	Reason string
	// Neighbors are the neighbor states seen at the last check.
	Neighbors []NeighborState
	// Running and Saved are as in [ApplyError].
	Running string
	Saved   string
	// Err is the cause (context.DeadlineExceeded when the timeout
	// expired); RevertErr the failure of the revert, if any.
	Err       error
	RevertErr error
}

// Error says what was wrong and what the router runs and has saved.
func (e *VerificationError) Error() string {
	msg := fmt.Sprintf("verify forced tunnel %s: %s (router running: %s, saved: %s)", e.Want, e.Reason, e.Running, e.Saved)
	if e.RevertErr != nil {
		msg += fmt.Sprintf(": revert: %v", e.RevertErr)
	}
	if e.Err != nil {
		msg += ": " + transport.ContextCause(e.Err)
	}
	return msg
}

// Unwrap returns the cause and the revert failure.
func (e *VerificationError) Unwrap() []error { return nonNil(e.Err, e.RevertErr) }

func nonNil(errs ...error) []error {
	return slices.DeleteFunc(errs, func(e error) bool { return e == nil })
}

// ApplyTunnel carries out a plan from [PlanTunnel] on the router, which must
// be in administrator mode:
//
//  1. it checks that the running BGP lines are still plan.Before
//     ([ErrPlanStale] otherwise);
//  2. it arms `rollback timer` (unless disabled or known unsupported; an
//     `Invalid command name` answer is remembered in opts.Features);
//  3. it sends the configuration commands and `bgp configure refresh`;
//  4. it reads the BGP lines back and polls each neighbor of the peer until
//     it is Established and advertises (on) or no longer advertises (off)
//     the default route, for at most opts.VerifyTimeout;
//  5. it sends `confirm` if the timer was armed, then saves unless opts.NoSave.
//
// With opts.Pending the change is left pending: before step 2 it arms an
// on-router rollback ([ArmScheduledRollback]; firmware without one goes on
// without it unless RequireScheduledRollback, see ApplyResult.NoScheduledRollback) and
// calls PendingOptions.OnArmed; in step 5 it never saves. While the
// on-router rollback is armed, step 2 arms no session rollback timer: the
// schedule entry already undoes the change if the session is lost, and a
// timer restoring its snapshot (taken after arming, so with the entry in
// it) after the entry fired or was removed would put the entry back. Only
// a pending apply without an on-router rollback arms the timer (and
// confirms it in step 5). ApplyResult.Pending then says what to confirm or roll
// back. A failure after arming reverts first and then disarms the on-router
// rollback (it stays armed only when the revert failed, as the last safety
// net).
//
// A refused command, a failed refresh or a failed verification puts the
// previous BGP lines back, refreshes, does not save, and returns an
// [*ApplyError] or [*VerificationError] saying what the router now runs and
// has saved. A no-op plan sends nothing at all. Cancelling ctx stops the
// change; the revert then still runs, bounded by opts.RevertTimeout.
func ApplyTunnel(ctx context.Context, r ConfigSession, plan *TunnelPlan, opts ApplyOptions) (*ApplyResult, error) {
	start := opts.now()
	res := &ApplyResult{Plan: plan}
	if plan.NoOp() {
		return res, nil
	}
	a := &applier{r: r, plan: plan, opts: opts}
	if err := a.check(ctx); err != nil {
		return nil, err
	}
	if len(plan.Commands) > 0 {
		if err := a.armRouter(ctx, res); err != nil {
			return nil, err
		}
		if err := a.armRollback(ctx); err != nil {
			return nil, a.disarmAfter(ctx, err)
		}
	}
	res.Changed, res.RollbackTimer = true, a.armed
	for _, cmd := range plan.Steps() {
		step := "configure"
		if cmd == cmdRefresh {
			step = "refresh"
		}
		if _, err := r.Run(ctx, cmd); err != nil {
			return nil, a.fail(ctx, step, cmd, err)
		}
	}
	configured := opts.now()
	res.Configure = configured.Sub(start)
	neighbors, err := a.verify(ctx)
	if err != nil {
		return nil, err
	}
	res.Neighbors = neighbors
	res.Verify = opts.now().Sub(configured)
	if a.armed {
		if _, err := r.Run(ctx, cmdConfirm); err != nil {
			return nil, a.disarmAfter(ctx, &ApplyError{Want: plan.Want, Step: "confirm", Command: cmdConfirm,
				Running: string(plan.Want) + " until the rollback timer restores the previous configuration",
				Saved:   savedUnchanged, Err: err})
		}
	}
	if opts.Pending != nil {
		if a.pending {
			p := a.pendingChange()
			res.Pending = &p
		}
	} else if !opts.NoSave {
		if err := r.Save(ctx); err != nil {
			return nil, &ApplyError{Want: plan.Want, Step: "save", Running: string(plan.Want), Saved: savedUnknown, Err: err}
		}
		res.Saved = true
	}
	res.Total = opts.now().Sub(start)
	return res, nil
}

const cmdConfirm = "confirm"

func cmdRollbackTimer(seconds int) string { return fmt.Sprintf("rollback timer %d", seconds) }

// applier holds the state of one ApplyTunnel call.
type applier struct {
	r     ConfigSession
	plan  *TunnelPlan
	opts  ApplyOptions
	armed bool // the session's rollback timer
	// pending reports that the change is left pending; rb is its
	// on-router rollback, nil when the firmware has none.
	pending bool
	rb      *ScheduledRollback
}

// check makes sure the router still runs the configuration the plan starts from.
func (a *applier) check(ctx context.Context) error {
	cur, err := ReadBGP(ctx, a.r)
	if err != nil {
		return a.unchanged("check", cmdShowBGPConfig, err)
	}
	if !slices.Equal(cur.Lines(), a.plan.Before) {
		return a.unchanged("check", "", ErrPlanStale)
	}
	return nil
}

func (a *applier) unchanged(step, cmd string, err error) error {
	return &ApplyError{Want: a.plan.Want, Step: step, Command: cmd, Running: runningUnchanged, Saved: savedUnchanged, Err: err}
}

// armRollback arms the rollback timer when the firmware may support it and
// no on-router rollback is armed.
func (a *applier) armRollback(ctx context.Context) error {
	f := a.opts.Features
	if f == nil {
		f = &FirmwareFeatures{}
	}
	if a.opts.RollbackTimer < 0 || a.rb != nil || f.RollbackTimer == Unsupported {
		return nil
	}
	cmd := cmdRollbackTimer(a.opts.rollbackSeconds())
	_, err := a.r.Run(ctx, cmd)
	switch {
	case err == nil:
		f.RollbackTimer, a.armed = Supported, true
		return nil
	case isInvalidCommand(err):
		f.RollbackTimer = Unsupported
		return nil
	default:
		return a.unchanged("arm rollback timer", cmd, err)
	}
}

// isInvalidCommand reports whether the router refused a command as unknown.
func isInvalidCommand(err error) bool {
	var ce *driver.CommandError
	if !errors.As(err, &ce) {
		return false
	}
	return strings.Contains(ce.Message, "Invalid command name") || strings.Contains(ce.Message, "コマンド名を確認")
}

// fail reverts after a failed step and returns the error describing it.
func (a *applier) fail(ctx context.Context, step, cmd string, err error) error {
	running, rerr := a.revert(ctx)
	return &ApplyError{Want: a.plan.Want, Step: step, Command: cmd, Running: running, Saved: savedUnchanged, Err: err, RevertErr: rerr}
}

// revert puts the plan's Before lines back (computing the commands from what
// the router runs now, which after a failure in the middle is neither Before
// nor After) and refreshes. It returns the running state to report.
func (a *applier) revert(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.revertTimeout())
	defer cancel()
	unknown := runningUnknown
	switch {
	case a.armed:
		unknown += " (the rollback timer restores the previous configuration)"
	case a.rb != nil:
		unknown += fmt.Sprintf(" (schedule %d restores the saved configuration at %s router time)", a.rb.ID, a.rb.Deadline.Format(time.DateTime))
	}
	cur, err := ReadBGP(ctx, a.r)
	if err != nil {
		return unknown, err
	}
	for _, cmd := range append(transition(cur, ParseBGPLines(a.plan.Before)), cmdRefresh) {
		if _, err := a.r.Run(ctx, cmd); err != nil {
			return unknown, fmt.Errorf("command %q: %w", cmd, err)
		}
	}
	return runningReverted, a.disarm(ctx)
}

// verify reads the configuration back and polls the neighbors until they
// agree with the wanted state or the verify timeout expires; on failure it
// reverts and returns a *VerificationError or *ApplyError.
func (a *applier) verify(ctx context.Context) ([]NeighborState, error) {
	vctx, cancel := context.WithTimeout(ctx, a.opts.verifyTimeout())
	defer cancel()
	cur, err := ReadBGP(vctx, a.r)
	if err != nil {
		return nil, a.verifyFailed(ctx, "cannot read the configuration back", nil, err)
	}
	if got := cur.Lines(); !slices.Equal(got, a.plan.After) {
		reason := fmt.Sprintf("running configuration differs from the plan:\n%s", strings.Join(diffLines(a.plan.After, got), "\n"))
		return nil, a.verifyFailed(ctx, reason, nil, nil)
	}
	watch := newVerifyWatch(a.opts.Progress, a.plan.Want, a.opts.verifyTimeout(), a.opts.now)
	var timer *time.Timer
	for {
		states, err := ReadNeighbors(vctx, a.r, a.plan.Neighbors)
		if err != nil {
			watch.done(err)
			return nil, a.verifyFailed(ctx, "cannot read the neighbor status", states, err)
		}
		reason, waiting := a.disagreement(states)
		watch.poll(states, waiting)
		if reason == "" {
			watch.done(nil)
			return states, nil
		}
		if timer == nil {
			timer = time.NewTimer(a.opts.pollInterval())
			defer timer.Stop()
		} else {
			timer.Reset(a.opts.pollInterval())
		}
		select {
		case <-vctx.Done():
			watch.done(vctx.Err())
			return nil, a.verifyFailed(ctx, reason, states, vctx.Err())
		case <-timer.C:
		}
	}
}

// disagreement says which neighbor is not yet in the wanted state and why;
// "" and nil when all are.
func (a *applier) disagreement(states []NeighborState) (string, *NeighborState) {
	for i, n := range states {
		switch {
		case !n.established():
			return fmt.Sprintf("bgp neighbor %s is %s, not Established", n.Address, stateOrUnknown(n.State)), &states[i]
		case a.plan.Want == TunnelOn && !n.AdvertisesDefault:
			return fmt.Sprintf("default route not advertised to %s", n.Address), &states[i]
		case a.plan.Want == TunnelOff && n.AdvertisesDefault:
			return fmt.Sprintf("default route still advertised to %s", n.Address), &states[i]
		}
	}
	return "", nil
}

func (a *applier) verifyFailed(ctx context.Context, reason string, states []NeighborState, cause error) error {
	running, rerr := a.revert(ctx)
	return &VerificationError{Want: a.plan.Want, Reason: reason, Neighbors: states, Running: running, Saved: savedUnchanged, Err: cause, RevertErr: rerr}
}
