package pending

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// TimerSeconds is the `rollback timer` argument for a timer of d: whole
// seconds, rounded up, as the router takes them.
func TimerSeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}

// TimerArmed reads the router clock and returns the write-ahead record of a
// session `rollback timer` of d that the run is about to arm: the timer runs
// out at the latest at the reading plus d, plus one second (the router prints
// whole seconds), plus slack, the most the run may take from the reading to
// arming it (its per-command deadlines). now is the controller clock.
func TimerArmed(ctx context.Context, r rtx.Commander, d, slack time.Duration, now func() time.Time) (*state.Armed, error) {
	clock, err := rtx.ReadClock(ctx, r)
	if err != nil {
		return nil, err
	}
	left := time.Duration(TimerSeconds(d))*time.Second + time.Second + slack
	return &state.Armed{RollbackTimer: TimerSeconds(d), RouterDeadline: clock.Add(left), Deadline: now().Add(left)}, nil
}

// ScheduleArmed is the write-ahead record of a pending apply about to arm a
// `schedule at` entry as its on-router rollback, before the entry's id is
// known.
func ScheduleArmed() *state.Armed {
	return &state.Armed{Schedule: true}
}

// TimerLeft reports whether a session `rollback timer` armed by a change
// that failed with err may still run on the router: the failure left the
// router in a state the timer would change (neither unchanged nor reverted,
// so the session was lost before the timer was confirmed), and it was not
// the save, which comes after the timer was confirmed. armed says whether a
// timer was armed at all.
func TimerLeft(err error, armed bool) bool {
	if err == nil || !armed {
		return false
	}
	var (
		ae *rtx.ApplyError
		ve *rtx.VerificationError
	)
	switch {
	case errors.As(err, &ae):
		return ae.Step != "save" && !settled(ae.Running)
	case errors.As(err, &ve):
		return !settled(ve.Running)
	}
	return false
}

// settled reports whether a change's Running state leaves nothing for its
// rollback timer to restore.
func settled(running string) bool {
	return running == "unchanged" || running == "reverted"
}
