package rollback

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

func TestNewCmdRollback(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1", PeerAS: 65521}}}
	type parsed struct {
		Router, Host string
		PeerAS, To   int
		Expired      bool
		Verify       time.Duration
	}
	tests := []struct {
		name     string
		args     string
		want     parsed
		wantFlag bool
	}{
		{name: "pending", args: "tokyo", want: parsed{Router: "tokyo", Host: "192.0.2.1", PeerAS: 65521, Verify: rtx.DefaultVerifyTimeout}},
		{name: "to", args: "--host 127.0.0.1 --to 3 --verify-timeout 5s", want: parsed{Host: "127.0.0.1", To: 3, Verify: 5 * time.Second}},
		{name: "expired", args: "--expired -v", want: parsed{Expired: true, Verify: rtx.DefaultVerifyTimeout}},
		{name: "expired with router", args: "tokyo --expired", wantFlag: true},
		{name: "expired with host", args: "--expired --host 127.0.0.1", wantFlag: true},
		{name: "expired and to", args: "--expired --to 1", wantFlag: true},
		{name: "negative to", args: "tokyo --to -1", wantFlag: true},
		{name: "dry run without to", args: "tokyo --dry-run", wantFlag: true},
		{name: "bad verify timeout", args: "tokyo --verify-timeout 0s", wantFlag: true},
		{name: "no router", args: "", wantFlag: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := clitest.Execute(clitest.NewFactory(cfg, t.TempDir()), NewCmdRollback, strings.Fields(tt.args))
			if !clitest.CheckUsage(t, err, tt.wantFlag) {
				return
			}
			p := parsed{Router: got.Router, Host: got.Target.Host.Host, PeerAS: got.Target.PeerAS, To: got.To, Expired: got.Expired, Verify: got.VerifyTimeout}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunWithoutRouter covers the cases rollback decides from the journal
// alone: nothing pending, nothing due, and the pending entry of an
// interrupted run, which the router's session rollback timer undoes. It
// must not connect.
func TestRunWithoutRouter(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		expired   bool
		pending   bool
		now       time.Time
		wantIs    error
		wantState state.State
		wantOut   string
		wantErr   string
	}{
		{name: "nothing pending", now: deadline, wantErr: "nothing to roll back at 127.0.0.1: no pending change\n"},
		{name: "timer armed", pending: true, now: deadline.Add(-time.Second), wantIs: pending.ErrTimer, wantState: state.StatePending},
		{name: "timer fired", pending: true, now: deadline, wantState: state.StateExpiredReverted,
			wantErr: "nothing to roll back at 127.0.0.1: the router's rollback timer restored the configuration from before tunnel-off (journal entry 1)\n"},
		{name: "cron: nothing pending", expired: true, now: deadline},
		{name: "cron: not due", expired: true, pending: true, now: deadline.Add(-time.Second), wantState: state.StatePending},
		{name: "cron: timer fired", expired: true, pending: true, now: deadline, wantState: state.StateExpiredReverted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, errOut := iostreams.Test()
			dir := t.TempDir()
			store := &state.Store{Root: dir}
			if tt.pending {
				clitest.AppendInterrupted(t, store, "127.0.0.1", state.ActionTunnelOff, deadline)
			}
			opts := &Options{
				RouterOptions: cli.RouterOptions{IO: ios, Connect: clitest.RefuseConnect(t), Now: func() time.Time { return tt.now }},
				Log:           cli.LogOptions{File: filepath.Join(dir, "rtxctl.log")},
				Expired:       tt.expired,
				StateDir:      dir,
			}
			if !tt.expired {
				opts.Target = cli.Target{Host: config.Host{Host: "127.0.0.1"}, Admin: true}
			}
			err := run(t.Context(), opts)
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("error = %v, want %v", err, tt.wantIs)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
			if tt.wantIs == nil {
				if diff := cmp.Diff(tt.wantErr, errOut.String()); diff != "" {
					t.Errorf("stderr mismatch (-want +got):\n%s", diff)
				}
			}
			if !tt.pending {
				return
			}
			clitest.CheckEntryState(t, store, "127.0.0.1", 1, tt.wantState)
		})
	}
}

func TestRecordTarget(t *testing.T) {
	t.Parallel()
	recorded := config.Host{Host: "127.0.0.1", Port: 2222, Transport: "ssh", User: "admin", PasswordFile: "/old/pw", AdminPasswordFile: "/old/apw"}
	cfg := &config.Config{Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1", PasswordFile: "/new/pw"}}}
	tests := []struct {
		name   string
		router string
		cfg    *config.Config
		want   config.Host
	}{
		{name: "flags only", cfg: cfg, want: recorded},
		{name: "no config file", router: "tokyo", want: recorded},
		{name: "router gone", router: "osaka", cfg: cfg, want: recorded},
		{name: "config file passwords", router: "tokyo", cfg: cfg,
			want: config.Host{Host: "127.0.0.1", Port: 2222, Transport: "ssh", User: "admin", PasswordFile: "/new/pw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := &Options{Config: tt.cfg}
			opts.Conn.Timeout = time.Second
			got := recordTarget(opts, &pending.Record{Router: tt.router, Conn: recorded})
			want := cli.Target{Host: tt.want, Admin: true, Timeout: time.Second}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("recordTarget mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
