package inventory

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/config"
)

// secretWarning is the warning for a password variable set in where.
func secretWarning(name, where string) string {
	return name + " (set in " + where + ") is ignored: rtxctl never takes a password from an inventory; " +
		"give the login and administrator passwords in password_file and admin_password_file in config.yaml, " +
		"in the RTXCTL_PASSWORD and RTXCTL_ADMIN_PASSWORD environment variables, or at the prompt"
}

func TestLoadBranches(t *testing.T) {
	t.Parallel()
	want := &Result{
		Config: &config.Config{
			Routers: map[string]config.Host{
				"rtx-tokyo":    {Name: "rtx-tokyo", Host: "192.0.2.1", User: "admin", PeerAS: 65521},
				"rtx-yokohama": {Name: "rtx-yokohama", Host: "192.0.2.2", Port: 2222, User: "admin", PeerAS: 65521},
				"rtx-osaka-a":  {Name: "rtx-osaka-a", Host: "rtx-osaka-a", User: "netops"},
				"rtx-osaka-b":  {Name: "rtx-osaka-b", Host: "rtx-osaka-b", User: "netops"},
			},
			Groups: groups(map[string][]string{
				"kanto":      {"rtx-tokyo", "rtx-yokohama"},
				"kansai":     {"rtx-osaka-a", "rtx-osaka-b"},
				"osaka_pair": {"rtx-osaka-a", "rtx-osaka-b"},
				"pairs":      {"rtx-osaka-a", "rtx-osaka-b"},
			}),
		},
		Warnings: []string{
			"host sw-core left out: ansible_network_os cisco.ios.ios is not a YAMAHA RTX",
			"host awx.example.jp left out: ansible_connection local does not reach a router over SSH",
			secretWarning("ansible_become_password", "group all"),
			secretWarning("ansible_password", "group all"),
		},
	}
	for _, path := range []string{"testdata/branches.yml", "testdata/branches.ini"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			got, err := Load(path, FormatAuto, Options{})
			if err != nil {
				t.Fatalf("Load(%s) error = %v", path, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load(%s) mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		format    Format
		opts      Options
		in        string
		want      map[string]config.Host // nil: no router expected
		wantGroup map[string][]string
		wantWarn  []string
	}{
		{
			name:   "ini ungrouped, host port, ranges with step",
			format: FormatINI,
			in:     "lab:2222 ansible_user=lab\nrtx[01:05:2].example.jp\n",
			want: map[string]config.Host{
				"lab":              {Name: "lab", Host: "lab", Port: 2222, User: "lab"},
				"rtx01.example.jp": {Name: "rtx01.example.jp", Host: "rtx01.example.jp"},
				"rtx03.example.jp": {Name: "rtx03.example.jp", Host: "rtx03.example.jp"},
				"rtx05.example.jp": {Name: "rtx05.example.jp", Host: "rtx05.example.jp"},
			},
		},
		{
			name:   "yaml precedence: child group over parent, host over group",
			format: FormatYAML,
			in: `all:
  vars: {ansible_user: a, ansible_port: 1022}
  children:
    japan:
      vars: {ansible_user: b, rtxctl_filter_id: 3}
      children:
        tokyo:
          vars: {ansible_user: c}
          hosts:
            r1:
            r2: {ansible_user: d, rtxctl_filter_id: 4}
`,
			want: map[string]config.Host{
				"r1": {Name: "r1", Host: "r1", Port: 1022, User: "c", FilterID: 3},
				"r2": {Name: "r2", Host: "r2", Port: 1022, User: "d", FilterID: 4},
			},
			wantGroup: map[string][]string{"japan": {"r1", "r2"}, "tokyo": {"r1", "r2"}},
		},
		{
			name:      "ini child vars over parent vars whatever the order in the file",
			format:    FormatINI,
			in:        "[tokyo:vars]\nansible_user=child\n[japan:vars]\nansible_user=parent\n[japan:children]\ntokyo\n[tokyo]\nr1\n",
			want:      map[string]config.Host{"r1": {Name: "r1", Host: "r1", User: "child"}},
			wantGroup: map[string][]string{"japan": {"r1"}, "tokyo": {"r1"}},
		},
		{
			name:   "old variable names, key file, rtxctl settings",
			format: FormatINI,
			in:     "r1 ansible_ssh_host=192.0.2.9 ansible_ssh_port=23 ansible_ssh_user=op ansible_ssh_private_key_file=~/.ssh/rtx rtxctl_transport=telnet rtxctl_match=equal rtxctl_legacy_ssh_algorithms=yes rtxctl_password_file='/secrets/r1 login'\n",
			want: map[string]config.Host{"r1": {
				Name: "r1", Host: "192.0.2.9", Port: 23, User: "op", Identity: []string{"~/.ssh/rtx"}, Transport: "telnet",
				Match: "equal", LegacySSHAlgorithms: true, PasswordFile: "/secrets/r1 login",
			}},
		},
		{
			name:      "a redundant pair set on its Ansible group",
			format:    FormatINI,
			in:        "[osaka]\nr1\nr2\n[osaka:vars]\nrtxctl_pair=osaka-pair\n",
			want:      map[string]config.Host{"r1": {Name: "r1", Host: "r1", Pair: "osaka-pair"}, "r2": {Name: "r2", Host: "r2", Pair: "osaka-pair"}},
			wantGroup: map[string][]string{"osaka": {"r1", "r2"}},
		},
		{
			name:   "ipv6 with port",
			format: FormatYAML,
			in:     "all:\n  hosts:\n    \"[2001:db8::1]:2222\":\n    \"2001:db8::2\":\n",
			want: map[string]config.Host{
				"2001:db8::1": {Name: "2001:db8::1", Host: "2001:db8::1", Port: 2222},
				"2001:db8::2": {Name: "2001:db8::2", Host: "2001:db8::2"},
			},
		},
		{
			name:      "limited to a group",
			format:    FormatINI,
			opts:      Options{Groups: []string{"kansai"}},
			in:        "[kanto]\nr1\n[kansai]\nr2\n[west:children]\nkansai\n",
			want:      map[string]config.Host{"r2": {Name: "r2", Host: "r2"}},
			wantGroup: map[string][]string{"kansai": {"r2"}, "west": {"r2"}},
		},
		{
			name:     "password on a host line",
			format:   FormatINI,
			in:       "r1 ansible_ssh_pass=secret\n",
			want:     map[string]config.Host{"r1": {Name: "r1", Host: "r1"}},
			wantWarn: []string{secretWarning("ansible_ssh_pass", "host r1")},
		},
		{
			name:     "vault password is only a warning",
			format:   FormatYAML,
			in:       "all:\n  hosts:\n    r1:\n      ansible_password: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6135\n",
			want:     map[string]config.Host{"r1": {Name: "r1", Host: "r1"}},
			wantWarn: []string{secretWarning("ansible_password", "host r1")},
		},
		{
			name:   "values that look like numbers or booleans stay strings",
			format: FormatYAML,
			in:     "all:\n  hosts:\n    r1: {ansible_host: 1e3, ansible_user: 0123, rtxctl_known_hosts: yes}\n",
			want:   map[string]config.Host{"r1": {Name: "r1", Host: "1e3", User: "0123", KnownHosts: "yes"}},
		},
		{name: "empty", format: FormatYAML, in: ""},
		{name: "auto detects ini", format: FormatAuto, in: "[g]\nr1\n", want: map[string]config.Host{"r1": {Name: "r1", Host: "r1"}}, wantGroup: map[string][]string{"g": {"r1"}}},
		{name: "auto detects yaml", format: FormatAuto, in: "g:\n  hosts: {r1: }\n", want: map[string]config.Host{"r1": {Name: "r1", Host: "r1"}}, wantGroup: map[string][]string{"g": {"r1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse([]byte(tt.in), tt.format, tt.opts)
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			want := &Result{Config: &config.Config{Routers: tt.want, Groups: groups(tt.wantGroup)}, Warnings: tt.wantWarn}
			if want.Config.Routers == nil {
				want.Config.Routers = map[string]config.Host{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		format  Format
		opts    Options
		in      string
		wantErr string // a phrase of the message for the operator
		wantIs  error
	}{
		{name: "vault host", format: FormatYAML, in: "all:\n  hosts:\n    r1:\n      ansible_host: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n", wantErr: "ansible_host is encrypted with Ansible Vault"},
		{name: "template host", format: FormatINI, in: "r1 ansible_host=\"{{ lookup('dig', 'r1') }}\"\n", wantErr: "ansible_host is a template"},
		{name: "list port", format: FormatYAML, in: "all:\n  hosts:\n    r1: {ansible_port: [1, 2]}\n", wantErr: "ansible_port: want a single value"},
		{name: "bad port", format: FormatINI, in: "r1 ansible_port=70000\n", wantErr: "port 70000 out of range"},
		{name: "port not a number", format: FormatINI, in: "r1 ansible_port=ssh\n", wantErr: `host r1: ansible_port "ssh": want a number`},
		{name: "bad boolean", format: FormatINI, in: "r1 rtxctl_insecure_ignore_host_key=maybe\n", wantErr: "want true or false"},
		{name: "bad transport", format: FormatINI, in: "r1 rtxctl_transport=serial\n", wantErr: `transport "serial"`},
		{name: "unknown rtxctl variable", format: FormatINI, in: "r1 rtxctl_peeras=65521\n", wantErr: "unknown variable rtxctl_peeras"},
		{name: "ini bad section", format: FormatINI, in: "[g]\nr1\n[g:hostvars]\n", wantErr: "line 3"},
		{name: "ini vars line", format: FormatINI, in: "[g:vars]\nansible_user\n", wantErr: "want NAME=VALUE"},
		{name: "ini unclosed quote", format: FormatINI, in: "r1 ansible_user='op\n", wantErr: "unclosed quote"},
		{name: "ini bad range", format: FormatINI, in: "rtx[05:01]\n", wantErr: "host range"},
		{name: "huge range", format: FormatINI, in: "rtx[0:99999999]\n", wantErr: "more than 10000 hosts"},
		{name: "yaml unknown key", format: FormatYAML, in: "all:\n  host:\n    r1:\n", wantErr: `unknown key "host"`},
		{name: "yaml group not a mapping", format: FormatYAML, in: "all: [r1]\n", wantErr: "want a mapping"},
		{name: "yaml top not a mapping", format: FormatYAML, in: "- r1\n", wantErr: "want a mapping of groups"},
		{name: "unknown group", format: FormatINI, opts: Options{Groups: []string{"kyushu"}}, in: "[g]\nr1\n", wantIs: ErrUnknownGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.in), tt.format, tt.opts)
			var invErr *Error
			if !errors.As(err, &invErr) {
				t.Fatalf("Parse(%q) error = %v, want *Error", tt.in, err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Parse(%q) error = %v, want %v", tt.in, err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %q, want it to say %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	t.Parallel()
	_, err := Load("testdata/missing.ini", FormatAuto, Options{})
	var invErr *Error
	if !errors.As(err, &invErr) || invErr.Path != "testdata/missing.ini" {
		t.Errorf("Load(missing) error = %v, want *Error naming the file", err)
	}
}

// TestLoadFakertxFleet imports the inventories fakertx --routers writes (the
// golden files of internal/fakertx): they give the same routers and groups
// as the config.yaml written beside them.
func TestLoadFakertxFleet(t *testing.T) {
	t.Parallel()
	want, err := config.Load("../fakertx/testdata/fleet/config.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"../fakertx/testdata/fleet/inventory.yml", "../fakertx/testdata/fleet/inventory.ini"} {
		got, err := Load(path, FormatAuto, Options{})
		if err != nil {
			t.Fatalf("Load(%s) error = %v", path, err)
		}
		if diff := cmp.Diff(&Result{Config: want}, got); diff != "" {
			t.Errorf("Load(%s) mismatch with config.yaml (-want +got):\n%s", path, diff)
		}
	}
}

// groups returns the config groups (not atomic) of the given members.
func groups(members map[string][]string) map[string]config.Group {
	if members == nil {
		return nil
	}
	out := make(map[string]config.Group, len(members))
	for name, m := range members {
		out[name] = config.Group{Routers: m}
	}
	return out
}
