package root

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/lock"
	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"plain", errors.New("boom"), 1},
		{"flag error", cli.FlagErrorf("bad flag"), 2},
		{"wrapped flag error", fmt.Errorf("ctx: %w", cli.FlagErrorf("bad")), 2},
		{"config error", &config.Error{Path: "x", Err: errors.New("bad")}, 2},
		{"connection refused", fmt.Errorf("connect: %w", refused), 3},
		{"dns", &net.DNSError{Err: "no such host", Name: "router"}, 3},
		{"deadline", fmt.Errorf("run: %w", context.DeadlineExceeded), 3},
		{"host key", &transport.HostKeyError{Unknown: true}, 3},
		{"auth", fmt.Errorf("connect: %w", &transport.AuthError{User: "op"}), 4},
		{"auth wrapping a network error", &transport.AuthError{Err: refused}, 4},
		{"timeout", fmt.Errorf("run: %w", &channel.TimeoutError{Want: "> ", Err: context.DeadlineExceeded}), 3},
		{"admin password", &driver.PrivilegeError{From: "user", To: "admin", Err: driver.ErrBadPassword}, 4},
		{"privilege refused", &driver.PrivilegeError{From: "user", To: "admin", Err: &driver.CommandError{Command: "administrator"}}, 5},
		{"command refused", fmt.Errorf("run: %w", &driver.CommandError{Command: "show x", Message: "Error: Invalid command name"}), 5},
		{"verification failed and undone", &rtx.VerificationError{Reason: "no default route", Err: context.DeadlineExceeded}, 10},
		{"lock held", fmt.Errorf("tunnel on: %w", &lock.HeldError{Host: "tokyo"}), 6},
		{"lock wait interrupted", &lock.HeldError{Host: "tokyo", Err: context.Canceled}, 130},
		{"invalid option", fmt.Errorf("plan: %w", rtx.ErrInvalidOption), 2},
		{"filter in use", &rtx.FilterConflictError{ID: 2}, 2},
		{"exit error", &cli.ExitError{Code: cli.ExitLocked, Err: errors.New("locked")}, 6},
		{"cancelled", context.Canceled, 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, ExitCode(tt.err)); diff != "" {
				t.Errorf("ExitCode(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}

func TestExecute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		cancel     bool
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{
			name:     "usage error",
			args:     []string{"show", "--host", "127.0.0.1", "--", "save"},
			wantCode: 2,
			wantErrOut: "rtxctl: refusing \"save\": it does not start with \"show\": not a read-only show command\n" +
				"hint: run 'rtxctl show --help' for usage\n",
		},
		{
			name:     "usage error as json",
			args:     []string{"show", "-o", "json", "--", "show", "config"},
			wantCode: 2,
			wantOut:  `{"schema_version":1,"error":{"message":"no router given: use --host HOST or name a ROUTER from the config file","exit_code":2,"hint":"run 'rtxctl show --help' for usage"}}` + "\n",
		},
		{name: "unknown command", args: []string{"bogus"}, wantCode: 2, wantErrOut: "rtxctl: unknown command \"bogus\" for \"rtxctl\"\nhint: run 'rtxctl --help' for usage\n"},
		{name: "unknown flag", args: []string{"version", "--bogus"}, wantCode: 2, wantErrOut: "rtxctl: unknown flag: --bogus\nhint: run 'rtxctl version --help' for usage\n"},
		{name: "missing config file", args: []string{"show", "--config", "/nonexistent/rtxctl.yaml", "--host", "h", "--", "show", "config"}, wantCode: 2,
			wantErrOut: "rtxctl: config file /nonexistent/rtxctl.yaml: no such file or directory\n"},
		{name: "interrupted", args: []string{"show", "--host", "127.0.0.1", "--", "show", "config"}, cancel: true, wantCode: 130, wantErrOut: "rtxctl: interrupted\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, errOut := iostreams.Test()
			f := cli.NewFactory()
			f.IO = ios
			f.LookupEnv = func(k string) (string, bool) {
				return map[string]string{cli.PasswordEnv: "pw", "XDG_CONFIG_HOME": t.TempDir()}[k], k == cli.PasswordEnv || k == "XDG_CONFIG_HOME"
			}
			f.Connect = func(ctx context.Context, _ cli.Target) (*rtx.Client, error) {
				return nil, fmt.Errorf("connect: %w", ctx.Err())
			}
			ctx, cancel := context.WithCancel(t.Context())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			got := Execute(ctx, ios, NewCmdRoot(f), tt.args)
			if diff := cmp.Diff(tt.wantCode, got); diff != "" {
				t.Errorf("Execute(%q) exit status mismatch (-want +got):\n%s", tt.args, diff)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("Execute(%q) stdout mismatch (-want +got):\n%s", tt.args, diff)
			}
			if diff := cmp.Diff(tt.wantErrOut, errOut.String()); diff != "" {
				t.Errorf("Execute(%q) stderr mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestHintPassword(t *testing.T) {
	t.Parallel()
	const (
		login = "the login password (RTXCTL_PASSWORD or --password-file)"
		admin = "the administrator password (RTXCTL_ADMIN_PASSWORD or --admin-password-file)"
	)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			name: "both rejected",
			err:  fmt.Errorf("read saved configuration: %w", &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"}}),
			want: "check " + login + " and " + admin,
		},
		{
			name: "login rejected",
			err:  &driver.PasswordError{Command: "show config 0", Secrets: []string{"login"}},
			want: "check " + login,
		},
		{
			name: "administrator missing",
			err:  &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"}, Missing: []string{"administrator"}},
			want: "set " + admin,
		},
		{
			name: "both missing",
			err:  &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"}, Missing: []string{"login", "administrator"}},
			want: "set " + login + " and " + admin,
		},
		{
			name: "administrator mode refused",
			err:  &driver.PrivilegeError{From: "user", To: "admin", Err: driver.ErrBadPassword},
			want: "check " + admin,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, hint(tt.err, nil)); diff != "" {
				t.Errorf("hint(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}
