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

// applyPending makes the change with a timed rollback: it arms the
// router's `schedule at` entry, records the pending change (deadline,
// schedule ID and how to reach the router again) before sending any
// configuration command, then applies and verifies without saving.
func (c *change) applyPending(ctx context.Context, plan *rtx.TunnelPlan, configText string) error {
	pr := &pendingReport{}
	rb, err := rtx.ArmRouterRollback(ctx, c.sess, rtx.ArmOptions{After: c.opts.RollbackIn, AllowRestart: c.opts.AllowRestart, Now: c.opts.Now})
	switch {
	case errors.Is(err, rtx.ErrNoRouterRollback):
		pr.NoRouterRollback = err.Error()
		c.warnf("%v", err)
		if !c.opts.AllowRestart {
			c.warnf("--allow-restart lets such firmware restart into the saved configuration at the deadline")
		}
		c.warnf("only the controller undoes this change at the deadline: run `rtxctl rollback --expired` from cron (docs/cron.md)")
	case err != nil:
		return c.fail("arm the router's rollback", err)
	default:
		pr.RouterRollback = rb
		if rb.Skew >= time.Minute || rb.Skew <= -time.Minute {
			c.warnf("the router clock is %s off the controller clock; its rollback fires at %s router time", rb.Skew, rb.Deadline.Format(time.DateTime))
		}
	}
	pr.Deadline = c.now().Add(c.opts.RollbackIn)
	entry, err := c.recordPending(plan, configText, rb, pr.Deadline)
	if err != nil {
		return errors.Join(err, c.disarm(ctx, rb))
	}
	pr.JournalID = entry.ID
	res, err := rtx.ApplyTunnel(ctx, c.sess, plan, rtx.ApplyOptions{
		VerifyTimeout: c.opts.VerifyTimeout, NoSave: true, RollbackTimer: sessionTimer(rb, c.opts.RollbackIn), Features: &rtx.Features{},
	})
	if err != nil {
		return c.pendingFailed(ctx, entry, rb, err)
	}
	c.appendResult(state.Entry{Ref: entry.ID, Result: state.ResultApplied})
	c.notef("pending until %s: run `rtxctl confirm` to keep the change, `rtxctl rollback` to undo it now", pr.Deadline.Local().Format(time.RFC3339))
	return c.writeResult(report{Plan: plan, Changed: res.Changed, Neighbors: res.Neighbors, Backup: entry.Backup, Pending: pr})
}

// sessionTimer is the session `rollback timer` of a pending change. With a
// schedule entry armed there is none: the entry already undoes the change
// if the session is lost, and a timer restoring its snapshot (taken after
// arming, so with the entry in it) after the entry fired or was removed
// would put the entry back. Without one, the timer fires by the deadline,
// so that afterwards nothing on the router can still change it.
func sessionTimer(rb *rtx.RouterRollback, rollbackIn time.Duration) time.Duration {
	if rb != nil {
		return -1
	}
	return rollbackIn
}

// recordPending appends the pending journal entry (see [change.record])
// and writes its record.
func (c *change) recordPending(plan *rtx.TunnelPlan, configText string, rb *rtx.RouterRollback, deadline time.Time) (state.Entry, error) {
	e, err := c.record(plan, plan.Steps(), configText, func(e *state.Entry) {
		e.Pending, e.Deadline = true, deadline
		if rb != nil {
			e.RouterScheduleID = rb.ID
		}
	})
	if err != nil {
		return state.Entry{}, err
	}
	rec := &cli.PendingRecord{Router: c.opts.Router, Conn: c.opts.Target.Host, Pending: rtx.Pending{Before: plan.Before, After: plan.After, RouterRollback: rb}}
	if err := cli.WritePendingRecord(c.store.Root, c.host, e.ID, rec); err != nil {
		c.appendResult(state.Entry{Ref: e.ID, State: state.StateRolledBack, Result: state.ResultFailed, Error: err.Error()})
		return state.Entry{}, c.fail("", err)
	}
	return e, nil
}

// pendingFailed records a failed pending change. When the router runs
// the previous lines again, the schedule entry is removed and the change
// is rolled back; otherwise it stays pending, and the schedule entry (or
// `rollback --expired`) undoes it at the deadline.
func (c *change) pendingFailed(ctx context.Context, entry state.Entry, rb *rtx.RouterRollback, err error) error {
	ce := newChangeError(c.host, c.opts.Want, "", err)
	r := state.Entry{Ref: entry.ID, Result: state.ResultFailed, Error: ce.Error()}
	if ce.Running == stateUnchanged || ce.Running == runningReverted {
		r.State = state.StateRolledBack
		if ce.Running == runningReverted {
			r.Result = state.ResultReverted
		}
		if derr := c.disarm(ctx, rb); derr != nil {
			c.warnf("%v", derr)
		}
	} else {
		c.notef("the change stays pending: it is undone at %s unless confirmed", entry.Deadline.Local().Format(time.RFC3339))
	}
	c.appendResult(r)
	return ce
}

// disarm removes the router's schedule entry rb, if any, even when ctx
// was cancelled (bounded by rtx.DefaultRevertTimeout).
func (c *change) disarm(ctx context.Context, rb *rtx.RouterRollback) error {
	if rb == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rtx.DefaultRevertTimeout)
	defer cancel()
	if _, err := rtx.DisarmRouterRollback(ctx, c.sess, *rb); err != nil {
		return fmt.Errorf("remove the router's rollback schedule %d: %w", rb.ID, err)
	}
	return nil
}

// appendResult appends r (with this run's host and user) to the journal;
// a journal that cannot be written is a warning.
func (c *change) appendResult(r state.Entry) {
	r.Host, r.User, r.Action = c.host, c.user(), action(c.opts.Want)
	if _, err := c.store.Append(r); err != nil {
		c.warnf("cannot write the journal: %v", err)
	}
}
