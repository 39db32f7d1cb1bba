package rtx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PendingOptions makes [ApplyTunnel] leave its change pending (set
// ApplyOptions.Pending): the change is undone at the deadline unless
// [ConfirmPending] makes it final.
type PendingOptions struct {
	// Arm says when and how the router undoes the change by itself
	// ([ArmScheduledRollback]).
	Arm ArmOptions
	// RequireScheduledRollback makes firmware that cannot undo the change by
	// itself ([ErrNoScheduledRollback]) fail the apply before any change.
	// false goes on without an on-router rollback (only the controller's
	// deadline undoes the change) and reports why in
	// ApplyResult.NoScheduledRollback.
	RequireScheduledRollback bool
	// OnArmed, when not nil, is called once, after the on-router rollback
	// was armed (or found unavailable) and before the first configuration
	// command, with what is about to be left pending (p.ScheduledRollback is
	// nil when the firmware has none) and why there is no on-router
	// rollback (nil when there is one). The caller records the pending
	// change there, so that the record exists before anything changes. An
	// error from it disarms the on-router rollback and aborts the apply
	// with an [*ApplyError] (step "record pending") wrapping it; nothing
	// was changed.
	OnArmed func(p Pending, noScheduledRollback error) error
}

// Pending is a change [ApplyTunnel] left pending: what the caller records
// (it marshals to JSON) to confirm it ([ConfirmPending]) or undo it
// ([RollbackPending]) later.
type Pending struct {
	// Before and After are the BGP lines (canonical order) before and
	// after the change.
	Before []string `json:"before"`
	After  []string `json:"after"`
	// ScheduledRollback is the armed on-router rollback; nil when the
	// firmware has none.
	ScheduledRollback *ScheduledRollback `json:"router_rollback,omitempty"`
}

// armRouter arms the on-router rollback of a pending apply and calls
// PendingOptions.OnArmed; an error from the hook disarms.
func (a *applier) armRouter(ctx context.Context, res *ApplyResult) error {
	p := a.opts.Pending
	if p == nil {
		return nil
	}
	a.pending = true
	rb, err := ArmScheduledRollback(ctx, a.r, p.Arm)
	switch {
	case err == nil:
		a.rb = rb
	case errors.Is(err, ErrNoScheduledRollback) && !p.RequireScheduledRollback:
		res.NoScheduledRollback = err
	default:
		return a.unchanged("arm router rollback", "", err)
	}
	if p.OnArmed == nil {
		return nil
	}
	if err := p.OnArmed(a.pendingChange(), res.NoScheduledRollback); err != nil {
		return a.disarmAfter(ctx, a.unchanged("record pending", "", err))
	}
	return nil
}

// pendingChange is the change a pending apply leaves pending.
func (a *applier) pendingChange() Pending {
	return Pending{Before: a.plan.Before, After: a.plan.After, ScheduledRollback: a.rb}
}

// disarm removes the on-router rollback, if one is armed.
func (a *applier) disarm(ctx context.Context) error {
	if a.rb == nil {
		return nil
	}
	if _, err := DisarmScheduledRollback(ctx, a.r, *a.rb); err != nil {
		return err
	}
	a.rb = nil
	return nil
}

// disarmAfter disarms the on-router rollback after a failure that left the
// configuration as it was (or will be restored by the rollback timer), and
// adds a disarm failure to the *ApplyError's RevertErr.
func (a *applier) disarmAfter(ctx context.Context, err error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.revertTimeout())
	defer cancel()
	derr := a.disarm(ctx)
	var ae *ApplyError
	if derr != nil && errors.As(err, &ae) {
		ae.RevertErr = errors.Join(ae.RevertErr, derr)
	}
	return err
}

// ErrAlreadyUndone is matched (errors.Is) by the error [ConfirmPending]
// returns when the pending change is no longer running because a rollback
// (the router's schedule or [RollbackPending]) already undid it. Nothing
// was saved.
var ErrAlreadyUndone = errors.New("the pending change was already undone")

// ErrPendingChanged is matched (errors.Is) by the error [ConfirmPending]
// returns when the running BGP lines are neither the pending change nor the
// lines before it: a run cut off in the middle of the change left it
// half-made, or someone else changed the lines. Nothing was saved. The error
// is a [*PendingChangedError].
var ErrPendingChanged = errors.New("running bgp configuration is neither the pending change nor the previous one")

// PendingChangedError is the error [ConfirmPending] returns (wrapped) when
// the running BGP lines are neither the pending change nor the lines before
// it. It matches [ErrPendingChanged].
type PendingChangedError struct {
	// Pending is the change that was to be confirmed.
	Pending Pending
	// Running is the running BGP lines (canonical order).
	Running []string
}

// Error names the difference from the pending change, a line each.
func (e *PendingChangedError) Error() string {
	return fmt.Sprintf("%v:\n%s", ErrPendingChanged, strings.Join(diffLines(e.Pending.After, e.Running), "\n"))
}

// Is reports that e matches [ErrPendingChanged].
func (e *PendingChangedError) Is(target error) bool { return target == ErrPendingChanged }

// Made returns what the running BGP lines change from the lines before the
// pending change, a line each: "+ LINE" added, "- LINE" removed.
func (e *PendingChangedError) Made() []string {
	var out []string
	for _, l := range diffLines(e.Pending.Before, e.Running) {
		if !strings.HasPrefix(l, "  ") {
			out = append(out, l)
		}
	}
	return out
}

// ConfirmResult reports what [ConfirmPending] did.
type ConfirmResult struct {
	// Disarmed reports that the on-router rollback was still armed and has
	// been removed.
	Disarmed bool `json:"disarmed"`
	// Saved reports that the configuration was saved.
	Saved bool `json:"saved"`
}

// ConfirmPending makes a pending change final. The router must be in
// administrator mode. It reads the running BGP lines: when they are neither
// p.After nor p.Before (the change was left half-made, or someone else
// changed them) it returns a [*PendingChangedError] without saving and
// leaves the on-router rollback armed, so that the router still restores
// the saved configuration at the deadline. When they are p.Before the
// change was already undone (the router's schedule fired first): it removes
// what is left of the on-router rollback and returns [ErrAlreadyUndone]
// without saving. When they are p.After it disarms the on-router rollback
// (so that the entry is never saved), reads the lines again (the schedule
// may have fired meanwhile) and saves.
//
// It is idempotent: confirming again finds no entry to disarm and saves the
// same configuration again.
func ConfirmPending(ctx context.Context, r ConfigSession, p Pending) (*ConfirmResult, error) {
	res := &ConfirmResult{}
	err := checkPendingRunning(ctx, r, p)
	if p.ScheduledRollback != nil && (err == nil || errors.Is(err, ErrAlreadyUndone)) {
		removed, derr := DisarmScheduledRollback(ctx, r, *p.ScheduledRollback)
		if derr != nil {
			return res, fmt.Errorf("confirm pending change: %w", derr)
		}
		res.Disarmed = removed
		if err == nil {
			// The schedule may have fired between the read and its removal.
			err = checkPendingRunning(ctx, r, p)
		}
	}
	if err != nil {
		return res, fmt.Errorf("confirm pending change: %w", err)
	}
	if err := r.Save(ctx); err != nil {
		return res, fmt.Errorf("confirm pending change: %w", err)
	}
	res.Saved = true
	return res, nil
}

// checkPendingRunning reads the running BGP lines: nil when they are
// p.After, [ErrAlreadyUndone] when they are p.Before, else a
// [*PendingChangedError].
func checkPendingRunning(ctx context.Context, r Commander, p Pending) error {
	cur, err := ReadBGP(ctx, r)
	if err != nil {
		return err
	}
	switch lines := cur.Lines(); {
	case slices.Equal(lines, p.After):
		return nil
	case slices.Equal(lines, p.Before):
		return ErrAlreadyUndone
	default:
		return &PendingChangedError{Pending: p, Running: lines}
	}
}

// RollbackResult reports what [RollbackPending] did.
type RollbackResult struct {
	// Restore is what restoring the previous BGP lines did; Restore.Changed
	// is false when they were already running (the router's schedule, or an
	// earlier rollback, undid the change first).
	Restore *ApplyResult `json:"restore"`
	// Disarmed reports that the on-router rollback was still armed and has
	// been removed.
	Disarmed bool `json:"disarmed"`
}

// AlreadyUndone reports that there was nothing to undo.
func (r *RollbackResult) AlreadyUndone() bool { return r.Restore != nil && !r.Restore.Changed }

// RollbackPending undoes a pending change now: [RestoreBGP] puts p.Before
// back (commands, refresh, verification; no command when p.Before is
// already running, for example because the router's schedule fired first),
// then the on-router rollback is disarmed. The order keeps the router's
// safety net armed until the restore is verified. Nothing is saved (the
// saved configuration already holds p.Before): opts.Apply.NoSave is forced
// and opts.Apply.Pending ignored. It is idempotent.
func RollbackPending(ctx context.Context, r ConfigSession, p Pending, opts RestoreOptions) (*RollbackResult, error) {
	opts.Apply.NoSave, opts.Apply.Pending = true, nil
	res := &RollbackResult{}
	restored, err := RestoreBGP(ctx, r, p.Before, opts)
	res.Restore = restored
	if err != nil {
		return res, fmt.Errorf("roll back pending change: %w", err)
	}
	if p.ScheduledRollback != nil {
		removed, err := DisarmScheduledRollback(ctx, r, *p.ScheduledRollback)
		res.Disarmed = removed
		if err != nil {
			return res, fmt.Errorf("roll back pending change: %w", err)
		}
	}
	return res, nil
}
