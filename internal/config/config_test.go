package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    *Config
		wantErr bool
	}{
		{name: "empty", in: "", want: &Config{}},
		{
			name: "full router",
			in: `routers:
  tokyo:
    host: 127.0.0.1
    port: 2222
    transport: telnet
    user: admin
    known_hosts: ~/.ssh/known_hosts
    identity: [~/.ssh/id_ed25519, /keys/rtx]
    legacy_ssh_algorithms: true
    insecure_ignore_host_key: true
    encoding: shift_jis
    password_file: /secrets/login
    admin_password_file: /secrets/admin
    peer_as: 65521
    filter_id: 3
    match: equal
`,
			want: &Config{Routers: map[string]Host{"tokyo": {
				Name: "tokyo", Host: "127.0.0.1", Port: 2222, Transport: "telnet", User: "admin",
				KnownHosts: "~/.ssh/known_hosts", Identity: []string{"~/.ssh/id_ed25519", "/keys/rtx"},
				LegacySSHAlgorithms: true, InsecureIgnoreHostKey: true, Encoding: "shift_jis",
				PasswordFile: "/secrets/login", AdminPasswordFile: "/secrets/admin", PeerAS: 65521,
				FilterID: 3, Match: "equal",
			}}},
		},
		{name: "unknown top-level field", in: "router:\n  a: {}\n", wantErr: true},
		{name: "unknown router field", in: "routers:\n  a:\n    hots: x\n", wantErr: true},
		{name: "bad transport", in: "routers:\n  a:\n    transport: serial\n", wantErr: true},
		{name: "bad encoding", in: "routers:\n  a:\n    encoding: latin1\n", wantErr: true},
		{name: "bad port", in: "routers:\n  a:\n    port: 70000\n", wantErr: true},
		{name: "bad peer_as", in: "routers:\n  a:\n    peer_as: -1\n", wantErr: true},
		{name: "bad filter_id", in: "routers:\n  a:\n    filter_id: -2\n", wantErr: true},
		{name: "bad match", in: "routers:\n  a:\n    match: refines\n", wantErr: true},
		{name: "not yaml", in: "routers: [", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("routers:\n  osaka:\n    host: 127.0.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("nope: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name      string
		path      string
		mustExist bool
		want      *Config
		wantErr   bool
	}{
		{name: "file", path: good, want: &Config{Routers: map[string]Host{"osaka": {Name: "osaka", Host: "127.0.0.1"}}}},
		{name: "missing default file", path: missing, want: &Config{}},
		{name: "missing explicit file", path: missing, mustExist: true, wantErr: true},
		{name: "invalid file", path: bad, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Load(tt.path, tt.mustExist)
			var cfgErr *Error
			if tt.wantErr != errors.As(err, &cfgErr) {
				t.Fatalf("Load(%q, %v) error = %v, want *Error: %v", tt.path, tt.mustExist, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load(%q) mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestRouter(t *testing.T) {
	t.Parallel()
	cfg := &Config{Routers: map[string]Host{"tokyo": {Name: "tokyo", Host: "127.0.0.1"}}}
	got, err := cfg.Router("tokyo")
	if err != nil {
		t.Fatalf("Router(tokyo) error = %v", err)
	}
	if diff := cmp.Diff(Host{Name: "tokyo", Host: "127.0.0.1"}, got); diff != "" {
		t.Errorf("Router(tokyo) mismatch (-want +got):\n%s", diff)
	}
	if _, err := cfg.Router("osaka"); !errors.Is(err, ErrUnknownRouter) {
		t.Errorf("Router(osaka) error = %v, want ErrUnknownRouter", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{name: "xdg", env: map[string]string{"XDG_CONFIG_HOME": "/xdg"}, want: "/xdg/rtxctl/config.yaml"},
		{name: "home", env: nil, want: "/home/op/.config/rtxctl/config.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := DefaultPath(func(k string) string { return tt.env[k] }, "/home/op")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DefaultPath() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandHome(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"~/.ssh/known_hosts", "/home/op/.ssh/known_hosts"},
		{"/etc/known_hosts", "/etc/known_hosts"},
		{"~other/file", "~other/file"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, ExpandHome(tt.in, "/home/op")); diff != "" {
				t.Errorf("ExpandHome(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestParseErrorMessages checks the words of a bad file's error: the line
// at fault and, for an unknown field, the valid ones; no Go type names.
func TestParseErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"unknown field", "routers:\n  a:\n    hots: x\n",
			`line 3: unknown field "hots" (valid fields: host, port, transport, user, known_hosts, identity, legacy_ssh_algorithms, ` +
				`insecure_ignore_host_key, encoding, password_file, admin_password_file, peer_as, filter_id, match, pair, azure)`},
		{"unknown top-level field", "router:\n  a: {}\n", `line 1: unknown field "router" (valid fields: ` + strings.Join(yamlFields(Config{}), ", ") + ")"},
		{"not a number", "routers:\n  a:\n    port: ssh\n", `line 3: "ssh" must be a whole number`},
		{"not a list", "routers:\n  a:\n    identity: key\n", `line 3: "key" must be a list`},
		{"indented one space too few", "routers:\n  a:\n    host: h\n   port: 22\n", "line 4: did not find expected key"},
		{"tab", "routers:\n  a:\n    host: h\n\tport: 22\n", "line 4: found a tab character that violates indentation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("Parse() succeeded, want an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Parse() error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
