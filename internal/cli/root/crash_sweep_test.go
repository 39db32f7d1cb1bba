//go:build linux

package root

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// sweepStep is one rtxctl run of a swept change: the command (such as
// "tunnel on") and its flags after the connection flags.
type sweepStep struct {
	verb string
	args []string
}

// TestCrashSweep kills the rtxctl binary (SIGKILL) at the commands of a
// change (issue 8): every command of `tunnel on`; every configuration
// command and every second (`tunnel off`) or third (`tunnel on --rollback-in
// 10m` followed by `confirm`) other command, which keeps the test within a
// minute on two cores. For command i of a reference run, on a fresh
// fake the runs before the one sending it exit 0, then that run, with each
// answer of the fake delayed by sweepDelay, is killed once the fake received
// command i and before it answered, and the fake finishes the command in
// flight. That run and the ones after it are then run again until each
// exits 0 (with --wait-leftover 1s one may first exit 6 for the killed run's
// rollback timer; the fake clock is then moved past it). A confirm that
// refuses a half-made change (killed between the change's configuration
// commands) must exit 10 and say so; rollback must then bring back the
// configuration before the change, running and saved, and the change is
// made again from the start. Right after the
// last exit 0, and again after every router-side timer has fired, the
// running and saved configurations must both be the requested state: no run
// exits 0 while leaving a timer that can undo its result.
func TestCrashSweep(t *testing.T) {
	t.Parallel()
	bin := buildRtxctl(t)
	verify := []string{"--verify-timeout", "5s"}
	for _, tt := range []struct {
		name     string
		from, to string // the golden files of the states before and after the change
		steps    []sweepStep
		stride   int // kill at every stride-th command, and at every configuration command
	}{
		{"tunnel on", "article-ja-tunnel-off.txt", "article-ja-tunnel-on.txt", []sweepStep{{"tunnel on", verify}}, 1},
		{"tunnel off", "article-ja-tunnel-on.txt", "article-ja-tunnel-off.txt", []sweepStep{{"tunnel off", verify}}, 2},
		{"rollback-in and confirm", "article-ja-tunnel-off.txt", "article-ja-tunnel-on.txt",
			[]sweepStep{{"tunnel on", append([]string{"--rollback-in", "10m"}, verify...)}, {"confirm", nil}}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			from, want := readGolden(t, tt.from), readGolden(t, tt.to)
			ref := startSweepRouter(t, from)
			var ends []int // the number of commands the fake received at the end of each step
			for _, s := range tt.steps {
				ref.mustExec(t, bin, s)
				ends = append(ends, len(ref.srv.Router.Commands()))
			}
			cmds := ref.srv.Router.Commands()
			t.Logf("%s sends %d commands", tt.name, len(cmds))
			for i, c := range cmds {
				if i%tt.stride != 0 && !configCommandRE.MatchString(c) {
					continue
				}
				k := 0 // the step sending command i
				for ends[k] <= i {
					k++
				}
				t.Run(fmt.Sprintf("%02d %s", i+1, c), func(t *testing.T) {
					t.Parallel()
					a := startSweepRouter(t, from)
					for _, s := range tt.steps[:k] {
						a.mustExec(t, bin, s)
					}
					a.killAt(t, bin, tt.steps[k], cmds, i)
					for j, s := range tt.steps[k:] {
						if !a.converge(t, bin, s, k+j < len(tt.steps)-1) {
							// The killed change was cut in the middle and
							// confirm refused it: roll it back, then change again.
							a.rollBackHalfMade(t, bin, verify, from)
							for _, s := range tt.steps {
								a.mustExec(t, bin, s)
							}
							break
						}
					}
					a.checkConfigs(t, "right after the last run exited 0", want)
					a.srv.Router.Advance(24 * time.Hour)
					a.checkConfigs(t, "once every router timer fired", want)
				})
			}
		})
	}
}

// mustExec runs step s of bin's rtxctl and fails t unless it exits 0.
func (a *acceptanceRouter) mustExec(t *testing.T, bin rtxctlBinary, s sweepStep) {
	t.Helper()
	if r := a.exec(t, bin, s.verb, nil, s.args...); r.code != 0 {
		t.Fatalf("rtxctl %s: exit status %d\nstderr:\n%s", s.verb, r.code, r.stderr)
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

// killAt starts step s of bin's rtxctl in the background with every answer of the
// fake delayed by sweepDelay, kills it with SIGKILL once the fake received
// cmds[i] (the reference run's command i), and lets the fake finish the
// command in flight before answering at once again.
func (a *acceptanceRouter) killAt(t *testing.T, bin rtxctlBinary, s sweepStep, cmds []string, i int) {
	t.Helper()
	router := a.srv.Router
	router.SetFaults(rtxtest.Faults{ResponseDelay: sweepDelay})
	args := append(strings.Fields(s.verb), a.conn...)
	cmd := exec.CommandContext(t.Context(), bin.rtxctl, append(args, s.args...)...)
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
				s.verb, err, i+1, cmds[i], strings.Join(router.Commands(), "\n"), &stderr)
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

// converge runs step s of bin's rtxctl until it exits 0: a first run with
// --wait-leftover 1s may exit 6 for a killed run's rollback timer; the fake
// clock is then moved past that timer (and the killed session's login
// timer, but not a 10-minute pending change) and the second run must exit 0.
// When more steps follow (the confirm of a --rollback-in change), a refusal
// because the killed run's change is pending ends the step instead: the
// next step deals with that change. converge returns false when confirm
// refused the killed run's half-made change (exit status 10, checked to
// name the router, what it runs and saves, when its schedule restores the
// saved configuration, and the rollback to run); nothing was saved.
func (a *acceptanceRouter) converge(t *testing.T, bin rtxctlBinary, s sweepStep, more bool) bool {
	t.Helper()
	r := a.exec(t, bin, s.verb, nil, append(slices.Clone(s.args), "--wait-leftover", "1s")...)
	if r.code == 6 && strings.Contains(r.stderr, "rollback timer armed") {
		t.Logf("rtxctl %s after the kill: exit status 6 for the leftover rollback timer", s.verb)
		a.srv.Router.Advance(6 * time.Minute)
		r = a.exec(t, bin, s.verb, nil, s.args...)
	}
	if more && r.code == 1 && strings.Contains(r.stderr, ": a change is pending;") {
		t.Logf("rtxctl %s after the kill: refused, the killed run's change is pending", s.verb)
		return true
	}
	if s.verb == "confirm" && r.code == 10 {
		t.Logf("rtxctl confirm after the kill: refused, the router runs a half-made change:\n%s", r.stderr)
		for _, want := range []string{
			"at 127.0.0.1 was not confirmed and nothing was saved",
			"cut off (killed, or its connection lost) in the middle of it, before the change was complete and verified",
			"router: running a half-made change (not saved), saved unchanged",
			"the router's schedule 1 restores the saved configuration at ",
			"run `rtxctl rollback --host 127.0.0.1` to undo it now",
		} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("rtxctl confirm after the kill: stderr does not say %q:\n%s", want, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "neither the pending change nor the previous one") {
			t.Errorf("rtxctl confirm after the kill: stderr has the library's words:\n%s", r.stderr)
		}
		return false
	}
	if r.code != 0 {
		t.Fatalf("rtxctl %s after the kill: exit status %d\nstderr:\n%s", s.verb, r.code, r.stderr)
	}
	return true
}

// rollBackHalfMade runs `rollback` after confirm refused a half-made change:
// it must exit 0 at once and leave running == saved == from (the schedule
// entry removed), with nothing left to confirm.
func (a *acceptanceRouter) rollBackHalfMade(t *testing.T, bin rtxctlBinary, verify, from []string) {
	t.Helper()
	a.checkSaved(t, "after confirm refused the half-made change", from)
	a.mustExec(t, bin, sweepStep{"rollback", verify})
	a.checkConfigs(t, "after rolling back the half-made change", from)
	r := a.exec(t, bin, "confirm", nil)
	if r.code != 0 || !strings.Contains(r.stderr, "nothing to confirm at 127.0.0.1: no pending change") {
		t.Errorf("rtxctl confirm after the rollback: exit status %d, want 0 and nothing pending\nstderr:\n%s", r.code, r.stderr)
	}
}

// checkConfigs fails t unless the fake's running and saved configurations
// are both want, the BGP lines in canonical order.
func (a *acceptanceRouter) checkConfigs(t *testing.T, when string, want []string) {
	t.Helper()
	checkConfig(t, "running", a.srv.Router.RunningConfig(), when, want)
	a.checkSaved(t, when, want)
}

// checkSaved fails t unless the fake's saved configuration is want.
func (a *acceptanceRouter) checkSaved(t *testing.T, when string, want []string) {
	t.Helper()
	checkConfig(t, "saved", a.srv.Router.SavedConfig(), when, want)
}

// checkConfig fails t unless config, the fake's configuration called name,
// is want, the BGP lines in canonical order.
func checkConfig(t *testing.T, name string, config []string, when string, want []string) {
	t.Helper()
	if diff := cmp.Diff(canonicalConfig(want), canonicalConfig(config)); diff != "" {
		t.Errorf("%s configuration %s mismatch (-want +got):\n%s", name, when, diff)
	}
}
