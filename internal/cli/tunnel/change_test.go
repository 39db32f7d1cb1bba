package tunnel

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// parsed is what the flags of `tunnel on|off` resolve to.
type parsed struct {
	Want          rtx.TunnelState
	Router        string
	Host          string
	PeerAS        int
	FilterID      int
	Match         string
	DryRun        bool
	NoSave        bool
	VerifyTimeout time.Duration
	LockWait      time.Duration
	StateDir      string
	RollbackIn    time.Duration
	AllowRestart  bool
	Quiet         bool
}

func TestNewCmdOnOff(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{
		"tokyo": {Name: "tokyo", Host: "127.0.0.1", PeerAS: 65521, FilterID: 5, Match: "equal"},
	}}
	defaults := parsed{Host: "127.0.0.1", FilterID: 2, Match: "include", VerifyTimeout: 90 * time.Second,
		LockWait: 30 * time.Second, StateDir: filepath.Join("/state", "rtxctl")}
	with := func(edit func(*parsed)) parsed {
		p := defaults
		edit(&p)
		return p
	}
	tests := []struct {
		name    string
		newCmd  func(*cli.Factory, func(*Options) error) *cobra.Command
		args    string
		want    parsed
		wantErr string
	}{
		{name: "on defaults", newCmd: newCmdOn, args: "--host 127.0.0.1",
			want: with(func(p *parsed) { p.Want = rtx.TunnelOn })},
		{name: "off defaults", newCmd: newCmdOff, args: "--host 127.0.0.1",
			want: with(func(p *parsed) { p.Want = rtx.TunnelOff })},
		{name: "every flag", newCmd: newCmdOn,
			args: "--host 127.0.0.1 --peer-as 65000 --filter-id 7 --match equal --dry-run --no-save --verify-timeout 10s --lock-wait 0s",
			want: with(func(p *parsed) {
				p.Want, p.PeerAS, p.FilterID, p.Match, p.DryRun, p.NoSave = rtx.TunnelOn, 65000, 7, "equal", true, true
				p.VerifyTimeout, p.LockWait = 10*time.Second, 0
			})},
		{name: "config file", newCmd: newCmdOn, args: "tokyo",
			want: with(func(p *parsed) {
				p.Want, p.Router, p.PeerAS, p.FilterID, p.Match = rtx.TunnelOn, "tokyo", 65521, 5, "equal"
			})},
		{name: "flags override the config file", newCmd: newCmdOff, args: "tokyo --peer-as 65000 --filter-id 2 --match include",
			want: with(func(p *parsed) { p.Want, p.Router, p.PeerAS = rtx.TunnelOff, "tokyo", 65000 })},
		{name: "bad match", newCmd: newCmdOn, args: "--host 127.0.0.1 --match refines", wantErr: `invalid --match "refines"`},
		{name: "bad filter id", newCmd: newCmdOn, args: "--host 127.0.0.1 --filter-id 0", wantErr: "invalid --filter-id 0"},
		{name: "bad peer AS", newCmd: newCmdOn, args: "--host 127.0.0.1 --peer-as 70000", wantErr: "invalid --peer-as 70000"},
		{name: "bad verify timeout", newCmd: newCmdOn, args: "--host 127.0.0.1 --verify-timeout 0s", wantErr: "invalid --verify-timeout"},
		{name: "bad lock wait", newCmd: newCmdOn, args: "--host 127.0.0.1 --lock-wait -1s", wantErr: "invalid --lock-wait"},
		{name: "rollback in", newCmd: newCmdOff, args: "tokyo --rollback-in 15m --allow-restart -q",
			want: with(func(p *parsed) {
				p.Want, p.Router, p.PeerAS, p.FilterID, p.Match = rtx.TunnelOff, "tokyo", 65521, 5, "equal"
				p.RollbackIn, p.AllowRestart, p.Quiet = 15*time.Minute, true, true
			})},
		{name: "bad rollback in", newCmd: newCmdOn, args: "--host 127.0.0.1 --rollback-in -1m", wantErr: "invalid --rollback-in"},
		{name: "rollback in zero", newCmd: newCmdOn, args: "--host 127.0.0.1 --rollback-in 0", wantErr: "invalid --rollback-in 0s: must be positive (leave it out to save the change at once)"},
		{name: "rollback in shorter than the verification", newCmd: newCmdOn, args: "--host 127.0.0.1 --rollback-in 2s",
			wantErr: "--rollback-in 2s is too short: the router would undo the change before it is verified; with --verify-timeout 1m30s and --timeout 30s it must be at least 2m1s"},
		{name: "rollback in just long enough", newCmd: newCmdOn, args: "--host 127.0.0.1 --rollback-in 8s --verify-timeout 5s --timeout 2s",
			want: with(func(p *parsed) { p.Want, p.RollbackIn, p.VerifyTimeout = rtx.TunnelOn, 8*time.Second, 5*time.Second })},
		{name: "rollback in and no save", newCmd: newCmdOn, args: "--host 127.0.0.1 --rollback-in 1m --no-save", wantErr: "--rollback-in and --no-save"},
		{name: "allow restart alone", newCmd: newCmdOn, args: "--host 127.0.0.1 --allow-restart", wantErr: "--allow-restart needs --rollback-in"},
		{name: "quiet and verbose", newCmd: newCmdOn, args: "--host 127.0.0.1 -q -v", wantErr: "--quiet and --verbose"},
		{name: "no router", newCmd: newCmdOn, args: "", wantErr: "no router given"},
		{name: "two routers, one unknown", newCmd: newCmdOn, args: "tokyo osaka", wantErr: `unknown router "osaka"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := clitest.Execute(clitest.NewFactory(cfg, "/state"), tt.newCmd, strings.Fields(tt.args))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				var fe *cli.FlagError
				if !errors.As(err, &fe) {
					t.Errorf("error %v is not a *cli.FlagError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := parsed{Want: got.Want, Router: got.Router, Host: got.Target.Host.Host, PeerAS: got.PeerAS, FilterID: got.FilterID,
				Match: got.Match, DryRun: got.DryRun, NoSave: got.NoSave, VerifyTimeout: got.VerifyTimeout,
				LockWait: got.LockWait, StateDir: got.StateDir, RollbackIn: got.RollbackIn, AllowRestart: got.AllowRestart, Quiet: got.Quiet}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
			if !got.Target.Admin {
				t.Error("Target.Admin = false, want true: tunnel commands enter administrator mode")
			}
		})
	}
}

func TestChangeErrorMessage(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			name: "before any change",
			err:  newChangeError("r1", rtx.TunnelOn, "connect", cause),
			want: "tunnel on at r1: connect: boom; router: running unchanged, saved unchanged",
		},
		{
			name: "apply error",
			err: newChangeError("r1", rtx.TunnelOff, "apply", &rtx.ApplyError{Want: rtx.TunnelOff, Step: "configure",
				Command: "no bgp import filter 2", Running: "reverted", Saved: "unchanged", Err: cause}),
			want: `tunnel off at r1: configure "no bgp import filter 2" failed: boom; router: running reverted, saved unchanged`,
		},
		{
			name: "verification error with a failed revert",
			err: newChangeError("r1", rtx.TunnelOn, "apply", &rtx.VerificationError{Want: rtx.TunnelOn, Reason: "bgp neighbor 10.0.0.4 is Active",
				Running: "unknown", Saved: "unchanged", Err: cause, RevertErr: errors.New("gone")}),
			want: "tunnel on at r1: verification failed: bgp neighbor 10.0.0.4 is Active: boom; undoing the change failed: gone; router: running unknown, saved unchanged",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
			if !errors.Is(tt.err, cause) {
				t.Errorf("errors.Is(%v, cause) = false", tt.err)
			}
		})
	}
}
