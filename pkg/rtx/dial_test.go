package rtx_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

func TestDialErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario func(*rtxtest.Scenario)
		config   func(t *testing.T, cfg *rtx.Config, srv *rtxtest.Server)
		only     string
		check    func(t *testing.T, err error)
	}{
		{
			name:   "wrong login password",
			config: func(_ *testing.T, cfg *rtx.Config, _ *rtxtest.Server) { cfg.Password = "wrong" },
			check:  checkAuthError,
		},
		{
			name:     "wrong login password, silent",
			scenario: func(sc *rtxtest.Scenario) { sc.Variants.LoginFailure = "silent" },
			config:   func(_ *testing.T, cfg *rtx.Config, _ *rtxtest.Server) { cfg.Password = "wrong" },
			check:    checkAuthError,
		},
		{
			name:     "wrong anonymous password",
			only:     "telnet",
			scenario: func(sc *rtxtest.Scenario) { sc.Users = nil; sc.LoginPassword = "anon-pw" },
			config:   func(_ *testing.T, cfg *rtx.Config, _ *rtxtest.Server) { cfg.User = ""; cfg.Password = "wrong" },
			check:    checkAuthError,
		},
		{
			name: "unknown host key",
			only: "ssh",
			config: func(t *testing.T, cfg *rtx.Config, _ *rtxtest.Server) {
				cfg.SSH.KnownHostsFile = writeKnownHosts(t, "")
			},
			check: func(t *testing.T, err error) { checkHostKeyError(t, err, true) },
		},
		{
			name: "changed host key",
			only: "ssh",
			config: func(t *testing.T, cfg *rtx.Config, srv *rtxtest.Server) {
				host := strings.Fields(srv.KnownHostsLine())[0]
				cfg.SSH.KnownHostsFile = writeKnownHosts(t, host+" ssh-ed25519 "+otherKey)
			},
			check: func(t *testing.T, err error) { checkHostKeyError(t, err, false) },
		},
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				if tt.only != "" && tt.only != tr {
					continue
				}
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, tt.scenario)
					cfg := clientConfig(t, srv, tr)
					tt.config(t, &cfg, srv)
					c, err := rtx.Dial(testContext(t), cfg)
					if err == nil {
						c.Close()
						t.Fatal("Dial succeeded, want an error")
					}
					if strings.Contains(err.Error(), cfg.Password) {
						t.Errorf("error %q reveals the password", err)
					}
					tt.check(t, err)
				})
			}
		})
	}
}

// otherKey is an ed25519 public key that is not the fake's host key.
const otherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

func checkAuthError(t *testing.T, err error) {
	t.Helper()
	var ae *transport.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("Dial error = %v, want *transport.AuthError", err)
	}
	if errors.Is(err, rtx.ErrBadAdminPassword) {
		t.Errorf("Dial error = %v also matches ErrBadAdminPassword", err)
	}
}

func checkHostKeyError(t *testing.T, err error, unknown bool) {
	t.Helper()
	var he *transport.HostKeyError
	if !errors.As(err, &he) {
		t.Fatalf("Dial error = %v, want *transport.HostKeyError", err)
	}
	if he.Unknown != unknown {
		t.Errorf("HostKeyError.Unknown = %v, want %v", he.Unknown, unknown)
	}
}

func TestTrustOnFirstUse(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	cfg := clientConfig(t, srv, "ssh")
	cfg.SSH.KnownHostsFile = filepath.Join(t.TempDir(), "known_hosts")
	cfg.SSH.AcceptNewHostKey = true
	dial(t, cfg).Close()
	b, err := os.ReadFile(cfg.SSH.KnownHostsFile)
	if err != nil {
		t.Fatalf("known_hosts not written: %v", err)
	}
	if !strings.Contains(string(b), strings.Fields(srv.KnownHostsLine())[2]) {
		t.Errorf("known_hosts = %q, want the fake's key", b)
	}
	// The recorded key is now trusted without AcceptNewHostKey.
	cfg.SSH.AcceptNewHostKey = false
	dial(t, cfg)
}
