package show

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

func TestShowRun(t *testing.T) {
	t.Parallel()
	sc := rtxtest.DefaultScenario()
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, sshPort, _ := net.SplitHostPort(srv.SSHAddr())
	_, telnetPort, _ := net.SplitHostPort(srv.TelnetAddr())
	user := sc.Users[0]
	ssh := []string{"--host", "127.0.0.1", "--port", sshPort, "--user", user.Name, "--known-hosts", knownHosts}
	telnet := []string{"--host", "127.0.0.1", "--port", telnetPort, "--transport", "telnet"}
	args := func(conn []string, rest ...string) []string { return append(slices.Clone(conn), rest...) }

	tests := []struct {
		name         string
		args         []string
		env          map[string]string
		wantOut      []string // lines stdout must contain
		wantNotOut   []string // text stdout must not contain
		wantErr      any      // pointer to the error type expected, for errors.As
		wantErrIs    error
		wantCommands []string // commands the router must have received, in order
	}{
		{
			name:         "ssh show config",
			args:         args(ssh, "--", "show", "config"),
			env:          map[string]string{cli.PasswordEnv: user.Password},
			wantOut:      []string{"bgp use on", "bgp import 65521 static filter 1"},
			wantNotOut:   []string{"show config", "> "},
			wantCommands: []string{"show config"},
		},
		{
			name:         "telnet grep in administrator mode as json",
			args:         args(telnet, "--admin", "-o", "json", "--", "show config | grep bgp"),
			env:          map[string]string{cli.PasswordEnv: sc.LoginPassword, cli.AdminPasswordEnv: sc.AdminPassword},
			wantOut:      []string{`  "command": "show config | grep bgp",`},
			wantNotOut:   []string{"Searching"},
			wantCommands: []string{"administrator", "show config | grep bgp"},
		},
		{
			name:    "wrong login password",
			args:    args(ssh, "--", "show", "config"),
			env:     map[string]string{cli.PasswordEnv: "wrong"},
			wantErr: new(*transport.AuthError),
		},
		{
			name:      "wrong administrator password",
			args:      args(ssh, "--admin", "--", "show", "config"),
			env:       map[string]string{cli.PasswordEnv: user.Password, cli.AdminPasswordEnv: "wrong"},
			wantErrIs: driver.ErrBadPassword,
		},
		{
			name:    "refused command",
			args:    args(telnet, "--", "show", "bogus"),
			env:     map[string]string{cli.PasswordEnv: sc.LoginPassword},
			wantErr: new(*driver.CommandError),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the router's command log is shared.
			ios, _, out, _ := iostreams.Test()
			f := cli.NewFactory()
			f.IO = ios
			f.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			f.LookupEnv = func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			before := len(srv.Router.Commands())

			cmd := NewCmdShow(f, nil)
			cmd.SetArgs(tt.args)
			err := cmd.ExecuteContext(t.Context())

			switch {
			case tt.wantErr != nil:
				if !errors.As(err, tt.wantErr) {
					t.Fatalf("show %q: error = %v, want %T", tt.args, err, tt.wantErr)
				}
				return
			case tt.wantErrIs != nil:
				if !errors.Is(err, tt.wantErrIs) {
					t.Fatalf("show %q: error = %v, want %v", tt.args, err, tt.wantErrIs)
				}
				return
			case err != nil:
				t.Fatalf("show %q: error = %v", tt.args, err)
			}
			for _, want := range tt.wantOut {
				if !slices.Contains(strings.Split(out.String(), "\n"), want) {
					t.Errorf("show %q: stdout lacks line %q:\n%s", tt.args, want, out)
				}
			}
			for _, notWant := range tt.wantNotOut {
				if strings.Contains(out.String(), notWant) {
					t.Errorf("show %q: stdout contains %q:\n%s", tt.args, notWant, out)
				}
			}
			var got []string
			for _, c := range srv.Router.Commands()[before:] {
				if slices.Contains(tt.wantCommands, c) {
					got = append(got, c)
				}
			}
			if diff := cmp.Diff(tt.wantCommands, got); diff != "" {
				t.Errorf("show %q: router commands mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}
