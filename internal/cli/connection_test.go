package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

func TestConnectionOptionsTarget(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{
		"tokyo":  {Name: "tokyo", Host: "127.0.0.1", Port: 2222, User: "admin", PasswordFile: "/cfg/pw", PeerAS: 65521},
		"osaka":  {Name: "osaka", Transport: "telnet", Host: "::1"},
		"nohost": {Name: "nohost"},
	}}
	defaults := config.Host{Transport: "ssh", KnownHosts: "~/.ssh/known_hosts", Encoding: "auto"}
	with := func(h config.Host) config.Host {
		if h.Transport == "" {
			h.Transport = defaults.Transport
		}
		h.KnownHosts, h.Encoding = defaults.KnownHosts, defaults.Encoding
		return h
	}
	tests := []struct {
		name      string
		args      []string
		router    string
		admin     bool
		want      Target
		wantUsage bool
	}{
		{
			name: "flags only",
			args: []string{"--host", "127.0.0.1", "--user", "op", "--identity", "a", "--identity", "b"},
			want: Target{Host: with(config.Host{Host: "127.0.0.1", Port: 22, User: "op", Identity: []string{"a", "b"}}), Timeout: DefaultTimeout},
		},
		{
			name: "telnet default port",
			args: []string{"--host", "127.0.0.1", "--transport", "telnet", "--timeout", "5s", "--debug"},
			want: Target{Host: with(config.Host{Host: "127.0.0.1", Port: 23, Transport: "telnet"}), Timeout: 5 * time.Second, Debug: true},
		},
		{
			name:   "router from config",
			router: "tokyo", admin: true,
			want: Target{Host: with(config.Host{Name: "tokyo", Host: "127.0.0.1", Port: 2222, User: "admin", PasswordFile: "/cfg/pw", PeerAS: 65521}), Admin: true, Timeout: DefaultTimeout},
		},
		{
			name:   "flags override config",
			router: "tokyo",
			args:   []string{"--port", "2200", "--user", "other", "--password-file", "/flag/pw", "--accept-new-host-key"},
			want:   Target{Host: with(config.Host{Name: "tokyo", Host: "127.0.0.1", Port: 2200, User: "other", PasswordFile: "/flag/pw", PeerAS: 65521}), Timeout: DefaultTimeout, AcceptNewHostKey: true},
		},
		{
			name:   "config transport kept when flag not given",
			router: "osaka",
			want:   Target{Host: with(config.Host{Name: "osaka", Host: "::1", Port: 23, Transport: "telnet"}), Timeout: DefaultTimeout},
		},
		{
			name: "max output",
			args: []string{"--host", "127.0.0.1", "--max-output", "1MiB"},
			want: Target{Host: with(config.Host{Host: "127.0.0.1", Port: 22}), Timeout: DefaultTimeout, MaxOutput: 1 << 20},
		},
		{name: "no host", wantUsage: true},
		{name: "router without host", router: "nohost", wantUsage: true},
		{name: "unknown router", router: "kyoto", wantUsage: true},
		{name: "bad transport", args: []string{"--host", "h", "--transport", "serial"}, wantUsage: true},
		{name: "bad encoding", args: []string{"--host", "h", "--encoding", "latin1"}, wantUsage: true},
		{name: "bad output", args: []string{"--host", "h", "-o", "yaml"}, wantUsage: true},
		{name: "bad port", args: []string{"--host", "h", "--port", "70000"}, wantUsage: true},
		{name: "bad timeout", args: []string{"--host", "h", "--timeout", "0s"}, wantUsage: true},
		{name: "conflicting host key flags", args: []string{"--host", "h", "--accept-new-host-key", "--insecure-ignore-host-key"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts ConnectionOptions
			cmd := &cobra.Command{Use: "x"}
			opts.AddFlags(cmd)
			if err := cmd.Flags().Parse(tt.args); err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.args, err)
			}
			got, err := opts.Target(cfg, tt.router, tt.admin)
			var flagErr *FlagError
			if tt.wantUsage != errors.As(err, &flagErr) {
				t.Fatalf("Target() error = %v, want usage error: %v", err, tt.wantUsage)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Target(%q, %q) mismatch (-want +got):\n%s", tt.router, tt.args, diff)
			}
		})
	}
}

func TestTargetAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		port int
		want string
	}{
		{"127.0.0.1", 22, "127.0.0.1:22"},
		{"::1", 23, "[::1]:23"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			got := Target{Host: config.Host{Host: tt.host, Port: tt.port}}.Addr()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Addr() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConnectionOptionsOpenTranscript(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "session.log")
	opts := ConnectionOptions{TranscriptFile: path}
	errDial := errors.New("dial failed")
	var gotTranscript bool
	connect := func(_ context.Context, tg Target) (*rtx.Client, error) {
		gotTranscript = tg.Transcript != nil
		return nil, errDial
	}
	if _, _, err := opts.Open(t.Context(), connect, Target{}); !errors.Is(err, errDial) {
		t.Fatalf("Open() error = %v, want %v", err, errDial)
	}
	if !gotTranscript {
		t.Errorf("Open() passed no transcript writer to connect")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("transcript not created: %v", err)
	}
	if diff := cmp.Diff(os.FileMode(0o600), st.Mode().Perm()); diff != "" {
		t.Errorf("transcript mode mismatch (-want +got):\n%s", diff)
	}
}
