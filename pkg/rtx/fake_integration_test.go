// The fake-router helpers of the in-package tests (package rtx): every
// integration test here starts the fake with startFake (or rtxtest.NewServer
// for a scenario of its own) and logs in with dialFake, dialFakeConsole or
// Dial(fakeConfig). The external tests (package rtx_test) have theirs in
// fake_test.go.

package rtx

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// startFake starts a fake router whose neighbors re-establish quickly.
func startFake(t *testing.T, edit func(*rtxtest.Scenario)) *rtxtest.Server {
	t.Helper()
	sc := rtxtest.DefaultScenario()
	sc.BGP.EstablishDelay = 50 * time.Millisecond
	if edit != nil {
		edit(sc)
	}
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)
	return srv
}

// integrationContext bounds an integration test so that a hang fails
// instead of stalling.
func integrationContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// fakeConfig returns the settings that log into srv over the transport as
// the scenario's user, trusting its host key.
func fakeConfig(t *testing.T, srv *rtxtest.Server, transport string) Config {
	t.Helper()
	known := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(known, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Transport: transport, Addr: srv.SSHAddr(), User: "rtxctl", Password: "rtxctl-login", AdminPassword: "rtxctl-admin"}
	if transport == "telnet" {
		cfg.Addr = srv.TelnetAddr()
	}
	cfg.SSH.KnownHostsFile = known
	return cfg
}

// dialFake logs into srv over the transport and enters administrator mode.
func dialFake(t *testing.T, ctx context.Context, srv *rtxtest.Server, transport string) *Client {
	t.Helper()
	return dialFakeConsole(t, ctx, srv, transport, false, true)
}

// dialFakeConsole logs into srv over the transport, leaving the console
// lines and columns alone when leaveConsole, and enters administrator mode
// when admin.
func dialFakeConsole(t *testing.T, ctx context.Context, srv *rtxtest.Server, transport string, leaveConsole, admin bool) *Client {
	t.Helper()
	cfg := fakeConfig(t, srv, transport)
	cfg.LeaveConsole = leaveConsole
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial(%s): %v", transport, err)
	}
	t.Cleanup(func() { c.Close() })
	if admin {
		if err := c.Administrator(ctx); err != nil {
			t.Fatalf("Administrator: %v", err)
		}
	}
	return c
}
