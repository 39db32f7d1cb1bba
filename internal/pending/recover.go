package pending

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// DefaultWait is how long a run waits by default for the leftover rollback
// timer of an interrupted run (--wait-leftover): longer than the timer of a
// change with the default verify timeout and per-command deadline.
const DefaultWait = 5 * time.Minute

// defaultPoll is how often the router clock is read while waiting.
const defaultPoll = time.Second

// Router is the console session, in administrator mode, that a [Recovery]
// inspects: commands and the saved configuration the router runs.
type Router interface {
	rtx.Commander
	SavedConfig(ctx context.Context) (string, error)
}

// Recovery finds the runs of one router that were cut off (killed, or their
// session lost) after writing their intent, and deals with what they may have
// left armed on the router, before the current run changes or saves anything.
// The zero value is not usable: Store and Key are required.
type Recovery struct {
	// Store and Key locate the router's journal.
	Store *state.Store
	Key   string
	// User is who runs the recovery, for the journal.
	User state.User
	// Wait bounds the wait for a leftover rollback timer; a timer that runs
	// out later is a [*LeftoverError] without waiting.
	Wait time.Duration
	// Now is the controller clock; nil means time.Now.
	Now func() time.Time
	// Notef prints one line of progress (what is waited for, what is
	// removed) on standard error; nil prints nothing.
	Notef func(format string, args ...any)
	// Poll is the pause between two readings of the router clock while
	// waiting; 0 means one second.
	Poll time.Duration
	// Progress receives each reading of a wait for a leftover timer (an
	// [rtx.ProgressPoll] with Timer set) and its end; nil reports nothing.
	Progress rtx.Progress
}

// LeftoverError reports a leftover rollback timer that runs out later than
// the run may wait. Nothing was changed. The CLI exits 6, as for a lock held
// too long.
type LeftoverError struct {
	// Entry is the interrupted run.
	Entry state.Entry
	// RouterTime is when the timer runs out on the router clock; zero when
	// only the controller clock is known.
	RouterTime time.Time
	// Until is when the timer runs out on the controller clock.
	Until time.Time
	// Wait is the bound that was too short.
	Wait time.Duration
}

// Error names the interrupted run and when it is safe to run again.
func (e *LeftoverError) Error() string {
	when := e.Until.Local().Format(time.RFC3339)
	if !e.RouterTime.IsZero() {
		when = fmt.Sprintf("%s router time (about %s here)", e.RouterTime.Format(time.DateTime), when)
	}
	return fmt.Sprintf("%s (journal entry %d) was cut off with the router's rollback timer armed: it may restore the previous configuration until %s, later than --wait-leftover %s allows; run again after that",
		e.Entry.Action, e.Entry.ID, when, e.Wait)
}

// Unwrap returns [ErrTimer].
func (e *LeftoverError) Unwrap() error { return ErrTimer }

// CheckWait returns the error Run would return for the interrupted run e
// when only the controller clock tells when its rollback timer runs out (an
// entry written before write-ahead entries existed), without connecting:
// nil when the wait fits within Wait.
func (rc *Recovery) CheckWait(e state.Entry) error {
	if e.Armed != nil || !e.Deadline.After(rc.now().Add(rc.Wait)) {
		return nil
	}
	return rc.tooLong(e, time.Time{}, e.Deadline)
}

// Run deals with every leftover of the journal, oldest first, on the router
// r, which must be in administrator mode:
//
//   - a run that may have armed a session `rollback timer`: Run waits (reading
//     the router clock, at most Wait) until the timer has run out, so that it
//     cannot restore an older configuration over what this run changes or
//     saves; a longer wait is a [*LeftoverError] wrapped in a [*cli.ExitError]
//     with status 6, and nothing is sent beyond reading the clock;
//   - a pending apply cut off before its pending change was recorded: no
//     configuration command was sent yet, but a `schedule at` entry may be
//     armed; Run removes any entry that runs rtxctl's rollback command, is not
//     in the saved configuration and belongs to no recorded pending change;
//   - an interrupted run recorded before write-ahead entries existed (a
//     pending entry without a record): Run waits for its deadline on the
//     controller clock.
//
// Each one is then recorded as interrupted (a pending change that was never
// made as rolled back). Cancelling ctx stops the wait with ctx's error.
func (rc *Recovery) Run(ctx context.Context, r Router) error {
	entries, _, err := rc.Store.Entries(rc.Key)
	if err != nil {
		return fmt.Errorf("read the journal of %s: %w", rc.Key, err)
	}
	for _, e := range rc.leftovers(entries) {
		if err := rc.recover(ctx, r, e, entries); err != nil {
			return err
		}
	}
	return nil
}

// leftovers returns the entries Run deals with, in id order.
func (rc *Recovery) leftovers(entries []state.Entry) []state.Entry {
	out := state.Leftovers(entries)
	for _, e := range entries {
		if e.Pending && e.Armed == nil && !rc.hasRecord(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b state.Entry) int { return a.ID - b.ID })
	return out
}

func (rc *Recovery) hasRecord(e state.Entry) bool {
	_, err := ReadRecord(rc.Store.Root, rc.Key, e.ID)
	return !errors.Is(err, os.ErrNotExist)
}

func (rc *Recovery) recover(ctx context.Context, r Router, e state.Entry, entries []state.Entry) error {
	if e.Armed == nil {
		if err := rc.waitController(ctx, e, e.Deadline); err != nil {
			return err
		}
		return MarkTimerExpired(rc.Store, &Change{Entry: e}, rc.User)
	}
	notMade := e.Pending && !rc.hasRecord(e)
	var err error
	switch {
	case notMade || e.Armed.Schedule && !e.Pending:
		err = rc.removeSchedules(ctx, r, e, entries)
	case e.Armed.RollbackTimer > 0:
		err = rc.waitRouter(ctx, r, e)
	}
	if err != nil {
		return err
	}
	out := state.Entry{Ref: e.ID, Clears: e.ID, Host: e.Host, Router: rc.Key, User: rc.User, Action: e.Action, Result: state.ResultInterrupted}
	if notMade {
		out.State = state.StateRolledBack
	}
	if _, err := rc.Store.Append(out); err != nil {
		return fmt.Errorf("write the journal: %w", err)
	}
	return nil
}

func (rc *Recovery) now() time.Time {
	if rc.Now == nil {
		return time.Now()
	}
	return rc.Now()
}

func (rc *Recovery) notef(format string, args ...any) {
	if rc.Notef != nil {
		rc.Notef(format, args...)
	}
}

func (rc *Recovery) poll() time.Duration {
	if rc.Poll <= 0 {
		return defaultPoll
	}
	return rc.Poll
}

// waitRouter waits until the router clock passes the leftover timer's deadline.
func (rc *Recovery) waitRouter(ctx context.Context, r Router, e state.Entry) error {
	deadline := e.Armed.RouterDeadline
	if deadline.IsZero() {
		return rc.waitController(ctx, e, e.Armed.Deadline)
	}
	w := rc.watch(e, deadline)
	for first := true; ; first = false {
		clock, err := rtx.ReadClock(ctx, r)
		if err != nil {
			return w.done(first, fmt.Errorf("wait for the rollback timer of journal entry %d: %w", e.ID, err))
		}
		left := deadline.Sub(clock)
		if left <= 0 {
			return w.done(first, nil)
		}
		// A router clock slower than the controller's must not stretch the bound.
		if left > rc.Wait || rc.now().Sub(w.start) > rc.Wait {
			return w.done(first, rc.tooLong(e, deadline, rc.now().Add(left)))
		}
		if first {
			rc.notef("waiting until %s router time (%s) for %s to run out",
				deadline.Format(time.DateTime), left.Round(time.Second), w.timer.What)
		}
		w.poll(left)
		if err := sleep(ctx, min(left, rc.poll())); err != nil {
			return w.done(false, err)
		}
	}
}

// timerWatch reports the progress of one wait for a leftover timer.
type timerWatch struct {
	rc    *Recovery
	timer rtx.TimerWait
	start time.Time
}

// watch starts reporting a wait for the timer of e that runs out at
// routerDeadline on the router clock (zero when only the controller clock
// knows, at e's deadline).
func (rc *Recovery) watch(e state.Entry, routerDeadline time.Time) *timerWatch {
	what := fmt.Sprintf("the rollback timer of the interrupted %s (journal entry %d)", e.Action, e.ID)
	return &timerWatch{rc: rc, timer: rtx.TimerWait{What: what, RouterDeadline: routerDeadline, Deadline: e.Deadline}, start: rc.now()}
}

func (w *timerWatch) event(kind rtx.ProgressKind, left time.Duration) rtx.ProgressEvent {
	t := w.timer
	t.Left = left
	return rtx.ProgressEvent{Kind: kind, Timer: &t, Elapsed: w.rc.now().Sub(w.start), Timeout: w.rc.Wait}
}

// poll reports one reading: left is the time still to wait.
func (w *timerWatch) poll(left time.Duration) {
	w.rc.Progress.Report(w.event(rtx.ProgressPoll, left))
}

// done reports the end of the wait, unless it never began (first: nothing
// was reported yet), and returns err.
func (w *timerWatch) done(first bool, err error) error {
	if !first {
		ev := w.event(rtx.ProgressDone, 0)
		ev.Err = err
		w.rc.Progress.Report(ev)
	}
	return err
}

// waitController waits until the controller clock passes deadline.
func (rc *Recovery) waitController(ctx context.Context, e state.Entry, deadline time.Time) error {
	left := deadline.Sub(rc.now())
	if left <= 0 {
		return nil
	}
	if left > rc.Wait {
		return rc.tooLong(e, time.Time{}, deadline)
	}
	w := rc.watch(e, time.Time{})
	w.timer.Deadline = deadline
	rc.notef("waiting until %s (%s) for %s to run out",
		deadline.Local().Format(time.RFC3339), left.Round(time.Second), w.timer.What)
	// The steps add up to left whatever the controller clock says meanwhile.
	for step := min(left, rc.poll()); left > 0; left, step = left-step, min(left-step, rc.poll()) {
		w.poll(left)
		if err := sleep(ctx, step); err != nil {
			return w.done(false, err)
		}
	}
	return w.done(false, nil)
}

func (rc *Recovery) tooLong(e state.Entry, routerTime, until time.Time) error {
	return &cli.ExitError{Code: cli.ExitLocked, Err: &LeftoverError{Entry: e, RouterTime: routerTime, Until: until, Wait: rc.Wait}}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// removeSchedules removes the `schedule at` entries the interrupted pending
// apply e may have armed: those running rtxctl's rollback command (`load N
// difference silent` for the running configuration N, or `restart`), absent
// from the saved configuration (arming requires running and saved to be
// equal, so such an entry was armed since the last save) and not recorded
// for another pending change.
func (rc *Recovery) removeSchedules(ctx context.Context, r Router, e state.Entry, entries []state.Entry) error {
	env, err := rtx.ReadEnvironment(ctx, r)
	if err != nil {
		return fmt.Errorf("look for the schedule of journal entry %d: %w", e.ID, err)
	}
	running, err := rtx.ReadSchedules(ctx, r)
	if err != nil {
		return fmt.Errorf("look for the schedule of journal entry %d: %w", e.ID, err)
	}
	savedText, err := r.SavedConfig(ctx)
	if err != nil {
		return fmt.Errorf("look for the schedule of journal entry %d: %w", e.ID, err)
	}
	saved, err := rtx.ParseSchedules(savedText)
	if err != nil {
		return fmt.Errorf("look for the schedule of journal entry %d: %w", e.ID, err)
	}
	recorded := map[int]bool{}
	for _, p := range entries {
		if p.Pending && p.ID != e.ID && p.RouterScheduleID != 0 {
			recorded[p.RouterScheduleID] = true
		}
	}
	load := fmt.Sprintf("load %d difference silent", env.ConfigFile)
	for _, s := range running {
		ours := s.Target == "*" && (s.Command == load || s.Command == "restart")
		inSaved := slices.ContainsFunc(saved, func(o rtx.Schedule) bool { return o.Line == s.Line })
		if !ours || inSaved || recorded[s.ID] {
			continue
		}
		if _, err := rtx.DisarmScheduledRollback(ctx, r, rtx.ScheduledRollback{ID: s.ID, Command: s.Command}); err != nil {
			return fmt.Errorf("remove the schedule of journal entry %d: %w", e.ID, err)
		}
		rc.notef("removed schedule %d (%s), armed by the interrupted %s (journal entry %d) before any change", s.ID, s.Command, e.Action, e.ID)
	}
	return nil
}

// AddWaitFlag adds --wait-leftover, the bound of [Recovery.Wait], to a
// command that changes a router.
func AddWaitFlag(fs *pflag.FlagSet, wait *time.Duration) {
	fs.DurationVar(wait, "wait-leftover", DefaultWait, "how long to wait for the rollback timer an interrupted run left armed on the router (exit 6 when it runs longer)")
}
