package rtx_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
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

// passwordLines are saved configuration lines that make `show config N`
// ask for passwords under the SavedConfigPasswords variant.
const passwordLines = "administrator password encrypted *\nlogin user rtxctl encrypted *\n"

// TestSavedConfigPasswords reads the saved configuration with and without
// the router asking for the login and administrator passwords.
func TestSavedConfigPasswords(t *testing.T) {
	t.Parallel()
	asking := func(prompts string) func(*rtxtest.Scenario) {
		return func(sc *rtxtest.Scenario) {
			sc.SavedConfig += passwordLines
			sc.Variants.SavedConfigPasswords = true
			sc.Variants.SavedConfigPrompts = prompts
		}
	}
	tests := []struct {
		name     string
		scenario func(*rtxtest.Scenario)
		config   func(*rtx.Config)
		admin    bool
		wantErr  *driver.PasswordError // nil = success
	}{
		{name: "variant off", scenario: func(sc *rtxtest.Scenario) { sc.SavedConfig += passwordLines }},
		{name: "no password commands", scenario: func(sc *rtxtest.Scenario) { sc.Variants.SavedConfigPasswords = true }},
		{name: "same prompt twice", scenario: asking("same")},
		{name: "same prompt twice, administrator mode", scenario: asking("same"), admin: true},
		{name: "distinct administrator prompt", scenario: asking("admin")},
		{name: "named prompts", scenario: asking("named"), admin: true},
		{
			name:     "wrong administrator password",
			scenario: asking("same"),
			config:   func(cfg *rtx.Config) { cfg.AdminPassword = "wrong-admin" },
			wantErr:  &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"}, Message: "エラー: パスワードが間違っています"},
		},
		{
			name:     "missing administrator password, named prompts",
			scenario: asking("named"),
			config:   func(cfg *rtx.Config) { cfg.AdminPassword = "" },
			wantErr: &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"},
				Missing: []string{"administrator"}, Message: "エラー: パスワードが間違っています"},
		},
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, tt.scenario)
					cfg := clientConfig(t, srv, tr)
					var transcript bytes.Buffer
					cfg.Transcript = &transcript
					if tt.config != nil {
						tt.config(&cfg)
					}
					c := dial(t, cfg)
					if tt.admin {
						mustAdmin(t, c)
					}
					text, err := c.SavedConfig(testContext(t))
					if tt.wantErr != nil {
						checkPasswordError(t, err, tt.wantErr, cfg)
						// The session is still in step.
						if diff := cmp.Diff(bgpConfig, mustRun(t, c, "show config | grep bgp")); diff != "" {
							t.Errorf("show config | grep bgp after the error mismatch (-want +got):\n%s", diff)
						}
						return
					}
					if err != nil {
						t.Fatalf("SavedConfig: %v", err)
					}
					sc, err := rtx.ParseShowConfig(text)
					if err != nil {
						t.Fatalf("ParseShowConfig: %v", err)
					}
					if diff := cmp.Diff(srv.Router.SavedConfig(), sc.TopLevel()); diff != "" {
						t.Errorf("SavedConfig lines mismatch (-want +got):\n%s", diff)
					}
					st, err := rtx.ReadTunnelStatus(testContext(t), c, rtx.StatusOptions{})
					if err != nil {
						t.Fatalf("ReadTunnelStatus: %v", err)
					}
					if !st.SavedChecked || !st.Saved {
						t.Errorf("ReadTunnelStatus: SavedChecked, Saved = %v, %v; want true, true", st.SavedChecked, st.Saved)
					}
					c.Close()
					for _, secret := range []string{cfg.Password, cfg.AdminPassword} {
						if strings.Contains(transcript.String(), secret) {
							t.Errorf("transcript reveals %q", secret)
						}
					}
				})
			}
		})
	}
}

// TestShowConfigDifferencePasswords runs `show config difference` on a
// router that asks for passwords.
func TestShowConfigDifferencePasswords(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(sc *rtxtest.Scenario) {
				sc.SavedConfig += passwordLines
				sc.Variants.SavedConfigPasswords = true
				sc.Variants.SavedConfigPrompts = "admin"
			})
			c := dial(t, clientConfig(t, srv, tr))
			mustAdmin(t, c)
			mustRun(t, c, forcedFilter)
			if diff := cmp.Diff("+ "+forcedFilter+"\n", mustRun(t, c, "show config difference 0 - | grep bgp")); diff != "" {
				t.Errorf("show config difference 0 - | grep bgp mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func checkPasswordError(t *testing.T, err error, want *driver.PasswordError, cfg rtx.Config) {
	t.Helper()
	var pe *driver.PasswordError
	if !errors.As(err, &pe) || !errors.Is(err, driver.ErrBadPassword) {
		t.Fatalf("error = %v, want a *driver.PasswordError matching driver.ErrBadPassword", err)
	}
	if diff := cmp.Diff(want, pe); diff != "" {
		t.Errorf("PasswordError mismatch (-want +got):\n%s", diff)
	}
	for _, secret := range []string{cfg.Password, cfg.AdminPassword, adminPassword} {
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("error %q reveals a password", err)
		}
	}
}

// consoleLines returns the `console` lines of a configuration.
func consoleLines(cfg []string) []string {
	return slices.DeleteFunc(slices.Clone(cfg), func(l string) bool { return !strings.HasPrefix(l, "console ") })
}

// checkRepairedConsole checks that the session c found console leftovers
// and took the saved console lines (before) as the router's own: a backup
// text ([rtx.Client.RouterConsole]) shows them, a save keeps them and
// logout leaves them running. It closes c.
func checkRepairedConsole(t *testing.T, srv *rtxtest.Server, c *rtx.Client, before []string) {
	t.Helper()
	if !c.ConsoleRepaired() {
		t.Errorf("ConsoleRepaired() = false, want true")
	}
	sc, err := rtx.ParseShowConfig(c.RouterConsole(mustRun(t, c, "show config")))
	if err != nil {
		t.Fatalf("ParseShowConfig: %v", err)
	}
	if diff := cmp.Diff(before, consoleLines(sc.TopLevel())); diff != "" {
		t.Errorf("RouterConsole console lines mismatch (-want +got):\n%s", diff)
	}
	if err := c.Save(testContext(t)); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if diff := cmp.Diff(before, consoleLines(srv.Router.SavedConfig())); diff != "" {
		t.Errorf("saved console lines mismatch (-want +got):\n%s", diff)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if diff := cmp.Diff(before, consoleLines(srv.Router.RunningConfig())); diff != "" {
		t.Errorf("running console lines after Close mismatch (-want +got):\n%s", diff)
	}
}

// leftover returns a scenario edit that starts the router with one console
// setting of a session (leftover: `console lines infinity` or `console
// columns 200`) in the running configuration, as a cut-off session rolled
// back to a snapshot may leave it; own is the saved console line ("" =
// factory default).
func leftover(language, own, leftover string) func(*rtxtest.Scenario) {
	return func(sc *rtxtest.Scenario) {
		sc.Language = language
		base := sc.SavedConfig
		if own != "" {
			sc.SavedConfig += own + "\n"
		}
		sc.RunningConfig = base + leftover + "\n"
	}
}

// TestConsoleLeftovers starts with console settings an earlier session
// left behind: a first session is cut off after it changed them (cut), or
// the running configuration holds a single session setting. It checks that
// the next session takes the saved settings as the router's own: a backup
// text shows them, a save keeps them exactly, logout leaves them.
func TestConsoleLeftovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario func(*rtxtest.Scenario)
		cut      bool
	}{
		{name: "factory console settings", cut: true},
		{name: "own console settings", cut: true, scenario: func(sc *rtxtest.Scenario) { sc.Lines = "20"; sc.Columns = 100 }},
		{name: "english, show config in administrator mode only", cut: true, scenario: func(sc *rtxtest.Scenario) {
			sc.Language = "en"
			sc.Variants.ShowConfigAdminOnly = true
		}},
		{name: "saved config asks for passwords", cut: true, scenario: func(sc *rtxtest.Scenario) {
			sc.SavedConfig += passwordLines
			sc.Variants.SavedConfigPasswords = true
			sc.Variants.SavedConfigPrompts = "admin"
		}},
		{name: "single lines, factory saved", scenario: leftover("ja", "", "console lines infinity")},
		{name: "single columns, factory saved", scenario: leftover("ja", "", "console columns 200")},
		{name: "single lines, own saved", scenario: leftover("ja", "console lines 40", "console lines infinity")},
		{name: "single columns, own saved, english", scenario: leftover("en", "console columns 120", "console columns 200")},
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, func(sc *rtxtest.Scenario) {
						if tt.scenario != nil {
							tt.scenario(sc)
						}
						if tt.cut {
							sc.Faults.Drops = []rtxtest.DropFault{{Command: forcedFilter, When: "after", Occurrence: 1}}
						}
					})
					cfg := clientConfig(t, srv, tr)
					before := consoleLines(srv.Router.SavedConfig())
					if tt.cut {
						cutOff(t, srv, cfg, before)
					}
					c := dial(t, cfg)
					mustAdmin(t, c)
					checkRepairedConsole(t, srv, c, before)
					if tt.cut && !slices.Contains(srv.Router.SavedConfig(), forcedFilter) {
						t.Errorf("saved config lacks %q", forcedFilter)
					}
				})
			}
		})
	}
}

// cutOff runs a first session that changes the console settings and is
// cut off by the server's drop fault right after it sent forcedFilter,
// leaving console settings that differ from the saved ones (before).
func cutOff(t *testing.T, srv *rtxtest.Server, cfg rtx.Config, before []string) {
	t.Helper()
	first := dial(t, cfg)
	mustAdmin(t, first)
	if first.ConsoleRepaired() {
		t.Errorf("first session: ConsoleRepaired() = true, want false")
	}
	if _, err := first.Run(testContext(t), forcedFilter); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Run(%q) error = %v, want the connection dropped", forcedFilter, err)
	}
	first.Close()
	if got := consoleLines(srv.Router.RunningConfig()); slices.Equal(got, before) {
		t.Fatalf("running console lines %q: the cut-off session left nothing to repair", got)
	}
}

// TestConsoleNoExtraRoundTrip checks that a session whose running console
// settings are not the session's own reads neither the environment nor the
// saved configuration; a router whose own setting is a session value costs
// those two round trips.
func TestConsoleNoExtraRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario func(*rtxtest.Scenario)
		repaired bool
		want     []string
	}{
		{
			name: "factory settings",
			want: []string{"", "show config | grep console", "console lines infinity", "console columns 200"},
		},
		{
			name:     "own settings",
			scenario: func(sc *rtxtest.Scenario) { sc.Lines = "30"; sc.Columns = 120 },
			want:     []string{"", "show config | grep console", "console lines infinity", "console columns 200"},
		},
		{
			name:     "only lines infinity",
			scenario: func(sc *rtxtest.Scenario) { sc.Lines = "infinity" },
			want:     []string{"", "show config | grep console", "show environment", "show config 0 | grep console", "console columns 200"},
		},
		{
			name:     "only columns 200",
			scenario: func(sc *rtxtest.Scenario) { sc.Columns = 200 },
			want:     []string{"", "show config | grep console", "show environment", "show config 0 | grep console", "console lines infinity"},
		},
		{
			name:     "session settings saved too",
			scenario: func(sc *rtxtest.Scenario) { sc.Lines = "infinity"; sc.Columns = 200 },
			want:     []string{"", "show config | grep console", "show environment", "show config 0 | grep console"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, tt.scenario)
			c := dial(t, clientConfig(t, srv, "ssh"))
			if c.ConsoleRepaired() != tt.repaired {
				t.Errorf("ConsoleRepaired() = %v, want %v", c.ConsoleRepaired(), tt.repaired)
			}
			if diff := cmp.Diff(tt.want, srv.Router.Commands()); diff != "" {
				t.Errorf("commands after Dial mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConsoleTypedSetting checks that a console setting the caller types is
// taken as the router's own: a save keeps it and logout leaves it, also
// after a single leftover session setting was repaired.
func TestConsoleTypedSetting(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(sc *rtxtest.Scenario) { sc.RunningConfig = sc.SavedConfig + "console lines infinity\n" })
			c := dial(t, clientConfig(t, srv, tr))
			mustAdmin(t, c)
			if !c.ConsoleRepaired() {
				t.Errorf("ConsoleRepaired() = false, want true")
			}
			mustRun(t, c, "no console lines")
			if err := c.Save(testContext(t)); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if got := consoleLines(srv.Router.SavedConfig()); len(got) > 0 {
				t.Errorf("saved console lines = %q, want none", got)
			}
			mustRun(t, c, "show config | grep bgp")
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if got := consoleLines(srv.Router.RunningConfig()); len(got) > 0 {
				t.Errorf("running console lines after Close = %q, want none", got)
			}
		})
	}
}
