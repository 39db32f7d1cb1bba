package rtx_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// TestConformance runs one suite over SSH and Telnet against the fake router.
func TestConformance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario func(*rtxtest.Scenario)
		config   func(*rtx.Config)
		only     string // "ssh" or "telnet": the case needs that transport
		run      func(t *testing.T, c *rtx.Client, srv *rtxtest.Server)
	}{
		{
			name: "login user, banner, grep",
			run: func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
				info := c.Info()
				if info.Model != "RTX1210" || info.Revision != "14.01.42" {
					t.Errorf("Info() = %+v, want RTX1210 14.01.42", info)
				}
				mustAdmin(t, c)
				if diff := cmp.Diff(bgpConfig, mustRun(t, c, "show config | grep bgp")); diff != "" {
					t.Errorf("show config | grep bgp mismatch (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:     "anonymous login",
			only:     "telnet",
			scenario: func(sc *rtxtest.Scenario) { sc.Users = nil; sc.LoginPassword = "anon-pw" },
			config:   func(cfg *rtx.Config) { cfg.User = ""; cfg.Password = "anon-pw" },
			run:      func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) { mustAdmin(t, c) },
		},
		{
			name:     "empty password logs in anonymously",
			only:     "telnet",
			scenario: func(sc *rtxtest.Scenario) { sc.Variants.EmptyPasswordLogin = "anonymous" },
			run:      func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) { mustAdmin(t, c) },
		},
		{
			name:     "username prompt first",
			only:     "telnet",
			scenario: func(sc *rtxtest.Scenario) { sc.Variants.UsernameFirst = true },
			run:      func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) { mustAdmin(t, c) },
		},
		{
			name: "show config in Japanese with paging on and the header",
			scenario: func(sc *rtxtest.Scenario) {
				sc.Lines = "10"
				sc.Variants.ShowConfigAdminOnly = true
			},
			run: checkPagedShowConfig,
		},
		{
			name:     "paging on, backspace erase, english",
			scenario: func(sc *rtxtest.Scenario) { sc.Lines = "10"; sc.Language = "en"; sc.Variants.PagerErase = "backspaces" },
			run: func(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
				checkPagedShowConfig(t, c, srv)
				if err := c.Save(testContext(t)); err != nil {
					t.Fatalf("Save: %v", err)
				}
				c.Close()
				saved := srv.Router.SavedConfig()
				for _, want := range []string{"console lines 10", "console character en.ascii"} {
					if !slices.Contains(saved, want) {
						t.Errorf("saved config %q lacks %q", saved, want)
					}
				}
			},
		},
		{
			name:     "named prompt",
			scenario: func(sc *rtxtest.Scenario) { sc.Prompt = "RTX1210" },
			run: func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
				mustAdmin(t, c)
				if out := mustRun(t, c, "show config"); !strings.Contains(out, "console prompt RTX1210\n") {
					t.Errorf("show config = %q, want the console prompt line", out)
				}
			},
		},
		{
			name: "narrow columns unwrapped and restored",
			scenario: func(sc *rtxtest.Scenario) {
				sc.Columns = 80
				sc.Lines = "10"
				sc.Variants.ShowConfigAdminOnly = true
			},
			run: func(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
				// Console settings are unreadable before administrator
				// mode: this long echo wraps at 80 columns.
				long := "show config | grep " + strings.Repeat("x", 90)
				_, err := c.Run(testContext(t), long)
				var ce *driver.CommandError
				if !errors.As(err, &ce) {
					t.Fatalf("Run(%q) error = %v, want *driver.CommandError", long, err)
				}
				if diff := cmp.Diff("エラー: 管理レベルでのみ使用できます\n", ce.Output); diff != "" {
					t.Errorf("CommandError.Output mismatch (-want +got):\n%s", diff)
				}
				mustAdmin(t, c)
				mustRun(t, c, "console columns 80")
				out := mustRun(t, c, "show config")
				if !strings.Contains(out, "MAC-Address=00:a0:de:00:00:02 MAC-Address=00:a0:de:00:00:03\n") {
					t.Errorf("show config = %q, want the main: line whole", out)
				}
				if err := c.Save(testContext(t)); err != nil {
					t.Fatalf("Save: %v", err)
				}
				saved := srv.Router.SavedConfig()
				for _, want := range []string{"console columns 80", "console lines 10"} {
					if !slices.Contains(saved, want) {
						t.Errorf("saved config %q lacks %q", saved, want)
					}
				}
			},
		},
		{
			name: "console left alone: paged, wrapped output read whole, no console command",
			scenario: func(sc *rtxtest.Scenario) {
				sc.Columns = 80
				sc.Lines = "10"
			},
			config: func(cfg *rtx.Config) { cfg.LeaveConsole = true },
			run: func(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
				mustAdmin(t, c)
				lines := strings.Split(strings.TrimSuffix(mustRun(t, c, "show config"), "\n"), "\n")
				const header = 5
				if len(lines) <= 10 || !strings.HasSuffix(lines[3], "MAC-Address=00:a0:de:00:00:02 MAC-Address=00:a0:de:00:00:03") {
					t.Fatalf("show config = %q, want more than one page and the main: line whole", lines)
				}
				if diff := cmp.Diff(srv.Router.RunningConfig(), lines[header:]); diff != "" {
					t.Errorf("show config lines mismatch (-want +got):\n%s", diff)
				}
				c.Close()
				for _, cmd := range srv.Router.Commands() {
					if strings.HasPrefix(cmd, "console ") || strings.HasPrefix(cmd, "no console ") {
						t.Errorf("command log has %q, want no console setting sent", cmd)
					}
				}
				if diff := cmp.Diff(srv.Router.SavedConfig(), srv.Router.RunningConfig()); diff != "" {
					t.Errorf("running config differs from saved (-saved +running):\n%s", diff)
				}
			},
		},
		{
			name: "error lines in Japanese and English",
			run: func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
				checkCommandError(t, c, "bgp use on", "エラー")
				mustAdmin(t, c)
				checkCommandError(t, c, "bgp import filter 2 exclude 0.0.0.0/0", "エラー")
				mustRun(t, c, "console character en.ascii")
				checkCommandError(t, c, "bgp import filter 2 exclude 0.0.0.0/0", "Error")
			},
		},
		{
			name:     "shift_jis, euc-jp and utf-8 output",
			scenario: func(sc *rtxtest.Scenario) { sc.Language = "ja.euc" },
			run: func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
				checkCommandError(t, c, "bgp use on", "エラー")
				mustRun(t, c, "console character ja.utf8")
				checkCommandError(t, c, "bgp use on", "エラー")
			},
		},
		{
			name: "save question answered N on close, console restored before save",
			run: func(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
				mustAdmin(t, c)
				before := srv.Router.SavedConfig()
				mustRun(t, c, forcedFilter)
				if err := c.Save(testContext(t)); err != nil {
					t.Fatalf("Save: %v", err)
				}
				saved := srv.Router.SavedConfig()
				want := append(slices.Clone(before), forcedFilter)
				slices.Sort(want)
				got := slices.Sorted(slices.Values(saved))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("saved config mismatch (-want +got):\n%s", diff)
				}
				mustRun(t, c, "no "+forcedFilter)
				if err := c.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				if diff := cmp.Diff(saved, srv.Router.SavedConfig()); diff != "" {
					t.Errorf("Close changed the saved config (-want +got):\n%s", diff)
				}
				if slices.Contains(srv.Router.RunningConfig(), forcedFilter) {
					t.Errorf("running config still has %q", forcedFilter)
				}
			},
		},
		{
			name:     "administrator without password prompt",
			scenario: func(sc *rtxtest.Scenario) { sc.AdminPassword = ""; sc.Variants.AdminNoPasswordPrompt = true },
			config:   func(cfg *rtx.Config) { cfg.AdminPassword = "" },
			run:      func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) { mustAdmin(t, c) },
		},
		{
			name:     "administrator=2 user",
			scenario: func(sc *rtxtest.Scenario) { sc.Users[0].Administrator = "2" },
			config:   func(cfg *rtx.Config) { cfg.AdminPassword = "" },
			run:      func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) { mustAdmin(t, c) },
		},
		{
			name:     "wrong administrator password, with message",
			scenario: func(sc *rtxtest.Scenario) { sc.AdminPassword = "other" },
			run:      checkBadAdmin,
		},
		{
			name:     "wrong administrator password, silent",
			scenario: func(sc *rtxtest.Scenario) { sc.AdminPassword = "other"; sc.Variants.AdminFailure = "silent" },
			run:      checkBadAdmin,
		},
		{
			name: "lost first command, redrawn echo, telnet quirks",
			scenario: func(sc *rtxtest.Scenario) {
				sc.Faults.LoseFirstCommand = true
				sc.Faults.EchoRedraw = true
				sc.Telnet = rtxtest.TelnetOptions{WaitForReplies: true, GoAhead: true, CRNUL: true, SplitPackets: true}
			},
			run: func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
				mustAdmin(t, c)
				if diff := cmp.Diff(bgpConfig, mustRun(t, c, "show config | grep bgp")); diff != "" {
					t.Errorf("show config | grep bgp mismatch (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "command cut short by its context, next one still in step",
			run: func(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
				mustAdmin(t, c)
				srv.Router.SetFaults(rtxtest.Faults{ResponseDelay: 300 * time.Millisecond})
				ctx, cancel := context.WithTimeout(testContext(t), 50*time.Millisecond)
				defer cancel()
				var te *channel.TimeoutError
				if _, err := c.Run(ctx, "show config | grep console"); !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Run error = %v, want a *channel.TimeoutError", err)
				}
				srv.Router.SetFaults(rtxtest.Faults{})
				if diff := cmp.Diff(bgpConfig, mustRun(t, c, "show config | grep bgp")); diff != "" {
					t.Errorf("show config | grep bgp mismatch (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "connection dropped mid-command",
			scenario: func(sc *rtxtest.Scenario) {
				sc.Faults.Drops = []rtxtest.DropFault{{Command: "show config", When: "after"}, {Command: "show config | grep bgp", When: "before"}}
			},
			run: func(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
				mustAdmin(t, c)
				for _, cmd := range []string{"show config", "show config | grep bgp"} {
					if _, err := c.Run(testContext(t), cmd); !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("Run(%q) error = %v, want io.ErrUnexpectedEOF", cmd, err)
					}
				}
				if err := c.Close(); err != nil {
					t.Errorf("Close after a drop = %v, want nil", err)
				}
			},
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
					if tt.config != nil {
						tt.config(&cfg)
					}
					tt.run(t, dial(t, cfg), srv)
				})
			}
		})
	}
}

// checkPagedShowConfig reads show config with paging on (the session turns
// it off, so it is turned on again by hand; the client restores the
// original setting anyway).
func checkPagedShowConfig(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
	t.Helper()
	mustAdmin(t, c)
	mustRun(t, c, "console lines 10")
	lines := strings.Split(strings.TrimSuffix(mustRun(t, c, "show config"), "\n"), "\n")
	const header = 5
	if len(lines) <= 10 || !strings.HasPrefix(lines[0], "# RTX1210 Rev.14.01.42") {
		t.Fatalf("show config = %q, want the header and more than one page", lines)
	}
	if diff := cmp.Diff(srv.Router.RunningConfig(), lines[header:]); diff != "" {
		t.Errorf("show config lines mismatch (-want +got):\n%s", diff)
	}
}

func checkCommandError(t *testing.T, c *rtx.Client, cmd, prefix string) {
	t.Helper()
	_, err := c.Run(testContext(t), cmd)
	var ce *driver.CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("Run(%q) error = %v, want *driver.CommandError", cmd, err)
	}
	if !strings.HasPrefix(ce.Message, prefix) || strings.ContainsRune(ce.Message, '\uFFFD') {
		t.Errorf("Run(%q) message = %q, want a clean %q line", cmd, ce.Message, prefix)
	}
}

func checkBadAdmin(t *testing.T, c *rtx.Client, _ *rtxtest.Server) {
	err := c.Administrator(testContext(t))
	if !errors.Is(err, rtx.ErrBadAdminPassword) {
		t.Fatalf("Administrator error = %v, want ErrBadAdminPassword", err)
	}
	var pe *driver.PrivilegeError
	var ae *transport.AuthError
	if !errors.As(err, &pe) || errors.As(err, &ae) {
		t.Errorf("Administrator error = %v, want a *driver.PrivilegeError and no *transport.AuthError", err)
	}
	if strings.Contains(err.Error(), adminPassword) {
		t.Errorf("error %q reveals the password", err)
	}
	// The session is still usable at the user level.
	mustRun(t, c, "")
}
