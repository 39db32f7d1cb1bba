package tunnel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// pendingReport describes a change left pending (--rollback-in).
type pendingReport struct {
	// JournalID is the journal entry to confirm or roll back.
	JournalID int `json:"journal_id"`
	// Deadline is when the change is undone unless confirmed.
	Deadline time.Time `json:"deadline"`
	// RouterRollback is the `schedule at` entry armed on the router; nil
	// when the firmware has none and only `rollback --expired` undoes it.
	RouterRollback *rtx.RouterRollback `json:"router_rollback,omitempty"`
	// NoRouterRollback says why there is no on-router rollback.
	NoRouterRollback string `json:"no_router_rollback,omitempty"`
}

// applyPending makes the change with a timed rollback through
// [rtx.ApplyTunnel]: the library arms the router's `schedule at` entry,
// then (in the OnArmed hook, before any configuration command) the pending
// change is recorded (deadline, schedule ID and how to reach the router
// again), then it applies and verifies without saving. On failure the
// library reverts and then disarms.
func (c *change) applyPending(ctx context.Context, plan *rtx.TunnelPlan, configText string) error {
	pr := &pendingReport{}
	var (
		entry     state.Entry
		recorded  bool
		recordErr error
	)
	onArmed := func(p rtx.Pending, noRouterRollback error) error {
		c.armed(pr, p.RouterRollback, noRouterRollback)
		pr.Deadline = c.now().Add(c.opts.RollbackIn)
		entry, recordErr = c.recordPending(plan, configText, p, pr.Deadline)
		recorded = recordErr == nil
		return recordErr
	}
	res, err := rtx.ApplyTunnel(ctx, c.sess, plan, rtx.ApplyOptions{
		VerifyTimeout: c.opts.VerifyTimeout,
		// The session timer only protects a change without a schedule
		// entry (the library arms none while one is armed); it fires by
		// the deadline, so that afterwards nothing on the router can still
		// change it.
		RollbackTimer: c.opts.RollbackIn,
		Features:      &rtx.Features{},
		Pending: &rtx.PendingOptions{
			Arm:     rtx.ArmOptions{After: c.opts.RollbackIn, AllowRestart: c.opts.AllowRestart, Now: c.opts.Now},
			OnArmed: onArmed,
		},
	})
	switch {
	case recordErr != nil:
		return errors.Join(recordErr, disarmFailure(pr.RouterRollback, err))
	case err != nil && !recorded:
		return c.fail("", err)
	case err != nil:
		return c.pendingFailed(entry, err)
	}
	pr.JournalID = entry.ID
	c.appendResult(state.Entry{Ref: entry.ID, Result: state.ResultApplied})
	c.notef("pending until %s: run `rtxctl confirm` to keep the change, `rtxctl rollback` to undo it now", pr.Deadline.Local().Format(time.RFC3339))
	return c.writeResult(report{Plan: plan, Changed: res.Changed, Neighbors: res.Neighbors, Backup: entry.Backup, Pending: pr})
}

// armed reports how the change is undone at the deadline: the router's
// schedule entry rb, or, when there is none (noRouterRollback says why),
// only `rollback --expired` on the controller.
func (c *change) armed(pr *pendingReport, rb *rtx.RouterRollback, noRouterRollback error) {
	pr.RouterRollback = rb
	if rb == nil {
		pr.NoRouterRollback = noRouterRollback.Error()
		c.warnf("%v", noRouterRollback)
		if !c.opts.AllowRestart {
			c.warnf("--allow-restart lets such firmware restart into the saved configuration at the deadline")
		}
		c.warnf("only the controller undoes this change at the deadline: run `rtxctl rollback --expired` from cron (docs/cron.md)")
		return
	}
	if rb.Skew >= time.Minute || rb.Skew <= -time.Minute {
		c.warnf("the router clock is %s off the controller clock; its rollback fires at %s router time", rb.Skew, rb.Deadline.Format(time.DateTime))
	}
}

// disarmFailure returns the failure to remove the router's schedule entry
// rb after the pending change could not be recorded (err is the apply's
// error), if any.
func disarmFailure(rb *rtx.RouterRollback, err error) error {
	var ae *rtx.ApplyError
	if rb == nil || !errors.As(err, &ae) || ae.RevertErr == nil {
		return nil
	}
	return fmt.Errorf("remove the router's rollback schedule %d: %w", rb.ID, ae.RevertErr)
}

// recordPending appends the pending journal entry (see [change.record])
// and writes its record.
func (c *change) recordPending(plan *rtx.TunnelPlan, configText string, p rtx.Pending, deadline time.Time) (state.Entry, error) {
	e, err := c.record(plan, plan.Steps(), configText, func(e *state.Entry) {
		e.Pending, e.Deadline = true, deadline
		if p.RouterRollback != nil {
			e.RouterScheduleID = p.RouterRollback.ID
		}
	})
	if err != nil {
		return state.Entry{}, err
	}
	rec := &cli.PendingRecord{Router: c.opts.Router, Conn: c.opts.Target.Host, Pending: p}
	if err := cli.WritePendingRecord(c.store.Root, c.host, e.ID, rec); err != nil {
		c.appendResult(state.Entry{Ref: e.ID, State: state.StateRolledBack, Result: state.ResultFailed, Error: err.Error()})
		return state.Entry{}, c.fail("", err)
	}
	return e, nil
}

// pendingFailed records a failed pending change. When the router runs
// the previous lines again (the library then removed the schedule entry),
// the change is rolled back; otherwise it stays pending, and the schedule
// entry (or `rollback --expired`) undoes it at the deadline.
func (c *change) pendingFailed(entry state.Entry, err error) error {
	ce := newChangeError(c.host, c.opts.Want, "", err)
	r := state.Entry{Ref: entry.ID, Result: state.ResultFailed, Error: ce.Error()}
	if ce.Running == stateUnchanged || ce.Running == runningReverted {
		r.State = state.StateRolledBack
		if ce.Running == runningReverted {
			r.Result = state.ResultReverted
		}
	} else {
		c.notef("the change stays pending: it is undone at %s unless confirmed", entry.Deadline.Local().Format(time.RFC3339))
	}
	c.appendResult(r)
	return ce
}

// appendResult appends r (with this run's host and user) to the journal;
// a journal that cannot be written is a warning.
func (c *change) appendResult(r state.Entry) {
	r.Host, r.User, r.Action = c.host, c.user(), action(c.opts.Want)
	if _, err := c.store.Append(r); err != nil {
		c.warnf("cannot write the journal: %v", err)
	}
}
