package show

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
)

func TestNewCmdShow(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{
		"tokyo": {Name: "tokyo", Host: "127.0.0.1", Port: 2222, User: "admin"},
	}}
	type parsed struct {
		Router, Command string
		Admin           bool
		Output          string
		Target          cli.Target
	}
	target := func(h config.Host, admin bool) cli.Target {
		if h.Transport == "" {
			h.Transport = "ssh"
		}
		h.KnownHosts, h.Encoding = "~/.ssh/known_hosts", "auto"
		return cli.Target{Host: h, Admin: admin, Timeout: cli.DefaultTimeout, ReadOnly: true}
	}
	tests := []struct {
		name      string
		args      []string
		want      parsed
		wantUsage bool
	}{
		{
			name: "host flag",
			args: []string{"--host", "127.0.0.1", "--", "show", "config"},
			want: parsed{Command: "show config", Output: "text", Target: target(config.Host{Host: "127.0.0.1", Port: 22}, false)},
		},
		{
			name: "router and admin",
			args: []string{"tokyo", "--admin", "-o", "json", "--", "show config | grep bgp"},
			want: parsed{Router: "tokyo", Command: "show config | grep bgp", Admin: true, Output: "json",
				Target: target(config.Host{Name: "tokyo", Host: "127.0.0.1", Port: 2222, User: "admin"}, true)},
		},
		{
			name: "dashes inside the router command are not flags",
			args: []string{"--host", "127.0.0.1", "--transport", "telnet", "--", "show", "log", "-x"},
			want: parsed{Command: "show log -x", Output: "text", Target: target(config.Host{Host: "127.0.0.1", Port: 23, Transport: "telnet"}, false)},
		},
		{name: "missing dash", args: []string{"--host", "h", "show", "config"}, wantUsage: true},
		{name: "nothing after dash", args: []string{"--host", "h", "--"}, wantUsage: true},
		{name: "two routers", args: []string{"a", "b", "--", "show", "config"}, wantUsage: true},
		{name: "not a show command", args: []string{"--host", "h", "--", "save"}, wantUsage: true},
		{name: "no host", args: []string{"--", "show", "config"}, wantUsage: true},
		{name: "unknown router", args: []string{"kyoto", "--", "show", "config"}, wantUsage: true},
		{name: "unknown flag", args: []string{"--bogus", "--", "show", "config"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := clitest.Execute(clitest.NewFactory(cfg, ""), NewCmdShow, tt.args)
			if !clitest.CheckUsage(t, err, tt.wantUsage) {
				return
			}
			p := parsed{Router: got.Router, Command: got.Command, Admin: got.Admin, Output: got.Conn.Output, Target: got.Target}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("show %q mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestValidateCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		ok   bool
	}{
		{"show config", true},
		{"SHOW config", true},
		{"show config | grep bgp", true},
		{"show config | grep -i bgp | grep import", true},
		{`show config | grep a\>b`, true},
		{`show config | grep \?`, true},
		{"show status bgp neighbor 10.0.0.4 advertised-routes", true},
		{"", false},
		{"save", false},
		{"showx config", false},
		{"administrator", false},
		{"show config | less", false},
		{"show config |", false},
		{"show config > usb1:config.txt", false},
		{"show config>usb1:a", false},
		{"show ?", false},
		{"show config\rsave", false},
		{"show config\nsave", false},
		{"show config\x03", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			t.Parallel()
			err := ValidateCommand(tt.line)
			if tt.ok {
				if err != nil {
					t.Errorf("ValidateCommand(%q) = %v, want nil", tt.line, err)
				}
				return
			}
			var flagErr *cli.FlagError
			if !errors.Is(err, ErrNotReadOnly) || !errors.As(err, &flagErr) {
				t.Errorf("ValidateCommand(%q) = %v, want a usage error wrapping ErrNotReadOnly", tt.line, err)
			}
		})
	}
}
