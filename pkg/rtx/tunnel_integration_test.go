package rtx

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// The BGP lines of rtxtest.DefaultScenario, forced tunnelling off.
var fakeBGPOff = []string{
	"bgp use on",
	"bgp autonomous-system 65530",
	"bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 ignore-capability=on",
	"bgp router id 192.168.100.1",
	"bgp import filter 1 equal 192.168.100.0/24",
	"bgp import 65521 static filter 1",
}

// withBGP returns config with its BGP lines replaced by bgp (in the router's
// order: the BGP lines come last in the default scenario).
func withBGP(config, bgp []string) []string {
	out := slices.DeleteFunc(slices.Clone(config), isBGPLine)
	return append(out, bgp...)
}

func isBGPLine(l string) bool { return strings.HasPrefix(l, "bgp ") }

// bgpOnly returns the BGP lines of config.
func bgpOnly(config []string) []string {
	return slices.DeleteFunc(slices.Clone(config), func(l string) bool { return !isBGPLine(l) })
}

var fastApply = ApplyOptions{PollInterval: 20 * time.Millisecond, VerifyTimeout: 10 * time.Second}

// switchTunnel reads the status, plans and applies one change.
func switchTunnel(ctx context.Context, c *Client, want TunnelState, opts ApplyOptions) (*ApplyResult, error) {
	st, err := ReadTunnelStatus(ctx, c, StatusOptions{})
	if err != nil {
		return nil, err
	}
	plan, err := PlanTunnel(st.BGP, want, PlanOptions{Observed: st.Neighbors})
	if err != nil {
		return nil, err
	}
	return ApplyTunnel(ctx, c, plan, opts)
}

func TestTunnelIntegration(t *testing.T) {
	t.Parallel()
	bgpOnLines := append(slices.Clone(fakeBGPOff[:5]), "bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2")
	variants := []struct {
		name string
		edit func(*rtxtest.Scenario)
	}{
		{name: "ja"},
		{name: "en, 0.0.0.0/0 rows, reminder once", edit: func(sc *rtxtest.Scenario) {
			sc.Language = "en"
			sc.Variants.DefaultRoute = "0.0.0.0/0"
			sc.Variants.BGPReminder = "once"
		}},
	}
	for _, tr := range []string{"ssh", "telnet"} {
		for _, v := range variants {
			t.Run(tr+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				ctx := integrationContext(t)
				srv := startFake(t, v.edit)
				initial := srv.Router.SavedConfig()
				c := dialFake(t, ctx, srv, tr)

				st, err := ReadTunnelStatus(ctx, c, StatusOptions{Host: "fake"})
				if err != nil {
					t.Fatalf("ReadTunnelStatus: %v", err)
				}
				if st.Tunnel != TunnelOff || st.Neighbor.State != "Established" || st.Model != "RTX1210" {
					t.Errorf("status before = %+v, want off, Established, RTX1210", st)
				}

				features := &FirmwareFeatures{}
				opts := fastApply
				opts.Features = features
				res, err := switchTunnel(ctx, c, TunnelOn, opts)
				if err != nil {
					t.Fatalf("tunnel on: %v", err)
				}
				if !res.Saved || !res.RollbackTimer || features.RollbackTimer != Supported {
					t.Errorf("tunnel on: ApplyResult %+v, Features %+v; want saved with a rollback timer", res, features)
				}
				if diff := cmp.Diff(withBGP(initial, bgpOnLines), srv.Router.SavedConfig()); diff != "" {
					t.Errorf("saved config after on mismatch (-want +got):\n%s", diff)
				}
				st, err = ReadTunnelStatus(ctx, c, StatusOptions{})
				if err != nil {
					t.Fatalf("ReadTunnelStatus: %v", err)
				}
				if st.Tunnel != TunnelOn || !st.AdvertisesDefault {
					t.Errorf("status after on = %+v, want on, advertising the default", st)
				}

				res, err = switchTunnel(ctx, c, TunnelOn, opts)
				if err != nil || res.Changed {
					t.Errorf("tunnel on again = %+v, %v; want no change", res, err)
				}

				if _, err := switchTunnel(ctx, c, TunnelOff, opts); err != nil {
					t.Fatalf("tunnel off: %v", err)
				}
				if diff := cmp.Diff(initial, srv.Router.SavedConfig()); diff != "" {
					t.Errorf("saved config after off mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestTunnelIntegrationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*rtxtest.Scenario)
		opts  ApplyOptions
		check func(t *testing.T, err error)
	}{
		{
			name: "router refuses the import line",
			edit: func(sc *rtxtest.Scenario) {
				sc.Faults.FailCommands = []rtxtest.CommandFault{{Command: "bgp import 65521 static filter 1 2"}}
			},
			opts: fastApply,
			check: func(t *testing.T, err error) {
				var ae *ApplyError
				if !errors.As(err, &ae) || ae.Running != runningReverted || ae.Saved != savedUnchanged {
					t.Errorf("err = %v, want an *ApplyError with running reverted, saved unchanged", err)
				}
			},
		},
		{
			name: "neighbor never comes back",
			edit: func(sc *rtxtest.Scenario) { sc.Faults.BGPNeverEstablishes = true },
			opts: ApplyOptions{PollInterval: 20 * time.Millisecond, VerifyTimeout: 300 * time.Millisecond},
			check: func(t *testing.T, err error) {
				var ve *VerificationError
				if !errors.As(err, &ve) || ve.Running != runningReverted || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want a *VerificationError after the deadline with running reverted", err)
				}
			},
		},
	}
	for _, tr := range []string{"ssh", "telnet"} {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := integrationContext(t)
				srv := startFake(t, nil)
				initial := srv.Router.SavedConfig()
				c := dialFake(t, ctx, srv, tr)
				// The faults start after the login.
				var sc rtxtest.Scenario
				tt.edit(&sc)
				srv.Router.SetFaults(sc.Faults)
				_, err := switchTunnel(ctx, c, TunnelOn, tt.opts)
				tt.check(t, err)
				if diff := cmp.Diff(fakeBGPOff, bgpOnly(srv.Router.RunningConfig())); diff != "" {
					t.Errorf("running BGP config mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(fakeBGPOff, srv.Router.AppliedConfig()); diff != "" {
					t.Errorf("applied BGP config mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(initial, srv.Router.SavedConfig()); diff != "" {
					t.Errorf("saved config mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestTunnelIntegrationOldFirmware(t *testing.T) {
	t.Parallel()
	ctx := integrationContext(t)
	srv := startFake(t, func(sc *rtxtest.Scenario) { sc.Revision = "14.01.20" })
	c := dialFake(t, ctx, srv, "ssh")
	features := &FirmwareFeatures{}
	opts := fastApply
	opts.Features = features
	res, err := switchTunnel(ctx, c, TunnelOn, opts)
	if err != nil {
		t.Fatalf("tunnel on: %v", err)
	}
	if res.RollbackTimer || features.RollbackTimer != Unsupported {
		t.Errorf("RollbackTimer = %v, Features = %+v; want no timer, unsupported", res.RollbackTimer, features)
	}
	if _, err := switchTunnel(ctx, c, TunnelOff, opts); err != nil {
		t.Fatalf("tunnel off: %v", err)
	}
	if n := strings.Count(strings.Join(srv.Router.Commands(), "\n"), "rollback timer"); n != 1 {
		t.Errorf("rollback timer tried %d times, want once", n)
	}
}

// TestTunnelIntegrationDroppedConnection drops the session in the middle of
// `tunnel on`: the revert cannot run, the error says so, and the router's
// rollback timer puts the old configuration back when it expires.
func TestTunnelIntegrationDroppedConnection(t *testing.T) {
	t.Parallel()
	for _, tr := range []string{"ssh", "telnet"} {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, nil)
			initial := srv.Router.SavedConfig()
			c := dialFake(t, ctx, srv, tr)
			srv.Router.SetFaults(rtxtest.Faults{Drops: []rtxtest.DropFault{{Command: "bgp import 65521 static filter 1 2", When: "after"}}})
			_, err := switchTunnel(ctx, c, TunnelOn, fastApply)
			var ae *ApplyError
			if !errors.As(err, &ae) || ae.RevertErr == nil {
				t.Fatalf("tunnel on = %v, want an *ApplyError with a failed revert", err)
			}
			if want := "unknown (the rollback timer restores the previous configuration)"; ae.Running != want || ae.Saved != savedUnchanged {
				t.Errorf("Running, Saved = %q, %q; want %q, unchanged", ae.Running, ae.Saved, want)
			}
			if slices.Equal(fakeBGPOff, bgpOnly(srv.Router.RunningConfig())) {
				t.Error("running BGP config already restored before the rollback timer expired")
			}
			srv.Router.Advance(time.Duration(fastApply.rollbackSeconds()+1) * time.Second)
			if diff := cmp.Diff(fakeBGPOff, bgpOnly(srv.Router.RunningConfig())); diff != "" {
				t.Errorf("running BGP config after the rollback timer mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(initial, srv.Router.SavedConfig()); diff != "" {
				t.Errorf("saved config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
