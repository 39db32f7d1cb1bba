package rtx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

const (
	showBGP      = "show config | grep bgp"
	showNeighbor = "show status bgp neighbor 10.0.0.4"
	showRoutes   = "show status bgp neighbor 10.0.0.4 advertised-routes"
	arm          = "rollback timer 210"
	defineOn     = "bgp import filter 2 include 0.0.0.0/0"
	referenceOn  = "bgp import 65521 static filter 1 2"
	referenceOff = "bgp import 65521 static filter 1"
	deleteFilter = "no bgp import filter 2"
)

func mustPlan(t *testing.T, config string, want TunnelState, opts PlanOptions) *TunnelPlan {
	t.Helper()
	p, err := PlanTunnel(mustBGP(t, config), want, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApplyTunnel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		config   string
		want     TunnelState
		plan     PlanOptions
		setup    func(*fakeConsole)
		opts     ApplyOptions
		features FirmwareFeatures // initial
		cmds     []string
		result   ApplyResult
		// features after the call
		learned FirmwareFeatures
	}{
		{
			name: "on", config: bgpOff, want: TunnelOn,
			cmds:    []string{showBGP, arm, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm, cmdSave},
			result:  ApplyResult{Changed: true, RollbackTimer: true, Saved: true},
			learned: FirmwareFeatures{RollbackTimer: Supported},
		},
		{
			name: "on, rollback timer unknown to the firmware", config: bgpOff, want: TunnelOn,
			setup:   func(f *fakeConsole) { f.noRollback = true },
			cmds:    []string{showBGP, arm, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdSave},
			result:  ApplyResult{Changed: true, Saved: true},
			learned: FirmwareFeatures{RollbackTimer: Unsupported},
		},
		{
			name: "on, rollback timer known unsupported", config: bgpOff, want: TunnelOn,
			features: FirmwareFeatures{RollbackTimer: Unsupported},
			cmds:     []string{showBGP, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdSave},
			result:   ApplyResult{Changed: true, Saved: true},
			learned:  FirmwareFeatures{RollbackTimer: Unsupported},
		},
		{
			name: "on, rollback timer disabled", config: bgpOff, want: TunnelOn,
			opts:   ApplyOptions{RollbackTimer: -1},
			cmds:   []string{showBGP, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdSave},
			result: ApplyResult{Changed: true, Saved: true},
		},
		{
			name: "off without save, custom rollback timer", config: bgpOn, want: TunnelOff,
			opts:    ApplyOptions{NoSave: true, RollbackTimer: 90500 * time.Millisecond},
			cmds:    []string{showBGP, "rollback timer 91", referenceOff, deleteFilter, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm},
			result:  ApplyResult{Changed: true, RollbackTimer: true},
			learned: FirmwareFeatures{RollbackTimer: Supported},
		},
		{
			name: "neighbor comes back after the refresh", config: bgpOff, want: TunnelOn,
			setup: func(f *fakeConsole) { f.downAfterRefresh = 2 },
			cmds: []string{showBGP, arm, defineOn, referenceOn, cmdRefresh, showBGP,
				showNeighbor, showRoutes, showNeighbor, showRoutes, showNeighbor, showRoutes, cmdConfirm, cmdSave},
			result:  ApplyResult{Changed: true, RollbackTimer: true, Saved: true},
			learned: FirmwareFeatures{RollbackTimer: Supported},
		},
		{
			name: "already on: nothing at all", config: bgpOn, want: TunnelOn,
			plan: PlanOptions{Observed: []NeighborState{{Address: "10.0.0.4", State: "Established", AdvertisesDefault: true}}},
		},
		{
			name: "already off: nothing at all", config: bgpOff, want: TunnelOff,
		},
		{
			name: "on in the configuration, not advertised: refresh only", config: bgpOn, want: TunnelOn,
			plan:   PlanOptions{Observed: []NeighborState{{Address: "10.0.0.4", State: "Established"}}},
			setup:  func(f *fakeConsole) { f.advertising = false },
			cmds:   []string{showBGP, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdSave},
			result: ApplyResult{Changed: true, Saved: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				fc := newFakeConsole(t, tt.config)
				if tt.setup != nil {
					tt.setup(fc)
				}
				plan := mustPlan(t, tt.config, tt.want, tt.plan)
				features := tt.features
				opts := tt.opts
				opts.Features = &features
				res, err := ApplyTunnel(t.Context(), fc, plan, opts)
				if err != nil {
					t.Fatalf("ApplyTunnel: %v", err)
				}
				if diff := cmp.Diff(tt.cmds, fc.commands()); diff != "" {
					t.Errorf("commands mismatch (-want +got):\n%s", diff)
				}
				wantRes := tt.result
				wantRes.Plan = plan
				if res.Changed {
					wantRes.Neighbors = []NeighborState{{Address: "10.0.0.4", State: "Established", AdvertisesDefault: tt.want == TunnelOn, Advertised: []string{"192.168.0.0/16"}}}
				}
				if diff := cmp.Diff(&wantRes, res, cmpIgnoreTimings); diff != "" {
					t.Errorf("ApplyResult mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.learned, features); diff != "" {
					t.Errorf("Features mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(plan.After, fc.running.Lines()); diff != "" {
					t.Errorf("running config mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

var cmpIgnoreTimings = cmp.Transformer("timings", func(r ApplyResult) ApplyResult {
	r.Configure, r.Verify, r.Total = 0, 0, 0
	return r
})

// TestApplyTunnelFailures fails each call of a successful `tunnel on` in
// turn and checks the commands sent afterwards, the error and what the router
// runs and has saved.
func TestApplyTunnelFailures(t *testing.T) {
	t.Parallel()
	success := []string{showBGP, arm, defineOn, referenceOn, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm, cmdSave}
	undoAll := []string{showBGP, referenceOff, deleteFilter, cmdRefresh}
	tests := []struct {
		failAt  int
		then    []string // commands after the failing one
		step    string   // ApplyError.Step; "" for a *VerificationError
		running string
		saved   string
		// runningOn reports that the change stays in the running config.
		runningOn bool
	}{
		{failAt: 1, step: "check", running: "unchanged", saved: "unchanged"},
		{failAt: 2, step: "arm rollback timer", running: "unchanged", saved: "unchanged"},
		{failAt: 3, then: []string{showBGP, cmdRefresh}, step: "configure", running: "reverted", saved: "unchanged"},
		{failAt: 4, then: []string{showBGP, deleteFilter, cmdRefresh}, step: "configure", running: "reverted", saved: "unchanged"},
		{failAt: 5, then: undoAll, step: "refresh", running: "reverted", saved: "unchanged"},
		{failAt: 6, then: undoAll, running: "reverted", saved: "unchanged"},
		{failAt: 7, then: undoAll, running: "reverted", saved: "unchanged"},
		{failAt: 8, then: undoAll, running: "reverted", saved: "unchanged"},
		{failAt: 9, step: "confirm", running: "on until the rollback timer restores the previous configuration", saved: "unchanged", runningOn: true},
		{failAt: 10, step: "save", running: "on", saved: "unknown", runningOn: true},
	}
	if len(tests) != len(success) {
		t.Fatalf("%d cases for %d steps", len(tests), len(success))
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("call%02d", tt.failAt), func(t *testing.T) {
			t.Parallel()
			fc := newFakeConsole(t, bgpOff)
			fc.failAt = tt.failAt
			plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
			_, err := ApplyTunnel(t.Context(), fc, plan, ApplyOptions{})
			wantCmds := append(slices.Clone(success[:tt.failAt]), tt.then...)
			if diff := cmp.Diff(wantCmds, fc.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			var ce *driver.CommandError
			if !errors.As(err, &ce) {
				t.Errorf("ApplyTunnel = %v, want it to wrap the *driver.CommandError", err)
			}
			var running, saved string
			if tt.step == "" {
				var ve *VerificationError
				if !errors.As(err, &ve) {
					t.Fatalf("ApplyTunnel = %v, want a *VerificationError", err)
				}
				running, saved = ve.Running, ve.Saved
			} else {
				var ae *ApplyError
				if !errors.As(err, &ae) {
					t.Fatalf("ApplyTunnel = %v, want an *ApplyError", err)
				}
				if ae.Step != tt.step {
					t.Errorf("ApplyError.Step = %q, want %q", ae.Step, tt.step)
				}
				running, saved = ae.Running, ae.Saved
			}
			if diff := cmp.Diff([]string{tt.running, tt.saved}, []string{running, saved}); diff != "" {
				t.Errorf("running, saved mismatch (-want +got):\n%s", diff)
			}
			wantRunning := plan.Before
			if tt.runningOn {
				wantRunning = plan.After
			}
			if diff := cmp.Diff(wantRunning, fc.running.Lines()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(plan.Before, fc.saved.Lines()); diff != "" {
				t.Errorf("saved config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyTunnelVerificationTimeout(t *testing.T) {
	t.Parallel()
	for _, want := range []TunnelState{TunnelOn, TunnelOff} {
		t.Run(string(want), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				config, undo := bgpOff, []string{showBGP, referenceOff, deleteFilter, cmdRefresh}
				if want == TunnelOff {
					config, undo = bgpOn, []string{showBGP, defineOn, referenceOn, cmdRefresh}
				}
				fc := newFakeConsole(t, config)
				fc.ignoreRefresh = true
				plan := mustPlan(t, config, want, PlanOptions{})
				start := time.Now()
				_, err := ApplyTunnel(t.Context(), fc, plan, ApplyOptions{})
				var ve *VerificationError
				if !errors.As(err, &ve) || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("ApplyTunnel = %v, want a *VerificationError wrapping context.DeadlineExceeded", err)
				}
				if got := time.Since(start); got < DefaultVerifyTimeout {
					t.Errorf("gave up after %v, before the verify timeout", got)
				}
				cmds := fc.commands()
				if diff := cmp.Diff(undo, cmds[len(cmds)-len(undo):]); diff != "" {
					t.Errorf("last commands mismatch (-want +got):\n%s", diff)
				}
				if slices.Contains(cmds, cmdSave) || slices.Contains(cmds, cmdConfirm) {
					t.Errorf("commands %q contain save or confirm", cmds)
				}
				if ve.Running != "reverted" || ve.Saved != "unchanged" || len(ve.Neighbors) != 1 {
					t.Errorf("VerificationError = %+v, want running reverted, saved unchanged, one neighbor", ve)
				}
				if diff := cmp.Diff(plan.Before, fc.running.Lines()); diff != "" {
					t.Errorf("running config mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestApplyTunnelRevertFails(t *testing.T) {
	t.Parallel()
	fc := newFakeConsole(t, bgpOff)
	fc.failAt = 5 // the refresh, then the revert's `no bgp import filter 2` (call 8) fails too
	plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
	second := &secondFailure{fakeConsole: fc, at: 8}
	_, err := ApplyTunnel(t.Context(), second, plan, ApplyOptions{})
	var ae *ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("ApplyTunnel = %v, want an *ApplyError", err)
	}
	want := &ApplyError{
		Want: TunnelOn, Step: "refresh", Command: cmdRefresh,
		Running: "unknown (the rollback timer restores the previous configuration)", Saved: "unchanged",
	}
	got := &ApplyError{Want: ae.Want, Step: ae.Step, Command: ae.Command, Running: ae.Running, Saved: ae.Saved}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyError mismatch (-want +got):\n%s", diff)
	}
	if ae.RevertErr == nil {
		t.Error("RevertErr = nil, want the revert failure")
	}
	wantCmds := []string{showBGP, arm, defineOn, referenceOn, cmdRefresh, showBGP, referenceOff, deleteFilter}
	if diff := cmp.Diff(wantCmds, fc.commands()); diff != "" {
		t.Errorf("commands mismatch (-want +got):\n%s", diff)
	}
}

// secondFailure makes one more call of a fakeConsole fail.
type secondFailure struct {
	*fakeConsole
	at int
}

func (s *secondFailure) Run(ctx context.Context, cmd string) (string, error) {
	if len(s.log)+1 == s.at {
		s.log = append(s.log, cmd)
		return "", s.refused(cmd, "Error: Illegal keyword")
	}
	return s.fakeConsole.Run(ctx, cmd)
}

func TestApplyTunnelStalePlan(t *testing.T) {
	t.Parallel()
	fc := newFakeConsole(t, bgpOn)
	plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
	_, err := ApplyTunnel(t.Context(), fc, plan, ApplyOptions{})
	if !errors.Is(err, ErrPlanStale) {
		t.Fatalf("ApplyTunnel = %v, want ErrPlanStale", err)
	}
	if diff := cmp.Diff([]string{showBGP}, fc.commands()); diff != "" {
		t.Errorf("commands mismatch (-want +got):\n%s", diff)
	}
}

func TestApplyTunnelCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fc := newFakeConsole(t, bgpOff)
		fc.ignoreRefresh = true
		plan := mustPlan(t, bgpOff, TunnelOn, PlanOptions{})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := ApplyTunnel(ctx, fc, plan, ApplyOptions{})
		var ve *VerificationError
		if !errors.As(err, &ve) {
			t.Fatalf("ApplyTunnel = %v, want a *VerificationError", err)
		}
		// The revert runs although ctx is done.
		if ve.Running != "reverted" {
			t.Errorf("Running = %q, want reverted", ve.Running)
		}
		if diff := cmp.Diff(plan.Before, fc.running.Lines()); diff != "" {
			t.Errorf("running config mismatch (-want +got):\n%s", diff)
		}
	})
}
