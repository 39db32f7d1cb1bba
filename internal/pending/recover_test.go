package pending

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

const key = "127.0.0.1"

var start = time.Date(2026, 12, 6, 10, 0, 0, 0, time.FixedZone("+09:00", 9*3600))

// router is a console that answers the commands a Recovery sends: its clock
// moves on by step at every reading.
type router struct {
	clock     time.Time
	step      time.Duration
	schedules []string
	saved     string
	sent      []string
}

func (r *router) Run(_ context.Context, cmd string) (string, error) {
	r.sent = append(r.sent, cmd)
	switch {
	case cmd == "show environment":
		r.clock = r.clock.Add(r.step)
		return fmt.Sprintf("RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)\nFirmware: exec0  Config. file: config0\nCurrent time: %s\n", r.clock.Format("2006/01/02 15:04:05 -07:00")), nil
	case cmd == "show config | grep schedule":
		return strings.Join(r.schedules, "\n"), nil
	case strings.HasPrefix(cmd, "no schedule at "):
		r.schedules = nil
		return "", nil
	}
	return "", fmt.Errorf("unexpected command %q", cmd)
}

func (r *router) SavedConfig(context.Context) (string, error) { return r.saved, nil }

// configCommands returns what r was sent beyond reading.
func (r *router) configCommands() []string {
	var out []string
	for _, c := range r.sent {
		if !strings.HasPrefix(c, "show ") {
			out = append(out, c)
		}
	}
	return out
}

func TestRecoveryRun(t *testing.T) {
	t.Parallel()
	timer := state.Entry{Host: key, Action: state.ActionTunnelOn,
		Armed: &state.Armed{RollbackTimer: 125, RouterDeadline: start.Add(3 * time.Minute), Deadline: start.Add(3 * time.Minute)}}
	scheduled := state.Entry{Host: key, Action: state.ActionTunnelOn, Armed: ScheduleArmed()}
	notMade := scheduled
	notMade.Pending, notMade.Deadline = true, start.Add(time.Hour)
	armedSchedule := "schedule at 2 +300 * load 0 difference silent"
	tests := []struct {
		name      string
		entry     state.Entry
		wait      time.Duration
		schedules []string
		saved     string
		wantSent  []string
		wantNote  string
		wantLeft  bool // the entry is still a leftover, with a *LeftoverError
		wantState state.State
		// wantProgress is what Progress received: the time left at each
		// reading, then the end.
		wantProgress []string
	}{
		{name: "waits for the timer", entry: timer, wait: 5 * time.Minute, wantNote: "waiting until 2026-12-06 10:03:00 router time (2m0s) for the rollback timer of the interrupted tunnel-on (journal entry 1) to run out",
			wantProgress: []string{"the rollback timer of the interrupted tunnel-on (journal entry 1): 2m0s left", "the rollback timer of the interrupted tunnel-on (journal entry 1): 1m0s left", "done"}},
		{name: "timer runs longer than the bound", entry: timer, wait: time.Minute, wantLeft: true},
		{name: "schedule armed before the change was recorded", entry: scheduled, schedules: []string{"schedule at 1 */* 04:00:00 * ntpdate ntp.example", armedSchedule},
			saved: "schedule at 1 */* 04:00:00 * ntpdate ntp.example\n", wantSent: []string{"no schedule at 2"}, wantNote: "removed schedule 2 (load 0 difference silent)"},
		{name: "saved schedule kept", entry: scheduled, schedules: []string{armedSchedule}, saved: armedSchedule + "\n"},
		{name: "pending change never made", entry: notMade, schedules: []string{armedSchedule}, wantSent: []string{"no schedule at 2"}, wantNote: "removed schedule 2", wantState: state.StateRolledBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &state.Store{Root: t.TempDir()}
			if _, err := store.Append(tt.entry); err != nil {
				t.Fatal(err)
			}
			r := &router{clock: start, step: time.Minute, schedules: tt.schedules, saved: tt.saved}
			var notes, progress []string
			rc := &Recovery{Store: store, Key: key, Wait: tt.wait, Poll: time.Millisecond, Now: func() time.Time { return start },
				Notef: func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) },
				Progress: func(ev rtx.ProgressEvent) {
					if ev.Kind == rtx.ProgressDone {
						progress = append(progress, "done")
						return
					}
					progress = append(progress, fmt.Sprintf("%s: %s left", ev.Timer.What, ev.Timer.Left))
				}}
			err := rc.Run(t.Context(), r)
			var le *LeftoverError
			var exitErr *cli.ExitError
			if tt.wantLeft != (errors.As(err, &le) && errors.As(err, &exitErr) && exitErr.Code == cli.ExitLocked) {
				t.Fatalf("Run() error = %v, want a leftover error: %t", err, tt.wantLeft)
			}
			if !tt.wantLeft && err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantProgress, progress); diff != "" {
				t.Errorf("progress mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSent, r.configCommands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if tt.wantNote != "" && (len(notes) != 1 || !strings.HasPrefix(notes[0], tt.wantNote)) {
				t.Errorf("notes = %q, want one starting %q", notes, tt.wantNote)
			}
			entries, _, err := store.Entries(key)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(state.Leftovers(entries)) == 1; got != tt.wantLeft {
				t.Errorf("leftover after Run: %t, want %t", got, tt.wantLeft)
			}
			if entries[0].State != tt.wantState {
				t.Errorf("state = %q, want %q", entries[0].State, tt.wantState)
			}
		})
	}
}

func TestTimerLeft(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		armed bool
		want  bool
	}{
		{name: "success", armed: true},
		{name: "no timer", err: &rtx.ApplyError{Step: "refresh", Running: "unknown"}},
		{name: "session lost", err: &rtx.ApplyError{Step: "refresh", Running: "unknown"}, armed: true, want: true},
		{name: "reverted", err: &rtx.VerificationError{Running: "reverted"}, armed: true},
		{name: "verification cut off", err: &rtx.VerificationError{Running: "unknown"}, armed: true, want: true},
		{name: "save failed after confirm", err: &rtx.ApplyError{Step: "save", Running: "on"}, armed: true},
		{name: "refused before the change", err: errors.New("dial"), armed: true},
	}
	for _, tt := range tests {
		if got := TimerLeft(tt.err, tt.armed); got != tt.want {
			t.Errorf("%s: TimerLeft() = %t, want %t", tt.name, got, tt.want)
		}
	}
}
