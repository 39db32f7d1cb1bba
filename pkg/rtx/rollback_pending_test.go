package rtx

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

// pendingApply returns apply options that leave the change pending for ten
// minutes, with the test clock.
func pendingApply(require bool) ApplyOptions {
	return ApplyOptions{Pending: &PendingOptions{
		Arm:                      ArmOptions{After: 10 * time.Minute, Now: func() time.Time { return routerNow }},
		RequireScheduledRollback: require,
	}}
}

// armedRelative is the ScheduledRollback the pending tests arm.
var armedRelative = &ScheduledRollback{ID: 1, Command: "load 0 difference silent", Line: armRelative, Relative: true, Deadline: routerNow.Add(10*time.Minute + time.Second)}

// pendingConsole returns a console running config, with forced tunnelling
// off saved, failing command failAt (0: none), and the schedule entry of
// armedRelative armed when armed is set; and the Pending of forced
// tunnelling on that armedRelative guards.
func pendingConsole(t *testing.T, config string, failAt int, armed bool) (*rollbackConsole, Pending) {
	t.Helper()
	f := newRollbackConsole(t, config)
	f.saved, f.failAt = mustBGP(t, bgpOff), failAt
	if armed {
		f.schedules = []string{armRelative}
	}
	return f, Pending{Before: mustBGP(t, bgpOff).Lines(), After: mustBGP(t, bgpOn).Lines(), ScheduledRollback: armedRelative}
}

// TestApplyTunnelPending leaves a change pending, checking the exact
// commands (no session rollback timer while the schedule entry is armed)
// and PendingOptions.OnArmed: called once, after arming and before the
// first configuration command, with what is about to be pending; its error
// disarms and aborts with nothing changed.
func TestApplyTunnelPending(t *testing.T) {
	t.Parallel()
	armed := []string{showBGP, showEnv, showConfig, showSaved, armRelative, showSchedules}
	unarmed := []string{showBGP, showEnv}
	oldFirmware := func(f *rollbackConsole) { f.revision = "14.01.20" }
	errRecord := errors.New("journal full")
	tests := []struct {
		name    string
		setup   func(*rollbackConsole)
		hookErr error
		atCall  []string // commands sent when OnArmed is called
		cmds    []string
		rb      *ScheduledRollback
		noRB    bool // ApplyResult.NoScheduledRollback and OnArmed's noScheduledRollback are set
		timer   bool // a session rollback timer was armed and confirmed
	}{
		{
			name:   "on",
			atCall: armed,
			cmds:   slices.Concat(armed, []string{defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes}),
			rb:     armedRelative,
		},
		{
			name:   "firmware without a router rollback: controller and session timer",
			setup:  oldFirmware,
			atCall: unarmed,
			cmds:   slices.Concat(unarmed, []string{arm, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm}),
			noRB:   true,
			timer:  true,
		},
		{
			name:    "OnArmed fails: disarmed, nothing changed",
			hookErr: errRecord,
			atCall:  armed,
			cmds:    slices.Concat(armed, []string{showSchedules, disarm1, showSchedules}),
			rb:      armedRelative,
		},
		{
			name:    "OnArmed fails without a router rollback: nothing changed",
			setup:   oldFirmware,
			hookErr: errRecord,
			atCall:  unarmed,
			cmds:    unarmed,
			noRB:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRollbackConsole(t, bgpOff, tt.setup)
			plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
			want := &Pending{Before: plan.Before, After: plan.After, ScheduledRollback: tt.rb}
			opts := pendingApply(false)
			calls := 0
			opts.Pending.OnArmed = func(p Pending, noRB error) error {
				calls++
				if diff := cmp.Diff(tt.atCall, f.commands()); diff != "" {
					t.Errorf("commands when OnArmed is called mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(*want, p); diff != "" {
					t.Errorf("OnArmed Pending mismatch (-want +got):\n%s", diff)
				}
				if errors.Is(noRB, ErrNoScheduledRollback) != tt.noRB {
					t.Errorf("OnArmed noScheduledRollback = %v, want set %v", noRB, tt.noRB)
				}
				return tt.hookErr
			}
			res, err := ApplyTunnel(t.Context(), f, plan, opts)
			if calls != 1 {
				t.Errorf("OnArmed called %d times, want once", calls)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(plan.Before, f.saved.Lines()); diff != "" {
				t.Errorf("saved config mismatch (-want +got):\n%s", diff)
			}
			if tt.hookErr != nil {
				var ae *ApplyError
				if !errors.As(err, &ae) || !errors.Is(err, tt.hookErr) {
					t.Fatalf("ApplyTunnel = %v, want an *ApplyError wrapping %v", err, tt.hookErr)
				}
				wantErr := ApplyError{Want: TunnelOn, Step: "record pending", Running: "unchanged", Saved: "unchanged", Err: tt.hookErr}
				if diff := cmp.Diff(wantErr, *ae, cmpopts.EquateErrors()); diff != "" {
					t.Errorf("ApplyError mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string(nil), f.schedules, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("schedules left mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ApplyTunnel: %v", err)
			}
			if diff := cmp.Diff(want, res.Pending); diff != "" {
				t.Errorf("ApplyResult.Pending mismatch (-want +got):\n%s", diff)
			}
			if res.Saved || res.RollbackTimer != tt.timer || errors.Is(res.NoScheduledRollback, ErrNoScheduledRollback) != tt.noRB {
				t.Errorf("ApplyResult = %+v, want not saved, rollback timer %v, NoScheduledRollback set %v", res, tt.timer, tt.noRB)
			}
		})
	}
}

func TestApplyTunnelPendingNothingToDo(t *testing.T) {
	t.Parallel()
	f := newRollbackConsole(t, bgpOn)
	plan := mustPlan(t, bgpOn, TunnelOn, PlanOptions{})
	res, err := ApplyTunnel(t.Context(), f, plan, pendingApply(false))
	if err != nil || res.Pending != nil || len(f.commands()) != 0 {
		t.Errorf("ApplyTunnel = %+v, %v, commands %q; want nothing pending, nothing sent", res, err, f.commands())
	}
}

// TestApplyTunnelPendingFailures fails each call of a pending `tunnel on`
// in turn: a failure before the change leaves no schedule entry, a failure
// after it reverts and then disarms.
func TestApplyTunnelPendingFailures(t *testing.T) {
	t.Parallel()
	success := []string{showBGP, showEnv, showConfig, showSaved, armRelative, showSchedules, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes}
	disarm := []string{showSchedules, disarm1, showSchedules}
	undoAll := slices.Concat([]string{showBGP, referenceOff, deleteFilter, cmdRefresh}, disarm)
	absolute := "schedule at 1 11/25 10:10:01 * load 0 difference silent"
	tests := []struct {
		failAt  int
		then    []string // commands after the failing one
		step    string   // ApplyError.Step; "" for a *VerificationError; "-" for success
		running string
	}{
		{failAt: 1, step: "check", running: "unchanged"},
		{failAt: 2, step: "arm router rollback", running: "unchanged"},
		{failAt: 3, step: "arm router rollback", running: "unchanged"},
		{failAt: 4, step: "arm router rollback", running: "unchanged"},
		{failAt: 5, then: slices.Concat([]string{absolute, showSchedules, showEnv}, success[6:]), step: "-"},
		{failAt: 6, then: []string{disarm1}, step: "arm router rollback", running: "unchanged"},
		{failAt: 7, then: slices.Concat([]string{showBGP, cmdRefresh}, disarm), step: "configure", running: "reverted"},
		{failAt: 8, then: slices.Concat([]string{showBGP, deleteFilter, cmdRefresh}, disarm), step: "configure", running: "reverted"},
		{failAt: 9, then: undoAll, step: "refresh", running: "reverted"},
		{failAt: 10, then: undoAll, running: "reverted"},
		{failAt: 11, then: undoAll, running: "reverted"},
		{failAt: 12, then: undoAll, running: "reverted"},
	}
	if len(tests) != len(success) {
		t.Fatalf("%d cases for %d steps", len(tests), len(success))
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("call%02d", tt.failAt), func(t *testing.T) {
			t.Parallel()
			f := newRollbackConsole(t, bgpOff)
			f.failAt = tt.failAt
			plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
			res, err := ApplyTunnel(t.Context(), f, plan, pendingApply(false))
			wantCmds := append(slices.Clone(success[:tt.failAt]), tt.then...)
			if diff := cmp.Diff(wantCmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(plan.Before, f.saved.Lines()); diff != "" {
				t.Errorf("saved config mismatch (-want +got):\n%s", diff)
			}
			if tt.step == "-" {
				if err != nil || res.Pending == nil || res.Pending.ScheduledRollback == nil || res.Pending.ScheduledRollback.Relative {
					t.Errorf("ApplyTunnel = %+v, %v; want pending with an absolute schedule", res, err)
				}
				return
			}
			var ce *driver.CommandError
			if !errors.As(err, &ce) {
				t.Errorf("ApplyTunnel = %v, want it to wrap the *driver.CommandError", err)
			}
			running := ""
			var ae *ApplyError
			var ve *VerificationError
			switch {
			case errors.As(err, &ve) && tt.step == "":
				running = ve.Running
			case errors.As(err, &ae) && ae.Step == tt.step:
				running = ae.Running
				if ae.RevertErr != nil {
					t.Errorf("RevertErr = %v, want none", ae.RevertErr)
				}
			default:
				t.Fatalf("ApplyTunnel = %v, want a failure at step %q", err, tt.step)
			}
			if running != tt.running {
				t.Errorf("Running = %q, want %q", running, tt.running)
			}
			if diff := cmp.Diff([]string(nil), f.schedules, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("schedules left mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestApplyTunnelPendingRevertFails keeps the router's schedule armed when
// the revert fails: it is the last safety net.
func TestApplyTunnelPendingRevertFails(t *testing.T) {
	t.Parallel()
	f := newRollbackConsole(t, bgpOff)
	f.failAt, f.failAlso = 9, 11 // the refresh, then the revert's first command
	plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
	opts := pendingApply(false)
	opts.RollbackTimer = -1
	_, err := ApplyTunnel(t.Context(), f, plan, opts)
	var ae *ApplyError
	if !errors.As(err, &ae) || ae.RevertErr == nil {
		t.Fatalf("ApplyTunnel = %v, want an *ApplyError with a failed revert", err)
	}
	if want := "unknown (schedule 1 restores the saved configuration at 2026-11-25 10:10:01 router time)"; ae.Running != want {
		t.Errorf("Running = %q, want %q", ae.Running, want)
	}
	if diff := cmp.Diff([]string{armRelative}, f.schedules); diff != "" {
		t.Errorf("schedules mismatch (-want +got):\n%s", diff)
	}
}

// TestConfirmPending saves only the pending change: lines that are neither
// it nor the lines before it (a half-made change, or someone else's) keep
// the router's schedule armed, and the error says what runs.
func TestConfirmPending(t *testing.T) {
	t.Parallel()
	disarm := []string{showSchedules, disarm1, showSchedules}
	tests := []struct {
		name    string
		config  string
		armed   bool // the schedule entry is in the running configuration
		noRB    bool // the change has no router rollback
		failAt  int
		cmds    []string
		want    *ConfirmResult
		wantErr error
		refused bool     // the error wraps a *driver.CommandError
		made    []string // PendingChangedError.Made
		left    []string // the schedules left armed
	}{
		{name: "armed", config: bgpOn, armed: true, cmds: slices.Concat([]string{showBGP}, disarm, []string{showBGP, cmdSave}), want: &ConfirmResult{Disarmed: true, Saved: true}},
		{name: "again", config: bgpOn, cmds: []string{showBGP, showSchedules, showBGP, cmdSave}, want: &ConfirmResult{Saved: true}},
		{name: "no router rollback", config: bgpOn, noRB: true, cmds: []string{showBGP, cmdSave}, want: &ConfirmResult{Saved: true}},
		{name: "router fired first", config: bgpOff, cmds: []string{showBGP, showSchedules}, want: &ConfirmResult{}, wantErr: ErrAlreadyUndone},
		{
			name: "router fired first, entry left", config: bgpOff, armed: true,
			cmds: slices.Concat([]string{showBGP}, disarm), want: &ConfirmResult{Disarmed: true}, wantErr: ErrAlreadyUndone,
		},
		{
			name: "half-made: the schedule stays armed", config: bgpDefined, armed: true,
			cmds: []string{showBGP}, want: &ConfirmResult{}, wantErr: ErrPendingChanged,
			made: []string{"+ bgp import filter 2 include 0.0.0.0/0"}, left: []string{armRelative},
		},
		{
			name: "changed by someone else: the schedule stays armed", config: bgpBase + "bgp import 65521 static filter 1 3\n", armed: true,
			cmds: []string{showBGP}, want: &ConfirmResult{}, wantErr: ErrPendingChanged,
			made: []string{"- bgp import 65521 static filter 1", "+ bgp import 65521 static filter 1 3"}, left: []string{armRelative},
		},
		{name: "disarm fails", config: bgpOn, armed: true, failAt: 3, cmds: slices.Concat([]string{showBGP}, disarm[:2]), want: &ConfirmResult{}, refused: true, left: []string{armRelative}},
		{name: "save fails", config: bgpOn, armed: true, failAt: 6, cmds: slices.Concat([]string{showBGP}, disarm, []string{showBGP, cmdSave}), want: &ConfirmResult{Disarmed: true}, refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, p := pendingConsole(t, tt.config, tt.failAt, tt.armed)
			if tt.noRB {
				p.ScheduledRollback = nil
			}
			got, err := ConfirmPending(t.Context(), f, p)
			var ce *driver.CommandError
			fails := tt.wantErr != nil || tt.refused
			if (err != nil) != fails || tt.wantErr != nil && !errors.Is(err, tt.wantErr) || errors.As(err, &ce) != tt.refused {
				t.Errorf("ConfirmPending error = %v, want %v (router refusal: %v)", err, tt.wantErr, tt.refused)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ConfirmResult mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			var pe *PendingChangedError
			if errors.As(err, &pe) {
				if diff := cmp.Diff(tt.made, pe.Made()); diff != "" {
					t.Errorf("Made mismatch (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tt.left, f.schedules, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("schedules left mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRollbackPending(t *testing.T) {
	t.Parallel()
	disarm := []string{showSchedules, disarm1, showSchedules}
	restore := []string{showBGP, showBGP, arm, referenceOff, deleteFilter, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm}
	tests := []struct {
		name    string
		config  string
		armed   bool
		failAt  int
		cmds    []string
		undone  bool
		removed bool
		wantErr bool
		left    []string
	}{
		{name: "pending", config: bgpOn, armed: true, cmds: slices.Concat(restore, disarm), removed: true},
		{name: "router fired first", config: bgpOff, cmds: []string{showBGP, showNeighbor, showRoutes, showSchedules}, undone: true},
		{name: "again after the schedule stayed", config: bgpOff, armed: true, cmds: slices.Concat([]string{showBGP, showNeighbor, showRoutes}, disarm), undone: true, removed: true},
		{
			name: "restore fails: the schedule stays armed", config: bgpOn, armed: true, failAt: 4,
			cmds: slices.Concat(restore[:4], []string{showBGP, cmdRefresh}), wantErr: true, left: []string{armRelative},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, p := pendingConsole(t, tt.config, tt.failAt, tt.armed)
			got, err := RollbackPending(t.Context(), f, p, RestoreOptions{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("RollbackPending error = %v, want error %v", err, tt.wantErr)
			}
			if got.AlreadyUndone() != tt.undone || got.Disarmed != tt.removed {
				t.Errorf("RollbackResult = %+v, want already undone %v, disarmed %v", got, tt.undone, tt.removed)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.left, f.schedules, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("schedules left mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(p.Before, f.saved.Lines()); diff != "" {
				t.Errorf("saved config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestApplyTunnelPendingTimerFailures fails the session rollback timer and
// its confirm of a pending change on firmware without a router rollback:
// the timer is the only session safety net there.
func TestApplyTunnelPendingTimerFailures(t *testing.T) {
	t.Parallel()
	success := []string{showBGP, showEnv, arm, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm}
	tests := []struct {
		failAt  int
		step    string
		running string
	}{
		{failAt: 3, step: "arm rollback timer", running: "unchanged"},
		{failAt: 10, step: "confirm", running: "on until the rollback timer restores the previous configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			t.Parallel()
			f := newRollbackConsole(t, bgpOff)
			f.revision, f.failAt = "14.01.20", tt.failAt
			plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
			_, err := ApplyTunnel(t.Context(), f, plan, pendingApply(false))
			if diff := cmp.Diff(success[:tt.failAt], f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			var ae *ApplyError
			if !errors.As(err, &ae) || ae.Step != tt.step || ae.RevertErr != nil {
				t.Fatalf("ApplyTunnel = %v, want a failure at step %q without revert error", err, tt.step)
			}
			if ae.Running != tt.running {
				t.Errorf("Running = %q, want %q", ae.Running, tt.running)
			}
		})
	}
}
