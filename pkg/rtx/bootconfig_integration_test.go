package rtx

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// bootConfigs makes the fake run saved config running and boot from
// boot; every other of the two holds otherText. Status labels are in
// Japanese, so the numbers must be read in English or from the one
// Japanese label known.
func bootConfigs(running, boot int, otherText string) func(*rtxtest.Scenario) {
	return func(sc *rtxtest.Scenario) {
		sc.ConfigFile = running
		sc.DefaultConfigFile = &boot
		if boot != running {
			sc.SavedConfigs = map[int]string{boot: otherText}
		}
		sc.Variants.LocalizedStatus = true
	}
}

// otherConfig is a saved configuration other than the running one:
// forced tunnelling on and one more static route.
var otherConfig = "ip route 10.9.0.0/16 gateway 192.168.254.254\n" + `bgp use on
bgp autonomous-system 65530
bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 ignore-capability=on
bgp router id 192.168.100.1
bgp import filter 1 equal 192.168.100.0/24
bgp import filter 2 include 0.0.0.0/0
bgp import 65521 static filter 1 2
`

// TestBootConfigStatusIntegration reads the status of routers that run
// one saved configuration and boot from another: the saved comparison
// uses the running one, and both numbers are reported; a change is saved
// to the running one only.
func TestBootConfigStatusIntegration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		running, boot int
		// leftover puts a cut-off session's `console lines infinity` in
		// the running configuration: the saved one is read while the
		// console settings are, in Japanese.
		leftover bool
		want     ConfigFiles
	}{
		{name: "config0 running, config2 at boot", running: 0, boot: 2, want: ConfigFiles{Running: 0, Boot: 2}},
		{name: "config0 running, config2 at boot, leftover", running: 0, boot: 2, leftover: true, want: ConfigFiles{Running: 0, Boot: 2}},
		{name: "config1 running, config0 at boot", running: 1, boot: 0, want: ConfigFiles{Running: 1, Boot: 0}},
		{name: "config3 running and at boot", running: 3, boot: 3, want: ConfigFiles{Running: 3, Boot: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				bootConfigs(tt.running, tt.boot, otherConfig)(sc)
				if tt.leftover {
					sc.RunningConfig = "console lines infinity\n" + sc.SavedConfig
				}
			})
			initial := srv.Router.SavedConfig()
			other, _ := srv.Router.SavedConfigFile(tt.boot)

			c := dialReadOnly(t, ctx, srv, "ssh", false)
			st, err := ReadTunnelStatus(ctx, c, StatusOptions{})
			if err != nil {
				t.Fatalf("ReadTunnelStatus: %v", err)
			}
			if diff := cmp.Diff(&tt.want, st.ConfigFiles); diff != "" {
				t.Errorf("ConfigFiles mismatch (-want +got):\n%s", diff)
			}
			if !st.SavedChecked || !st.Saved || st.Tunnel != TunnelOff {
				t.Errorf("status = %+v, want off and saved (compared with the running config %d)", st, tt.running)
			}
			c.Close()

			c = dialFake(t, ctx, srv, "ssh")
			if _, err := switchTunnel(ctx, c, TunnelOn, fastApply); err != nil {
				t.Fatalf("tunnel on: %v", err)
			}
			c.Close()
			if diff := cmp.Diff(withBGP(initial, fakeBGPOn), srv.Router.SavedConfig()); diff != "" {
				t.Errorf("saved config %d mismatch (-want +got):\n%s", tt.running, diff)
			}
			if tt.boot != tt.running {
				got, _ := srv.Router.SavedConfigFile(tt.boot)
				if diff := cmp.Diff(other, got); diff != "" {
					t.Errorf("boot config %d changed (-want +got):\n%s", tt.boot, diff)
				}
			}
		})
	}
}

// TestBootConfigScheduledRollbackIntegration arms the timed rollback on
// routers whose boot configuration differs from the running one: the
// scheduled load restores the running configuration; a scheduled restart
// would boot another one and is refused, with nothing changed.
func TestBootConfigScheduledRollbackIntegration(t *testing.T) {
	t.Parallel()
	const noScheduledLoad = "14.01.27"
	tests := []struct {
		name          string
		revision      string
		running, boot int
		want          string // the scheduled command; "" = refused
	}{
		{name: "load the running config0, not config2", running: 0, boot: 2, want: "load 0 difference silent"},
		{name: "load the running config1", running: 1, boot: 0, want: "load 1 difference silent"},
		{name: "restart into config2 refused", revision: noScheduledLoad, running: 0, boot: 2},
		{name: "restart into the running config1", revision: noScheduledLoad, running: 1, boot: 1, want: "restart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				bootConfigs(tt.running, tt.boot, otherConfig)(sc)
				if tt.revision != "" {
					sc.Revision = tt.revision
				}
			})
			running := srv.Router.RunningConfig()
			c := dialFake(t, ctx, srv, "ssh")
			rb, err := ArmScheduledRollback(ctx, c, ArmOptions{After: 10 * time.Minute, AllowRestart: true})
			if tt.want == "" {
				var nr *NoScheduledRollbackError
				if !errors.As(err, &nr) {
					t.Fatalf("ArmScheduledRollback = %+v, %v; want a NoScheduledRollbackError", rb, err)
				}
				c.Close()
				if diff := cmp.Diff(running, srv.Router.RunningConfig()); diff != "" {
					t.Errorf("running config mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ArmScheduledRollback: %v", err)
			}
			if diff := cmp.Diff(tt.want, rb.Command); diff != "" {
				t.Errorf("scheduled command mismatch (-want +got):\n%s", diff)
			}
			if removed, err := DisarmScheduledRollback(ctx, c, *rb); err != nil || !removed {
				t.Errorf("DisarmScheduledRollback = %v, %v; want removed", removed, err)
			}
			c.Close()
			if diff := cmp.Diff(running, srv.Router.RunningConfig()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBootConfigPendingFiresIntegration leaves forced tunnelling on
// pending on a router that runs config1 and boots from config0: when the
// router's schedule fires, it puts back config1, not config0.
func TestBootConfigPendingFiresIntegration(t *testing.T) {
	t.Parallel()
	ctx := integrationContext(t)
	srv := startFake(t, bootConfigs(1, 0, otherConfig))
	initial := srv.Router.RunningConfig()
	c := dialFake(t, ctx, srv, "ssh")
	res, err := switchTunnel(ctx, c, TunnelOn, pendingOpts(10*time.Minute, false))
	if err != nil {
		t.Fatalf("pending tunnel on: %v", err)
	}
	if res.Pending == nil || res.Pending.ScheduledRollback == nil {
		t.Fatalf("ApplyResult = %+v, want a pending change with a router rollback", res)
	}
	c.Close()
	srv.Router.Advance(11 * time.Minute)
	checkReverted(t, srv, initial)
}
