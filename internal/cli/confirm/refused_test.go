package confirm

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// TestNotConfirmed words a refusal to confirm for the operator: a change
// its run left half-made (exit 10) or BGP lines changed by someone else
// (exit 1), what the router runs and saves, what undoes it and when, and
// what to run next, without the library's words.
func TestNotConfirmed(t *testing.T) {
	t.Parallel()
	before := []string{"bgp use on", "bgp import 65521 static filter 1"}
	after := []string{"bgp use on", "bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2"}
	halfMade := []string{"bgp use on", "bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1"}
	routerDeadline := time.Date(2026, 11, 25, 10, 10, 1, 0, time.FixedZone("JST", 9*3600))
	schedule := &rtx.ScheduledRollback{ID: 3, Command: "load 0 difference silent", Deadline: routerDeadline}
	restart := &rtx.ScheduledRollback{ID: 3, Command: "restart", Restart: true, Deadline: routerDeadline}
	deadline := time.Date(2026, 11, 25, 1, 10, 0, 0, time.UTC)
	tests := []struct {
		name     string
		rb       *rtx.ScheduledRollback
		verified bool
		disarmed bool
		running  []string
		wantCode int
		want     string // the message after the journal entry and router
	}{
		{
			name: "half-made", rb: schedule, running: halfMade, wantCode: cli.ExitVerifyFailed,
			want: "the run that made the change was cut off (killed, or its connection lost) in the middle of it, before the change was complete and verified; " +
				"router: running a half-made change (not saved), saved unchanged (the configuration before the change); " +
				"the router's schedule 3 restores the saved configuration at 2026-11-25 10:10:01 router time; " +
				"run `rtxctl rollback tokyo` to undo it now, then make the change again, or wait for the router's schedule\n" +
				"the router runs, compared with the configuration before the change:\n  + bgp import filter 2 include 0.0.0.0/0",
		},
		{
			name: "half-made, scheduled restart", rb: restart, running: halfMade, wantCode: cli.ExitVerifyFailed,
			want: "the run that made the change was cut off (killed, or its connection lost) in the middle of it, before the change was complete and verified; " +
				"router: running a half-made change (not saved), saved unchanged (the configuration before the change); " +
				"the router's schedule 3 restarts it into the saved configuration at 2026-11-25 10:10:01 router time; " +
				"run `rtxctl rollback tokyo` to undo it now, then make the change again, or wait for the router's schedule\n" +
				"the router runs, compared with the configuration before the change:\n  + bgp import filter 2 include 0.0.0.0/0",
		},
		{
			name: "half-made, no router rollback", running: halfMade, wantCode: cli.ExitVerifyFailed,
			want: "the run that made the change was cut off (killed, or its connection lost) in the middle of it, before the change was complete and verified; " +
				"router: running a half-made change (not saved), saved unchanged (the configuration before the change); " +
				"nothing on the router undoes it: `rtxctl rollback --expired` does after " + deadline.Local().Format(time.RFC3339) + "; " +
				"run `rtxctl rollback tokyo` to undo it now, then make the change again\n" +
				"the router runs, compared with the configuration before the change:\n  + bgp import filter 2 include 0.0.0.0/0",
		},
		{
			name: "changed by someone else", rb: schedule, verified: true, running: []string{"bgp use on", "bgp import 65521 static filter 1 3"}, wantCode: cli.ExitFailure,
			want: "the router's BGP configuration was changed after the change was made and verified (by hand, or by another tool); " +
				"router: running neither the change nor the configuration before it, and rtxctl saved nothing (whoever changed the lines may have saved them); " +
				"the router's schedule 3 restores the saved configuration at 2026-11-25 10:10:01 router time; " +
				"find out who changed it, then run `rtxctl rollback tokyo` to put back the configuration before the change (this discards the other changes too), or wait for the router's schedule\n" +
				"the router runs, compared with the configuration before the change:\n  - bgp import 65521 static filter 1\n  + bgp import 65521 static filter 1 3",
		},
		{
			name: "changed while confirm removed the schedule", rb: schedule, verified: true, disarmed: true, running: before[:1], wantCode: cli.ExitFailure,
			want: "the router's BGP configuration was changed after the change was made and verified (by hand, or by another tool); " +
				"router: running neither the change nor the configuration before it, and rtxctl saved nothing (whoever changed the lines may have saved them); " +
				"the router's rollback schedule was removed just before the configuration changed, so nothing on the router undoes it: `rtxctl rollback --expired` does after " + deadline.Local().Format(time.RFC3339) + "; " +
				"find out who changed it, then run `rtxctl rollback tokyo` to put back the configuration before the change (this discards the other changes too)\n" +
				"the router runs, compared with the configuration before the change:\n  - bgp import 65521 static filter 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pc := rtx.Pending{Before: before, After: after, ScheduledRollback: tt.rb}
			p := &pending.Change{
				Entry:  state.Entry{ID: 4, Host: "192.0.2.1", Action: state.ActionTunnelOn, Pending: true, Deadline: deadline},
				Record: &pending.Record{Pending: pc},
			}
			cause := fmt.Errorf("confirm pending change: %w", &rtx.PendingChangedError{Pending: pc, Running: tt.running})
			err := notConfirmed(p, "tokyo", tt.verified, &rtx.ConfirmResult{Disarmed: tt.disarmed}, cause)
			var exitErr *cli.ExitError
			if !errors.As(err, &exitErr) || exitErr.Code != tt.wantCode {
				t.Errorf("error %v: want exit status %d", err, tt.wantCode)
			}
			if !errors.Is(err, rtx.ErrPendingChanged) {
				t.Errorf("error %v does not match rtx.ErrPendingChanged", err)
			}
			want := "tunnel-on (journal entry 4) at 192.0.2.1 was not confirmed and nothing was saved: " + tt.want
			if diff := cmp.Diff(want, err.Error()); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), rtx.ErrPendingChanged.Error()) {
				t.Errorf("message %q has the library's words", err)
			}
		})
	}
}
