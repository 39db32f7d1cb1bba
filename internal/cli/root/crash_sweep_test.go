//go:build linux

package root

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// sweepDelay is how long the fake router waits before answering each
// command of a run that is killed: the kill lands while the command is in
// flight.
const sweepDelay = 50 * time.Millisecond

// sweepArgs are the flags of every run of the sweep.
var sweepArgs = []string{"--verify-timeout", "5s"}

// TestCrashSweep kills the rtxctl binary (SIGKILL) at every command of
// `tunnel on` and `tunnel off` (issue 8): for command i of a reference run,
// a fresh fake answers each command after sweepDelay, rtxctl is killed once
// the fake received command i and before it answered, and the fake finishes
// the command in flight. The same command is then run again until it exits
// 0 (with --wait-leftover 1s it may first exit 6 for the killed run's
// rollback timer; the fake clock is then moved past it). Right after that
// exit 0, and again after every router-side timer has fired, the running
// and saved configurations must both be the requested state: no run exits
// 0 while leaving a timer that can undo its result.
func TestCrashSweep(t *testing.T) {
	t.Parallel()
	bin := buildRtxctl(t)
	for _, tt := range []struct {
		verb, from, to string // the command, and the golden files of the states before and after it
	}{
		{"tunnel on", "article-ja-tunnel-off.txt", "article-ja-tunnel-on.txt"},
		{"tunnel off", "article-ja-tunnel-on.txt", "article-ja-tunnel-off.txt"},
	} {
		t.Run(tt.verb, func(t *testing.T) {
			t.Parallel()
			from, want := readGolden(t, tt.from), readGolden(t, tt.to)
			ref := startSweepRouter(t, from)
			if r := ref.exec(t, bin, tt.verb, nil, sweepArgs...); r.code != 0 {
				t.Fatalf("reference rtxctl %s: exit status %d\nstderr:\n%s", tt.verb, r.code, r.stderr)
			}
			cmds := ref.srv.Router.Commands()
			t.Logf("rtxctl %s sends %d commands", tt.verb, len(cmds))
			for i, c := range cmds {
				t.Run(fmt.Sprintf("%02d %s", i+1, c), func(t *testing.T) {
					t.Parallel()
					a := startSweepRouter(t, from)
					a.killAt(t, bin, tt.verb, cmds, i)
					a.converge(t, bin, tt.verb, want)
				})
			}
		})
	}
}

// readGolden returns the lines of testdata/golden/name.
func readGolden(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// startSweepRouter starts the Japanese article router over SSH running and
// saving config.
func startSweepRouter(t *testing.T, config []string) *acceptanceRouter {
	t.Helper()
	return startAcceptanceRouter(t, "ssh", "ja", func(sc *rtxtest.Scenario) {
		sc.SavedConfig = strings.Join(config, "\n") + "\n"
	})
}

// killAt starts bin's rtxctl verb in the background with every answer of the
// fake delayed by sweepDelay, kills it with SIGKILL once the fake received
// cmds[i] (the reference run's command i), and lets the fake finish the
// command in flight before answering at once again.
func (a *acceptanceRouter) killAt(t *testing.T, bin rtxctlBinary, verb string, cmds []string, i int) {
	t.Helper()
	router := a.srv.Router
	router.SetFaults(rtxtest.Faults{ResponseDelay: sweepDelay})
	args := append(strings.Fields(verb), a.conn...)
	cmd := exec.CommandContext(t.Context(), bin.rtxctl, append(args, sweepArgs...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
	for k, v := range a.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for len(router.Commands()) <= i {
		select {
		case err := <-done:
			t.Fatalf("rtxctl %s ended (%v) before the fake received command %d %q; it received:\n%s\nstderr:\n%s",
				verb, err, i+1, cmds[i], strings.Join(router.Commands(), "\n"), &stderr)
		case <-tick.C:
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	got := router.Commands()
	if got[i] != cmds[i] {
		t.Errorf("command %d is %q, want %q as in the reference run", i+1, got[i], cmds[i])
	}
	if len(got) > i+1 {
		t.Logf("kill landed late: the fake received %q after %q", got[i+1], cmds[i])
	}
	time.Sleep(4 * sweepDelay) // the fake carries out the command in flight
	router.SetFaults(rtxtest.Faults{})
}

// converge runs bin's rtxctl verb until it exits 0: a first run with
// --wait-leftover 1s may exit 6 for the killed run's rollback timer; the
// fake clock is then moved past it and the second run must exit 0. Right
// after that, and after every timer on the router has fired, the running
// and saved configurations must both be want.
func (a *acceptanceRouter) converge(t *testing.T, bin rtxctlBinary, verb string, want []string) {
	t.Helper()
	r := a.exec(t, bin, verb, nil, append(sweepArgs, "--wait-leftover", "1s")...)
	if r.code == 6 && strings.Contains(r.stderr, "rollback timer armed") {
		t.Logf("first run after the kill: exit status 6 for the leftover rollback timer")
		a.srv.Router.Advance(10 * time.Minute)
		r = a.exec(t, bin, verb, nil, sweepArgs...)
	}
	if r.code != 0 {
		t.Fatalf("rtxctl %s after the kill: exit status %d\nstderr:\n%s", verb, r.code, r.stderr)
	}
	a.checkConfigs(t, "right after the run that exited 0", want)
	a.srv.Router.Advance(24 * time.Hour)
	a.checkConfigs(t, "once every router timer fired", want)
}

// checkConfigs fails t unless the fake's running and saved configurations
// are both want, the BGP lines in canonical order.
func (a *acceptanceRouter) checkConfigs(t *testing.T, when string, want []string) {
	t.Helper()
	for _, c := range []struct {
		name   string
		config []string
	}{{"running", a.srv.Router.RunningConfig()}, {"saved", a.srv.Router.SavedConfig()}} {
		if diff := cmp.Diff(canonicalConfig(want), canonicalConfig(c.config)); diff != "" {
			t.Errorf("%s configuration %s mismatch (-want +got):\n%s", c.name, when, diff)
		}
	}
}
