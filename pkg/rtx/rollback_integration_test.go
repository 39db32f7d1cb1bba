package rtx

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

const fakeNeighbor = "10.10.50.254"

// fakeBGPOn are the BGP lines of rtxtest.DefaultScenario with forced
// tunnelling on.
var fakeBGPOn = append(slices.Clone(fakeBGPOff[:5]), "bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2")

// pendingOpts returns apply options that leave the change pending, undone
// by the router after the given time.
func pendingOpts(after time.Duration, allowRestart bool) ApplyOptions {
	opts := fastApply
	opts.Pending = &PendingOptions{Arm: ArmOptions{After: after, AllowRestart: allowRestart}}
	return opts
}

// startEither starts a fake router from a scenario file (reached over
// Telnet, as its SSH may need legacy algorithms) or, when path is "", from
// the default scenario edited (reached over SSH). The neighbors
// re-establish quickly.
func startEither(t *testing.T, path string, edit func(*rtxtest.Scenario)) (*rtxtest.Server, string) {
	t.Helper()
	if path == "" {
		return startFake(t, edit), "ssh"
	}
	sc, err := rtxtest.LoadScenario(path)
	if err != nil {
		t.Fatal(err)
	}
	sc.BGP.EstablishDelay = 50 * time.Millisecond
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)
	return srv, "telnet"
}

// scheduleLines returns the `schedule at` lines of a configuration.
func scheduleLines(config []string) []string {
	return slices.DeleteFunc(slices.Clone(config), func(l string) bool { return !strings.HasPrefix(l, "schedule at ") })
}

// checkReverted checks that the fake runs, applies, advertises and has
// saved the initial configuration (forced tunnelling off).
func checkReverted(t *testing.T, srv *rtxtest.Server, initial []string) {
	t.Helper()
	if diff := cmp.Diff(initial, srv.Router.RunningConfig()); diff != "" {
		t.Errorf("running config mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(fakeBGPOff, srv.Router.AppliedConfig()); diff != "" {
		t.Errorf("applied BGP config mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"192.168.100.0/24"}, srv.Router.AdvertisedRoutes(fakeNeighbor)); diff != "" {
		t.Errorf("advertised routes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(initial, srv.Router.SavedConfig()); diff != "" {
		t.Errorf("saved config mismatch (-want +got):\n%s", diff)
	}
}

// TestPendingIntegrationRouterFires leaves forced tunnelling on pending,
// lets the controller go away without confirming (a clean logout, or a
// connection dropped right after the change) and moves the router clock
// past the deadline: the router's schedule puts the saved configuration
// back by itself.
func TestPendingIntegrationRouterFires(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario string // a scenario file instead of rtxtest.DefaultScenario
		edit     func(*rtxtest.Scenario)
		after    time.Duration
		restart  bool
		drop     bool
		// line is the schedule line armed, with DEADLINE for the absolute
		// MONTH/DAY hh:mm:ss of the deadline in router time.
		line string
	}{
		{name: "relative load", after: 10 * time.Minute, line: "schedule at 1 +600 * load 0 difference silent"},
		{name: "relative load, connection dropped", after: 10 * time.Minute, drop: true, line: "schedule at 1 +600 * load 0 difference silent"},
		{
			name: "relative load, fired entry stays, English", after: 10 * time.Minute, line: "schedule at 1 +600 * load 0 difference silent",
			edit: func(sc *rtxtest.Scenario) { sc.Variants.ScheduleKeep, sc.Language = true, "en" },
		},
		{name: "absolute load beyond an hour", after: 2 * time.Hour, line: "schedule at 1 DEADLINE * load 0 difference silent"},
		{
			name: "absolute load on firmware without +SECONDS", after: 10 * time.Minute, line: "schedule at 1 DEADLINE * load 0 difference silent",
			edit: func(sc *rtxtest.Scenario) { sc.Revision = "14.01.30" },
		},
		{
			name: "restart on old firmware", scenario: "../../testdata/scenarios/old-firmware.yaml", after: 10 * time.Minute,
			restart: true, line: "schedule at 1 DEADLINE * restart",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv, tr := startEither(t, tt.scenario, tt.edit)
			initial := srv.Router.SavedConfig()
			c := dialFake(t, ctx, srv, tr)
			if tt.drop {
				srv.Router.SetFaults(rtxtest.Faults{Drops: []rtxtest.DropFault{{Command: cmdRefresh, When: "after"}}})
			}
			armedAt := srv.Router.Now()
			res, err := switchTunnel(ctx, c, TunnelOn, pendingOpts(tt.after, tt.restart))
			var rb *ScheduledRollback
			if tt.drop {
				var ae *ApplyError
				if !errors.As(err, &ae) || ae.Step != "refresh" || ae.RevertErr == nil {
					t.Fatalf("tunnel on = %v, want an *ApplyError at refresh that could neither revert nor disarm", err)
				}
			} else {
				if err != nil {
					t.Fatalf("tunnel on: %v", err)
				}
				if res.Saved || res.Pending == nil || res.Pending.ScheduledRollback == nil {
					t.Fatalf("ApplyResult = %+v, want pending with a router rollback, not saved", res)
				}
				rb = res.Pending.ScheduledRollback
				if rb.Restart != tt.restart || rb.Deadline.Sub(armedAt) < tt.after {
					t.Errorf("ScheduledRollback = %+v, want restart %v, deadline at least %v from %v", rb, tt.restart, tt.after, armedAt)
				}
				if diff := cmp.Diff(fakeBGPOff, res.Pending.Before); diff != "" {
					t.Errorf("Pending.Before mismatch (-want +got):\n%s", diff)
				}
				c.Close()
			}
			running := srv.Router.RunningConfig()
			if diff := cmp.Diff(fakeBGPOn, bgpOnly(running)); diff != "" {
				t.Errorf("running BGP config while pending mismatch (-want +got):\n%s", diff)
			}
			if rb != nil {
				want := strings.Replace(tt.line, "DEADLINE", rb.Deadline.Format("1/2 15:04:05"), 1)
				if diff := cmp.Diff([]string{want}, scheduleLines(running)); diff != "" {
					t.Errorf("schedule lines mismatch (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(initial, srv.Router.SavedConfig()); diff != "" {
				t.Errorf("saved config while pending mismatch (-want +got):\n%s", diff)
			}

			srv.Router.Advance(tt.after - time.Minute)
			if diff := cmp.Diff(fakeBGPOn, srv.Router.AppliedConfig()); diff != "" {
				t.Errorf("applied BGP config before the deadline mismatch (-want +got):\n%s", diff)
			}
			srv.Router.Advance(2 * time.Minute)
			checkReverted(t, srv, initial)
		})
	}
}

// TestPendingIntegrationConfirm confirms before the deadline: the change is
// saved, no schedule entry is left in the running or saved configuration,
// and nothing happens at the deadline. Confirming again changes nothing.
func TestPendingIntegrationConfirm(t *testing.T) {
	t.Parallel()
	for _, tr := range []string{"ssh", "telnet"} {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				sc.SavedConfig += "schedule at 1 */* 00:00:00 * ntpdate ntp.example.jp syslog\n"
			})
			initial := srv.Router.SavedConfig()
			c := dialFake(t, ctx, srv, tr)
			res, err := switchTunnel(ctx, c, TunnelOn, pendingOpts(15*time.Minute, false))
			if err != nil {
				t.Fatalf("tunnel on: %v", err)
			}
			if res.Pending == nil || res.Pending.ScheduledRollback == nil || res.Pending.ScheduledRollback.ID != 2 {
				t.Fatalf("ApplyResult.Pending = %+v, want a router rollback on the free schedule id 2", res.Pending)
			}
			c.Close()

			c = dialFake(t, ctx, srv, tr)
			cres, err := ConfirmPending(ctx, c, *res.Pending)
			if err != nil {
				t.Fatalf("ConfirmPending: %v", err)
			}
			if diff := cmp.Diff(&ConfirmResult{Disarmed: true, Saved: true}, cres); diff != "" {
				t.Errorf("ConfirmResult mismatch (-want +got):\n%s", diff)
			}
			want := withBGP(initial, fakeBGPOn)
			wantSchedules := scheduleLines(initial)
			for name, got := range map[string][]string{"running": srv.Router.RunningConfig(), "saved": srv.Router.SavedConfig()} {
				if diff := cmp.Diff(wantSchedules, scheduleLines(got)); diff != "" {
					t.Errorf("%s schedule lines mismatch (-want +got):\n%s", name, diff)
				}
			}
			if diff := cmp.Diff(bgpOnly(want), bgpOnly(srv.Router.SavedConfig())); diff != "" {
				t.Errorf("saved BGP config mismatch (-want +got):\n%s", diff)
			}

			cres, err = ConfirmPending(ctx, c, *res.Pending)
			if err != nil || cres.Disarmed {
				t.Errorf("ConfirmPending again = %+v, %v; want nothing to disarm", cres, err)
			}
			srv.Router.Advance(20 * time.Minute)
			if diff := cmp.Diff(fakeBGPOn, srv.Router.AppliedConfig()); diff != "" {
				t.Errorf("applied BGP config after the deadline mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPendingIntegrationRollback undoes the pending change from the
// controller before the deadline, then again (nothing to do); and after the
// router's schedule fired first (nothing to do, confirm too late).
func TestPendingIntegrationRollback(t *testing.T) {
	t.Parallel()
	for _, routerFirst := range []bool{false, true} {
		name := "controller first"
		if routerFirst {
			name = "router first"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, nil)
			initial := srv.Router.SavedConfig()
			c := dialFake(t, ctx, srv, "ssh")
			res, err := switchTunnel(ctx, c, TunnelOn, pendingOpts(5*time.Minute, false))
			if err != nil {
				t.Fatalf("tunnel on: %v", err)
			}
			if routerFirst {
				c.Close()
				srv.Router.Advance(6 * time.Minute)
				c = dialFake(t, ctx, srv, "ssh")
			}
			ropts := RestoreOptions{Apply: fastApply}
			rres, err := RollbackPending(ctx, c, *res.Pending, ropts)
			if err != nil {
				t.Fatalf("RollbackPending: %v", err)
			}
			if rres.AlreadyUndone() != routerFirst || rres.Disarmed == routerFirst {
				t.Errorf("RollbackResult = %+v (already undone %v), want already undone %v", rres, rres.AlreadyUndone(), routerFirst)
			}
			if !routerFirst && (rres.Restore.Saved || !rres.Restore.Changed) {
				t.Errorf("Restore = %+v, want changed, not saved", rres.Restore)
			}
			c.Close()
			checkReverted(t, srv, initial)

			c = dialFake(t, ctx, srv, "ssh")
			rres, err = RollbackPending(ctx, c, *res.Pending, ropts)
			if err != nil || !rres.AlreadyUndone() || rres.Disarmed {
				t.Errorf("RollbackPending again = %+v, %v; want nothing to do", rres, err)
			}
			if _, err := ConfirmPending(ctx, c, *res.Pending); !errors.Is(err, ErrAlreadyUndone) {
				t.Errorf("ConfirmPending after the rollback = %v, want ErrAlreadyUndone", err)
			}
			c.Close()
			srv.Router.Advance(10 * time.Minute)
			checkReverted(t, srv, initial)
		})
	}
}

// TestRestoreBGPIntegration restores the lines recorded before a saved
// change, and then the lines recorded after it.
func TestRestoreBGPIntegration(t *testing.T) {
	t.Parallel()
	ctx := integrationContext(t)
	srv := startFake(t, nil)
	initial := srv.Router.SavedConfig()
	c := dialFake(t, ctx, srv, "telnet")
	on, err := switchTunnel(ctx, c, TunnelOn, fastApply)
	if err != nil {
		t.Fatalf("tunnel on: %v", err)
	}
	res, err := RestoreBGP(ctx, c, on.Plan.Before, RestoreOptions{Apply: fastApply})
	if err != nil {
		t.Fatalf("RestoreBGP(before): %v", err)
	}
	if !res.Changed || !res.Saved || res.Plan.Want != TunnelOff {
		t.Errorf("RestoreBGP(before) = %+v, want changed, saved, off", res)
	}
	c.Close()
	checkReverted(t, srv, initial)

	c = dialFake(t, ctx, srv, "telnet")
	res, err = RestoreBGP(ctx, c, on.Plan.After, RestoreOptions{Apply: fastApply})
	if err != nil {
		t.Fatalf("RestoreBGP(after): %v", err)
	}
	if res.Plan.Want != TunnelOn {
		t.Errorf("RestoreBGP(after) plan wants %s, want on", res.Plan.Want)
	}
	if diff := cmp.Diff(fakeBGPOn, bgpOnly(srv.Router.SavedConfig())); diff != "" {
		t.Errorf("saved BGP config mismatch (-want +got):\n%s", diff)
	}
	if !slices.Contains(srv.Router.AdvertisedRoutes(fakeNeighbor), "default") {
		t.Errorf("advertised routes %q lack the default route", srv.Router.AdvertisedRoutes(fakeNeighbor))
	}
	res, err = RestoreBGP(ctx, c, on.Plan.After, RestoreOptions{Apply: fastApply})
	if err != nil || res.Changed {
		t.Errorf("RestoreBGP(after) again = %+v, %v; want no change", res, err)
	}
}

// TestArmScheduledRollbackIntegrationRefused covers the cases where no
// on-router rollback is armed and nothing is changed.
func TestArmScheduledRollbackIntegrationRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario string
		edit     func(*rtxtest.Scenario)
		want     error
	}{
		{name: "old firmware", scenario: "../../testdata/scenarios/old-firmware.yaml", want: ErrNoScheduledRollback},
		{name: "unsaved changes", edit: func(sc *rtxtest.Scenario) {
			sc.RunningConfig = sc.SavedConfig + "ip route 10.1.0.0/16 gateway 192.168.254.254\n"
		}, want: ErrUnsavedChanges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv, tr := startEither(t, tt.scenario, tt.edit)
			running := srv.Router.RunningConfig()
			c := dialFake(t, ctx, srv, tr)
			_, err := ArmScheduledRollback(ctx, c, ArmOptions{After: 10 * time.Minute})
			if !errors.Is(err, tt.want) {
				t.Fatalf("ArmScheduledRollback = %v, want %v", err, tt.want)
			}
			opts := pendingOpts(10*time.Minute, false)
			opts.Pending.RequireScheduledRollback = true
			if _, err := switchTunnel(ctx, c, TunnelOn, opts); !errors.Is(err, tt.want) {
				t.Errorf("pending tunnel on requiring a router rollback = %v, want %v", err, tt.want)
			}
			c.Close()
			if diff := cmp.Diff(running, srv.Router.RunningConfig()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPendingIntegrationCronOnly applies a pending change on firmware
// without an on-router rollback: it goes on, says why, and only the
// controller undoes the change.
func TestPendingIntegrationCronOnly(t *testing.T) {
	t.Parallel()
	ctx := integrationContext(t)
	srv := startFake(t, func(sc *rtxtest.Scenario) { sc.Revision = "14.01.20" })
	initial := srv.Router.SavedConfig()
	c := dialFake(t, ctx, srv, "ssh")
	res, err := switchTunnel(ctx, c, TunnelOn, pendingOpts(10*time.Minute, false))
	if err != nil {
		t.Fatalf("tunnel on: %v", err)
	}
	if !errors.Is(res.NoScheduledRollback, ErrNoScheduledRollback) || res.Pending == nil || res.Pending.ScheduledRollback != nil {
		t.Fatalf("ApplyResult = %+v, want pending without a router rollback, saying why", res)
	}
	c.Close()
	srv.Router.Advance(time.Hour)
	if diff := cmp.Diff(fakeBGPOn, srv.Router.AppliedConfig()); diff != "" {
		t.Errorf("applied BGP config mismatch (-want +got):\n%s", diff)
	}
	c = dialFake(t, ctx, srv, "ssh")
	if _, err := RollbackPending(ctx, c, *res.Pending, RestoreOptions{Apply: fastApply}); err != nil {
		t.Fatalf("RollbackPending: %v", err)
	}
	c.Close()
	checkReverted(t, srv, initial)
}
