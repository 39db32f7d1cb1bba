package confirm

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

func TestNewCmdConfirm(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1", User: "admin"}}}
	type parsed struct {
		Router, Host, User string
		Admin              bool
		LockWait           time.Duration
		Verbose            bool
	}
	tests := []struct {
		name     string
		args     string
		want     parsed
		wantFlag bool
	}{
		{name: "router", args: "tokyo", want: parsed{Router: "tokyo", Host: "192.0.2.1", User: "admin", Admin: true, LockWait: cli.DefaultLockWait}},
		{name: "flags", args: "--host 127.0.0.1 --lock-wait 5s -v", want: parsed{Host: "127.0.0.1", Admin: true, LockWait: 5 * time.Second, Verbose: true}},
		{name: "no router", args: "", wantFlag: true},
		{name: "negative lock wait", args: "tokyo --lock-wait -1s", wantFlag: true},
		{name: "two routers", args: "tokyo osaka", wantFlag: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			got, err := clitest.Execute(clitest.NewFactory(cfg, state), NewCmdConfirm, strings.Fields(tt.args))
			if !clitest.CheckUsage(t, err, tt.wantFlag) {
				return
			}
			p := parsed{Router: got.Router, Host: got.Target.Host.Host, User: got.Target.User, Admin: got.Target.Admin, LockWait: got.LockWait, Verbose: got.Log.Verbose}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
			if want := filepath.Join(state, "rtxctl"); got.StateDir != want {
				t.Errorf("StateDir = %q, want %q", got.StateDir, want)
			}
		})
	}
}

// TestRunWithoutRouter covers the cases confirm decides from the journal
// alone: it must not connect.
func TestRunWithoutRouter(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		pending   bool
		now       time.Time
		wantIs    error
		wantCode  int
		wantState state.State
		wantErr   string
	}{
		{name: "nothing pending", now: deadline, wantErr: "nothing to confirm at 127.0.0.1: no pending change"},
		{name: "timer armed", pending: true, now: deadline.Add(-time.Second), wantIs: pending.ErrTimer, wantCode: cli.ExitLocked, wantState: state.StatePending},
		{name: "timer fired", pending: true, now: deadline, wantIs: rtx.ErrAlreadyUndone, wantCode: cli.ExitUndone, wantState: state.StateExpiredReverted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, errOut := iostreams.Test()
			dir := t.TempDir()
			store := &state.Store{Root: dir}
			if tt.pending {
				clitest.AppendInterrupted(t, store, "127.0.0.1", state.ActionTunnelOn, deadline)
			}
			opts := &Options{
				RouterOptions: cli.RouterOptions{IO: ios, Connect: clitest.RefuseConnect(t), Now: func() time.Time { return tt.now }},
				Log:           cli.LogOptions{File: filepath.Join(dir, "rtxctl.log")},
				StateDir:      dir,
			}
			opts.Target = cli.Target{Host: config.Host{Host: "127.0.0.1"}, Admin: true}
			err := run(t.Context(), opts)
			if tt.wantIs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(errOut.String(), tt.wantErr) {
					t.Errorf("stderr = %q, want %q", errOut, tt.wantErr)
				}
				return
			}
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("error = %v, want %v", err, tt.wantIs)
			}
			// wantCode 0: no command-specific exit status.
			var exitErr *cli.ExitError
			gotCode := 0
			if errors.As(err, &exitErr) {
				gotCode = exitErr.Code
			}
			if gotCode != tt.wantCode {
				t.Errorf("command-specific exit status = %d, want %d", gotCode, tt.wantCode)
			}
			clitest.CheckEntryState(t, store, "127.0.0.1", 1, tt.wantState)
		})
	}
}
