package capture_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/capture"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/cli/root"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// Distinctive secrets added to the fake's configuration: none may reach the
// capture file.
const (
	preSharedKey = "PSK-capture-7f3a9c"
	// longKey is long enough that its line wraps inside the key at 80
	// columns.
	longKey      = "LongPreSharedKey-0123456789-abcdefghijklmnopqrstuvwxyz-capture-e1d2"
	userPassword = "alice-capture-pw-42b8"
	ppSecret     = "pp-capture-secret-91c0"
)

var secretConfig = strings.Join([]string{
	"login user alice " + userPassword,
	"tunnel select 1",
	" ipsec tunnel 101",
	"  ipsec ike pre-shared-key 101 text " + preSharedKey,
	"  ipsec ike pre-shared-key 102 text " + longKey,
	"pp select 1",
	" pp auth accept chap",
	" pp auth myname isp-user " + ppSecret,
}, "\n") + "\n"

// startFake starts sc, BGP sessions re-established at once after a
// refresh, and returns how rtxctl reaches it over transport ("ssh" or
// "telnet").
func startFake(t *testing.T, sc *rtxtest.Scenario, transport string) *clitest.Fake {
	t.Helper()
	sc.BGP.EstablishDelay = time.Nanosecond
	return clitest.StartFake(t, sc, transport, 10*time.Second)
}

// run runs rtxctl in-process with args followed by the connection flags
// of f.
func run(t *testing.T, f *clitest.Fake, args ...string) (code int, stdout string) {
	t.Helper()
	r := f.Run(t.Context(), func(ctx context.Context, fac *cli.Factory, args []string) int {
		return root.Execute(ctx, fac.IO, root.NewCmdRoot(fac), args)
	}, args[0], args[1:]...)
	t.Log(r)
	return r.Code, r.Stdout
}

// status returns the decoded `rtxctl status -o json` answer.
func status(t *testing.T, f *clitest.Fake) map[string]any {
	t.Helper()
	code, out := run(t, f, "status", "-o", "json")
	if code != 0 {
		t.Fatalf("status: exit %d", code)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("status output %q: %v", out, err)
	}
	return v
}

// TestCaptureFake captures the article's router in English and Japanese
// over both transports: only show commands reach the router, the file holds
// no secret, the report reads everything, and a fake serving the file
// answers `rtxctl status` as the original did.
func TestCaptureFake(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ lang, transport string }{{"en", "ssh"}, {"ja", "ssh"}, {"en", "telnet"}, {"ja", "telnet"}} {
		t.Run(c.lang+"-"+c.transport, func(t *testing.T) {
			t.Parallel()
			sc, err := rtxtest.LoadScenario(filepath.Join("..", "..", "..", "testdata", "scenarios", "article-"+c.lang+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			sc.SavedConfig += secretConfig
			orig := startFake(t, sc, c.transport)
			running := orig.Server.Router.RunningConfig()
			file := filepath.Join(t.TempDir(), "capture.txtar")
			code, out := run(t, orig, "capture", "-f", file, "-o", "json")
			if code != 0 {
				t.Fatalf("capture: exit %d, want 0", code)
			}
			var rep capture.Report
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("capture report %q: %v", out, err)
			}
			for _, c := range rep.Commands {
				if !c.OK {
					t.Errorf("report: %s not understood: %v", c.Command, c.Problems)
				}
			}
			if !rep.Understood || rep.Status == nil {
				t.Errorf("report: understood %v, status %v (%s)", rep.Understood, rep.Status, rep.StatusError)
			}
			for _, cmd := range orig.Server.Router.Commands() {
				if f := strings.Fields(cmd); len(f) > 0 && f[0] != "show" && f[0] != "exit" {
					t.Errorf("capture sent %q: want only show commands", cmd)
				}
			}
			if diff := cmp.Diff(running, orig.Server.Router.RunningConfig()); diff != "" {
				t.Errorf("running configuration changed by the capture (-before +after):\n%s", diff)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{preSharedKey, longKey, longKey[:20], longKey[len(longKey)-20:], userPassword, ppSecret,
				sc.Users[0].Password, sc.AdminPassword, sc.LoginPassword} {
				if strings.Contains(string(data), secret) {
					t.Errorf("capture file holds the secret %q", secret)
				}
			}
			if !strings.Contains(string(data), "pre-shared-key 101 text <redacted>") {
				t.Errorf("capture file lacks the redacted pre-shared key line:\n%s", data)
			}

			replayed, err := rtxtest.LoadCapture(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(status(t, orig), status(t, startFake(t, replayed, c.transport))); diff != "" {
				t.Errorf("status of the fake serving the capture mismatch (-original +capture):\n%s", diff)
			}
		})
	}
}

func TestNewCmdCapture(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1"}}}
	type parsed struct {
		Router, File string
		Admin        bool
	}
	tests := []struct {
		name      string
		args      string
		want      parsed
		wantUsage bool
	}{
		{name: "default file", args: "--host 127.0.0.1", want: parsed{File: "rtxctl-capture-127.0.0.1.txtar"}},
		{name: "router and file", args: "tokyo -f t.txtar --admin", want: parsed{Router: "tokyo", File: "t.txtar", Admin: true}},
		{name: "two routers", args: "tokyo osaka", wantUsage: true},
		{name: "no router", args: "", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := clitest.Execute(clitest.NewFactory(cfg, ""), capture.NewCmdCapture, strings.Fields(tt.args))
			if !clitest.CheckUsage(t, err, tt.wantUsage) {
				return
			}
			if !got.Target.ReadOnly {
				t.Error("Target.ReadOnly = false: capture must leave the router's console settings alone")
			}
			p := parsed{Router: got.Router, File: got.File, Admin: got.Admin}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCaptureNotUnderstood captures a router that shows its configuration
// only in administrator mode: without --admin the file is written and the
// capture exits 12; with --admin everything is understood. Status output
// with Japanese labels (the fake's guess) is not understood either, and the
// report says why that need not matter.
func TestCaptureNotUnderstood(t *testing.T) {
	t.Parallel()
	sc := rtxtest.DefaultScenario()
	sc.Variants.ShowConfigAdminOnly = true
	adminOnly := startFake(t, sc, "ssh")
	sc = rtxtest.DefaultScenario()
	sc.Variants.LocalizedStatus = true
	sc.Variants.LocalizedStateWords = true
	localized := startFake(t, sc, "ssh")
	dir := t.TempDir()
	tests := []struct {
		name     string
		f        *clitest.Fake
		args     []string
		wantCode int
		wantOut  string
	}{
		{"normal prompt", adminOnly, nil, cli.ExitNotUnderstood, "in administrator mode: try --admin"},
		{"administrator mode", adminOnly, []string{"--admin"}, cli.ExitOK, "rtxctl understands every output"},
		{"japanese status", localized, nil, cli.ExitNotUnderstood, "note:     the router prints status output in Japanese"},
	}
	for _, tt := range tests {
		f := tt.f
		file := filepath.Join(dir, tt.name+".txtar")
		code, out := run(t, f, append([]string{"capture", "-f", file}, tt.args...)...)
		if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
			t.Errorf("%s: exit %d with output\n%s\nwant exit %d and %q", tt.name, code, out, tt.wantCode, tt.wantOut)
		}
		if _, err := os.Stat(file); err != nil {
			t.Errorf("%s: capture file not written: %v", tt.name, err)
		}
	}
}
