package tunnel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// pendingReport describes a change left pending (--rollback-in).
type pendingReport struct {
	// JournalID is the journal entry to confirm or roll back.
	JournalID int `json:"journal_id"`
	// Deadline is when the change is undone unless confirmed.
	Deadline time.Time `json:"deadline"`
	// ScheduledRollback is the `schedule at` entry armed on the router; nil
	// when the firmware has none and only `rollback --expired` undoes it.
	ScheduledRollback *rtx.ScheduledRollback `json:"router_rollback,omitempty"`
	// NoScheduledRollback says why there is no on-router rollback.
	NoScheduledRollback string `json:"no_router_rollback,omitempty"`
}

// applyPending makes the change with a timed rollback through
// [rtx.ApplyTunnel]. The pending change is journalled ahead of anything
// the run sends: the entry says a schedule entry is about to be armed. The
// library then arms the router's `schedule at` entry, and (in the OnArmed
// hook, before any configuration command) the run records how to reach the
// router again and which schedule entry (or, without one, which session
// rollback timer) undoes the change; then it applies and verifies without
// saving. On failure the library reverts and then disarms.
func (c *change) applyPending(ctx context.Context, plan *rtx.TunnelPlan, configText string) error {
	pr := &pendingReport{}
	// The session timer a change without a schedule entry arms, with its
	// deadline on the router clock.
	timer, err := pending.TimerArmed(ctx, c.sess, c.opts.RollbackIn, c.armSlack(), c.opts.Clock)
	if err != nil {
		return c.fail("read the router clock", err)
	}
	entry, err := c.record(plan, plan.Steps(), configText, func(e *state.Entry) {
		e.Pending, e.Deadline, e.Armed = true, c.opts.Clock().Add(c.opts.RollbackIn), pending.ScheduleArmed()
	})
	if err != nil {
		return err
	}
	var (
		armedID   int // the entry recording what undoes the change
		recordErr error
	)
	onArmed := func(p rtx.Pending, noScheduledRollback error) error {
		c.armed(pr, p.ScheduledRollback, noScheduledRollback)
		pr.Deadline = c.opts.Clock().Add(c.opts.RollbackIn)
		armed := timer
		if p.ScheduledRollback != nil {
			armed = nil
		}
		armedID, recordErr = c.recordArmed(entry, p, pr.Deadline, armed)
		return recordErr
	}
	res, err := rtx.ApplyTunnel(ctx, c.sess, plan, rtx.ApplyOptions{
		VerifyTimeout: c.opts.VerifyTimeout,
		// The session timer only protects a change without a schedule
		// entry (the library arms none while one is armed); it fires by
		// the deadline, so that afterwards nothing on the router can still
		// change it.
		RollbackTimer: c.opts.RollbackIn,
		Features:      &rtx.FirmwareFeatures{},
		Progress:      c.progress,
		Pending: &rtx.PendingOptions{
			Arm:     rtx.ArmOptions{After: c.opts.RollbackIn, AllowRestart: c.opts.AllowRestart, Now: c.opts.Now},
			OnArmed: onArmed,
		},
	})
	switch {
	case recordErr != nil:
		c.appendResult(state.Entry{Ref: entry.ID, Clears: entry.ID, State: state.StateRolledBack, Result: state.ResultFailed, Error: recordErr.Error()})
		return errors.Join(c.fail("", recordErr), disarmFailure(pr.ScheduledRollback, err))
	case err != nil && armedID == 0:
		// Refused before or by arming: nothing is armed, nothing changed.
		// Otherwise (the session lost while arming) the entry stays
		// pending without a record, and the next run removes the schedule
		// entry this one may have armed.
		if nothingArmed(err) {
			c.appendResult(state.Entry{Ref: entry.ID, Clears: entry.ID, State: state.StateRolledBack, Result: state.ResultFailed, Error: err.Error()})
		}
		return c.fail("", err)
	case err != nil:
		return c.pendingFailed(entry, armedID, err, pending.TimerLeft(err, pr.ScheduledRollback == nil))
	}
	pr.JournalID = entry.ID
	c.appendResult(state.Entry{Ref: entry.ID, Clears: armedID, Result: state.ResultApplied})
	who := pending.RouterArg(c.opts.Router, c.host)
	rep, azErr := c.azureAfter(ctx)
	c.notef("pending until %s: run `rtxctl confirm %s` to keep the change, `rtxctl rollback %s` to undo it now", pr.Deadline.Local().Format(time.RFC3339), who, who)
	return errors.Join(c.writeResult(report{Plan: plan, Changed: res.Changed, Neighbors: res.Neighbors, Backup: entry.Backup, Pending: pr, Azure: rep}), azErr)
}

// armed reports how the change is undone at the deadline: the router's
// schedule entry rb, or, when there is none (noScheduledRollback says why),
// only `rollback --expired` on the controller.
func (c *change) armed(pr *pendingReport, rb *rtx.ScheduledRollback, noScheduledRollback error) {
	pr.ScheduledRollback = rb
	if rb == nil {
		pr.NoScheduledRollback = noScheduledRollback.Error()
		c.warnf("%v", noScheduledRollback)
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
func disarmFailure(rb *rtx.ScheduledRollback, err error) error {
	var ae *rtx.ApplyError
	if rb == nil || !errors.As(err, &ae) || ae.RevertErr == nil {
		return nil
	}
	return fmt.Errorf("remove the router's rollback schedule %d: %w", rb.ID, ae.RevertErr)
}

// recordArmed records what undoes the pending change entry once the
// library armed it (p): the record next to the journal (how to reach the
// router again, the schedule entry) and a journal entry setting the
// entry's schedule id and deadline (after arming, so never before the
// router's schedule fires). That journal entry clears the entry's
// write-ahead schedule and is itself written ahead of the session rollback
// timer the apply arms next (armed; nil when a schedule entry is armed).
// It returns that entry's id.
func (c *change) recordArmed(entry state.Entry, p rtx.Pending, deadline time.Time, armed *state.Armed) (int, error) {
	rec := &pending.Record{Router: c.opts.Router, Conn: c.opts.Target.Host, Pending: p}
	if err := pending.WriteRecord(c.store.Root, c.key, entry.ID, rec); err != nil {
		return 0, err
	}
	r := state.Entry{Ref: entry.ID, Clears: entry.ID, Host: c.host, Router: c.key, User: c.user(), Action: action(c.opts.Want), Deadline: deadline, Armed: armed}
	if p.ScheduledRollback != nil {
		r.RouterScheduleID = p.ScheduledRollback.ID
	}
	id, err := c.store.Append(r)
	if err != nil {
		return 0, fmt.Errorf("write the journal: %w", err)
	}
	return id, nil
}

// pendingFailed records a failed pending change. When the router runs
// the previous lines again (the library then removed the schedule entry),
// the change is rolled back; otherwise it stays pending, and the schedule
// entry (or `rollback --expired`) undoes it at the deadline.
//
// The outcome clears the write-ahead record of the session rollback timer
// (entry armedID) unless the timer may still run (timerLeft).
func (c *change) pendingFailed(entry state.Entry, armedID int, err error, timerLeft bool) error {
	ce := newChangeError(c.host, c.opts.Want, "", err)
	r := state.Entry{Ref: entry.ID, Result: state.ResultFailed, Error: ce.Error()}
	if !timerLeft {
		r.Clears = armedID
	}
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

// nothingArmed reports whether a pending apply that failed with err before
// recording its pending change left nothing armed on the router: it was
// refused before or by arming.
func nothingArmed(err error) bool {
	return errors.Is(err, rtx.ErrPlanStale) || errors.Is(err, rtx.ErrUnsavedChanges) || errors.Is(err, rtx.ErrNoScheduledRollback)
}

// appendResult appends r (with this run's host and user) to the journal;
// a journal that cannot be written is a warning.
func (c *change) appendResult(r state.Entry) {
	r.Host, r.Router, r.User, r.Action = c.host, c.key, c.user(), action(c.opts.Want)
	if _, err := c.store.Append(r); err != nil {
		c.warnf("cannot write the journal: %v", err)
	}
}

// safetyNet is what `tunnel on|off --rollback-in` would arm, shown by
// --dry-run: the router's schedule entry and the pending deadline.
type safetyNet struct {
	// Deadline is when the change would be undone unless confirmed.
	Deadline time.Time `json:"deadline"`
	// ScheduleID and Command are the `schedule at` entry the router would
	// run at RouterDeadline (its clock); absent without one.
	ScheduleID     int       `json:"schedule_id,omitempty"`
	Command        string    `json:"command,omitempty"`
	RouterDeadline time.Time `json:"router_deadline,omitzero"`
	// NoScheduledRollback says why the router would arm none.
	NoScheduledRollback string `json:"no_router_rollback,omitempty"`
}

// String is the text of the dry run.
func (n *safetyNet) String() string {
	var b strings.Builder
	if n.Command != "" {
		fmt.Fprintf(&b, "router rollback: schedule at %d (%s) at %s router time\n", n.ScheduleID, n.Command, n.RouterDeadline.Format(time.DateTime))
	} else {
		fmt.Fprintf(&b, "router rollback: none (%s; rtxctl rollback --expired undoes it)\n", n.NoScheduledRollback)
	}
	fmt.Fprintf(&b, "pending until: %s (rtxctl confirm keeps it, rtxctl rollback undoes it)\n", n.Deadline.Local().Format(time.RFC3339))
	return b.String()
}

// safetyNet reads (without changing anything) what --rollback-in would
// arm: the router's clock and firmware (`show environment`) and the free
// schedule id of the running configuration configText.
func (c *change) safetyNet(ctx context.Context, configText string) (*safetyNet, error) {
	env, err := rtx.ReadEnvironment(ctx, c.sess)
	if err != nil {
		return nil, err
	}
	n := &safetyNet{Deadline: c.opts.Clock().Add(c.opts.RollbackIn)}
	switch {
	case rtx.FirmwareScheduleSupport(env.Revision).ScheduledLoad == rtx.Supported:
		n.Command = fmt.Sprintf("load %d difference silent", env.ConfigFile)
	case c.opts.AllowRestart:
		n.Command = "restart"
	default:
		n.NoScheduledRollback = "the firmware cannot run load from schedule at"
		return n, nil
	}
	sc, err := rtx.ParseShowConfig(configText)
	if err != nil {
		return nil, err
	}
	var schedules []rtx.Schedule
	for _, l := range sc.TopLevel() {
		if s, ok := rtx.ParseSchedule(l); ok {
			schedules = append(schedules, s)
		}
	}
	n.ScheduleID = rtx.FreeScheduleID(schedules)
	n.RouterDeadline = env.Now.Add(c.opts.RollbackIn).Truncate(time.Second)
	return n, nil
}
