// The fake-router helpers of the rtx_test package: every test here that
// talks to a router starts one with newServer and logs in with dial over
// clientConfig. (The in-package tests, package rtx, have theirs in
// fake_integration_test.go: startFake, fakeConfig and dialFake.)

package rtx_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// Credentials of rtxtest.DefaultScenario.
const (
	loginUser     = "rtxctl"
	loginPassword = "rtxctl-login"
	adminPassword = "rtxctl-admin"
)

var transports = []string{"ssh", "telnet"}

// newServer starts a fake router for sc (the default scenario changed by
// edit, which may be nil).
func newServer(t testing.TB, edit func(*rtxtest.Scenario)) *rtxtest.Server {
	t.Helper()
	sc := rtxtest.DefaultScenario()
	if edit != nil {
		edit(sc)
	}
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)
	return srv
}

// clientConfig returns a Config for srv over tr that trusts the fake's host
// key.
func clientConfig(t testing.TB, srv *rtxtest.Server, tr string) rtx.Config {
	t.Helper()
	cfg := rtx.Config{Transport: tr, User: loginUser, Password: loginPassword, AdminPassword: adminPassword}
	cfg.Addr = srv.SSHAddr()
	if tr == "telnet" {
		cfg.Addr = srv.TelnetAddr()
	}
	cfg.SSH.KnownHostsFile = writeKnownHosts(t, srv.KnownHostsLine())
	return cfg
}

func writeKnownHosts(t testing.TB, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// testContext bounds a test so that a hang fails instead of stalling.
func testContext(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t testing.TB, cfg rtx.Config) *rtx.Client {
	t.Helper()
	c, err := rtx.Dial(testContext(t), cfg)
	if err != nil {
		t.Fatalf("Dial(%s %s): %v", cfg.Transport, cfg.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func mustRun(t *testing.T, c *rtx.Client, cmd string) string {
	t.Helper()
	out, err := c.Run(testContext(t), cmd)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	return out
}

func mustAdmin(t *testing.T, c *rtx.Client) {
	t.Helper()
	if err := c.Administrator(testContext(t)); err != nil {
		t.Fatalf("Administrator: %v", err)
	}
}

const (
	forcedFilter = "bgp import filter 2 include 0.0.0.0/0"
	bgpConfig    = "bgp use on\nbgp autonomous-system 65530\nbgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 ignore-capability=on\nbgp router id 192.168.100.1\nbgp import filter 1 equal 192.168.100.0/24\nbgp import 65521 static filter 1\n"
)
