package tunnel_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/lock"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// verifyTimeout keeps the rollback timer (verify timeout + 120s) short and
// predictable in the command log.
const verifyTimeout = "5s"

const rollbackTimer = "rollback timer 125"

// addSaved returns a scenario edit appending lines to the saved (and
// running) configuration.
func addSaved(lines ...string) func(*rtxtest.Scenario) {
	return func(sc *rtxtest.Scenario) {
		sc.SavedConfig += strings.Join(lines, "\n") + "\n"
	}
}

// replaceSaved returns a scenario edit replacing a line of the saved (and
// running) configuration with lines ("" removes it).
func replaceSaved(line, lines string) func(*rtxtest.Scenario) {
	return func(sc *rtxtest.Scenario) {
		if lines != "" {
			lines += "\n"
		}
		sc.SavedConfig = strings.Replace(sc.SavedConfig, line+"\n", lines, 1)
	}
}

// configureWithoutRefresh changes the configuration to the golden state
// and saves it without `bgp configure refresh`, so that the BGP process
// still advertises the old state.
func configureWithoutRefresh(state string) func(*testing.T, *fake) {
	return func(t *testing.T, f *fake) {
		t.Helper()
		c := f.dial(t)
		want := rtx.ParseBGPLines(golden(t, goldenName(f.lang, state)))
		cur, err := rtx.ReadBGP(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		on, err := rtx.PlanTunnel(cur, rtx.TunnelState(state), rtx.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range on.Commands {
			if _, err := c.Run(t.Context(), cmd); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Save(t.Context()); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Lines(), on.After); diff != "" {
			t.Fatalf("setup configuration mismatch (-want +got):\n%s", diff)
		}
		// rtxctl waits while another administrator session is active.
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTunnel(t *testing.T) {
	t.Parallel()
	const (
		filter2   = "bgp import filter 2 include 0.0.0.0/0"
		import12  = "bgp import 65521 static filter 1 2"
		import1   = "bgp import 65521 static filter 1"
		noFilter2 = "no bgp import filter 2"
		refresh   = "bgp configure refresh"
	)
	tests := []struct {
		name    string
		saved   string // the tunnel state of the scenario's configuration
		edit    func(*rtxtest.Scenario)
		prepare func(*testing.T, *fake)
		env     map[string]string
		verb    string
		args    []string
		code    int
		// wantSaved is the golden state the saved configuration ends in;
		// "" means unchanged, "-" not checked.
		wantSaved    string
		wantRunning  string // as wantSaved, for the running BGP lines
		wantCommands []string
		stdout       []string
		stderr       []string
	}{
		{
			name: "on from off", saved: "off", verb: "tunnel on",
			wantSaved: "on", wantRunning: "on",
			wantCommands: []string{rollbackTimer, filter2, import12, refresh, "confirm", "save"},
			stdout:       []string{"- " + import1 + "\n", "+ " + filter2 + "\n", "+ " + import12 + "\n", "result: forced tunnel on applied and verified", "saved: yes"},
			stderr:       []string{"public IP addresses", "20.118.99.224/32", "40.83.235.53/32", "23.102.135.246/32", "docs/forced-tunnelling.md"},
		},
		{
			name: "on when on", saved: "on", verb: "tunnel on",
			stdout: []string{"forced tunnel on: peer AS 65521"},
			stderr: []string{"already on", "nothing to do"},
		},
		{
			name: "off from on", saved: "on", verb: "tunnel off",
			wantSaved: "off", wantRunning: "off",
			wantCommands: []string{rollbackTimer, import1, noFilter2, refresh, "confirm", "save"},
			stdout:       []string{"- " + filter2 + "\n", "- " + import12 + "\n", "+ " + import1 + "\n", "saved: yes"},
		},
		{
			name: "off when off", saved: "off", verb: "tunnel off",
			stderr: []string{"already off", "nothing to do"},
		},
		{
			name: "on with the filter defined but not referenced", saved: "off", edit: addSaved(filter2), verb: "tunnel on",
			wantSaved: "on", wantRunning: "on",
			wantCommands: []string{rollbackTimer, import12, refresh, "confirm", "save"},
		},
		{
			name: "off with the filter defined but not referenced", saved: "off", edit: addSaved(filter2), verb: "tunnel off",
			wantSaved: "off", wantRunning: "off",
			wantCommands: []string{rollbackTimer, noFilter2, refresh, "confirm", "save"},
		},
		{
			name: "on with the filter referenced but not defined", saved: "on", edit: replaceSaved(filter2, ""), verb: "tunnel on",
			wantSaved: "on", wantRunning: "on",
			wantCommands: []string{rollbackTimer, filter2, refresh, "confirm", "save"},
		},
		{
			name: "off with the filter referenced but not defined", saved: "on", edit: replaceSaved(filter2, ""), verb: "tunnel off",
			wantSaved: "off", wantRunning: "off",
			wantCommands: []string{rollbackTimer, import1, refresh, "confirm", "save"},
		},
		{
			name: "on when configured but not refreshed", saved: "off", prepare: configureWithoutRefresh("on"), verb: "tunnel on",
			wantSaved: "on", wantRunning: "on",
			wantCommands: []string{refresh, "save"},
			stdout:       []string{"refresh only"},
		},
		{
			name: "off when configured but not refreshed", saved: "on", prepare: configureWithoutRefresh("off"), verb: "tunnel off",
			wantSaved: "off", wantRunning: "off",
			wantCommands: []string{refresh, "save"},
		},
		{
			name: "filter id used for something else", saved: "off", edit: addSaved("bgp import filter 2 equal 10.0.0.0/8"), verb: "tunnel on",
			code:   cli.ExitUsage,
			stderr: []string{"import filter 2", "filter 3 is free", "--filter-id 3", "router: running unchanged, saved unchanged"},
		},
		{
			name: "several neighbors without --peer-as", saved: "off",
			edit: addSaved("bgp neighbor 2 65522 10.10.60.254 hold-time=30 local-address=192.168.254.1"), verb: "tunnel on",
			code:   cli.ExitUsage,
			stderr: []string{"65521 (neighbor 1, 10.10.50.254)", "65522 (neighbor 2, 10.10.60.254)", "--peer-as", "router: running unchanged, saved unchanged"},
		},
		{
			name: "dry run", saved: "off", verb: "tunnel on", args: []string{"--dry-run"},
			stdout: []string{"+ " + filter2 + "\n", "+ " + import12 + "\n"},
			stderr: []string{"dry run: no configuration command was sent"},
		},
		{
			name: "wrong administrator password", saved: "off", verb: "tunnel on",
			env:    map[string]string{cli.AdminPasswordEnv: "wrong"},
			code:   cli.ExitAuth,
			stderr: []string{"enter administrator mode", "router: running unchanged, saved unchanged"},
		},
		{
			name: "bgp never establishes", saved: "off", verb: "tunnel on", args: []string{"--verify-timeout", "1s"},
			edit: func(sc *rtxtest.Scenario) { sc.Faults.BGPNeverEstablishes = true },
			code: cli.ExitVerifyFailed, wantRunning: "off",
			wantCommands: []string{"rollback timer 121", filter2, import12, refresh, import1, "no bgp import filter 2", refresh},
			stderr:       []string{"verification failed", "not Established", "router: running reverted, saved unchanged"},
		},
		{
			name: "pending change that fails verification", saved: "off", verb: "tunnel on", args: []string{"--verify-timeout", "1s", "--rollback-in", "1m"},
			edit: func(sc *rtxtest.Scenario) { sc.Faults.BGPNeverEstablishes = true },
			code: cli.ExitVerifyFailed, wantRunning: "off",
			wantCommands: []string{"schedule at 1 +60 * load 0 difference silent", filter2, import12, refresh, import1, "no bgp import filter 2", refresh, "no schedule at 1"},
			stderr:       []string{"verification failed", "router: running reverted, saved unchanged"},
		},
		{
			name: "pending change", saved: "off", verb: "tunnel on", args: []string{"--rollback-in", "1m", "--verify-timeout", "5s"},
			wantRunning:  "on",
			wantCommands: []string{"schedule at 1 +60 * load 0 difference silent", filter2, import12, refresh},
			stdout:       []string{"saved: no (pending: journal entry 1)", "router rollback: schedule 1 (load 0 difference silent)"},
			stderr:       []string{"pending until "},
		},
		{
			name: "no save", saved: "off", verb: "tunnel on", args: []string{"--no-save"},
			wantRunning:  "on",
			wantCommands: []string{rollbackTimer, filter2, import12, refresh, "confirm"},
			stdout:       []string{"saved: no (--no-save)"},
			stderr:       []string{"not saved (--no-save)"},
		},
		{
			name: "on when another filter already imports the default route", saved: "off",
			edit:   replaceSaved(import1, "bgp import filter 5 equal 0.0.0.0/0\nbgp import 65521 static filter 1 5"),
			verb:   "tunnel on",
			stderr: []string{"already on", "nothing to do"},
		},
		{
			name: "off removes the default route imported by another filter", saved: "off",
			edit: replaceSaved(import1, "bgp import filter 5 equal 0.0.0.0/0\nbgp import 65521 static filter 1 5"),
			verb: "tunnel off", wantSaved: "off", wantRunning: "off",
			wantCommands: []string{rollbackTimer, import1, "no bgp import filter 5", refresh, "confirm", "save"},
		},
		{
			name: "on creates a missing import line", saved: "off", edit: replaceSaved(import1, ""),
			verb: "tunnel on", wantSaved: "-",
			wantCommands: []string{rollbackTimer, filter2, "bgp import 65521 static filter 2", refresh, "confirm", "save"},
		},
		{
			name: "off removes an import line left without filters", saved: "off",
			edit: replaceSaved(import1, filter2+"\nbgp import 65521 static filter 2"),
			verb: "tunnel off", wantSaved: "-",
			wantCommands: []string{rollbackTimer, "no bgp import 65521 static", noFilter2, refresh, "confirm", "save"},
		},
		{
			name: "console settings of the router's own", saved: "off", verb: "tunnel on",
			edit:         addSaved("console lines 40", "console columns 120"),
			wantSaved:    "-",
			wantCommands: []string{rollbackTimer, filter2, import12, refresh, "confirm", "save"},
		},
		{
			name: "firmware without rollback timer", saved: "off", verb: "tunnel on",
			edit:      func(sc *rtxtest.Scenario) { sc.Revision = "14.01.20" },
			wantSaved: "on", wantRunning: "on",
			wantCommands: []string{rollbackTimer, filter2, import12, refresh, "save"},
		},
		{
			name: "match equal", saved: "off", verb: "tunnel on", args: []string{"--match", "equal"},
			wantSaved:    "-",
			wantCommands: []string{rollbackTimer, "bgp import filter 2 equal 0.0.0.0/0", import12, refresh, "confirm", "save"},
		},
	}
	for _, c := range combos {
		t.Run(c.String(), func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					f := newFake(t, c, tt.saved, tt.edit)
					if tt.prepare != nil {
						tt.prepare(t, f)
					}
					initial := f.Server.Router.SavedConfig()
					mark := len(f.Server.Router.Commands())
					for k, v := range tt.env {
						f.Env[k] = v
					}
					args := append([]string{"--verify-timeout", verifyTimeout}, tt.args...)
					r := f.run(t, tt.verb, args...)
					wantExit(t, r, tt.code)
					wantContains(t, "stdout", r.stdout, tt.stdout...)
					wantContains(t, "stderr", r.stderr, tt.stderr...)
					if diff := cmp.Diff(tt.wantCommands, f.configCommands(mark)); diff != "" {
						t.Errorf("configuration commands mismatch (-want +got):\n%s", diff)
					}
					switch tt.wantSaved {
					case "":
						if diff := cmp.Diff(initial, f.Server.Router.SavedConfig()); diff != "" {
							t.Errorf("saved configuration changed (-before +after):\n%s", diff)
						}
					case "-":
					default:
						f.checkSaved(t, tt.wantSaved)
					}
					if tt.wantRunning != "" {
						f.checkRunning(t, tt.wantRunning)
					}
					checkConsoleSettings(t, initial, f.Server.Router.SavedConfig())
					if tt.code != 0 || tt.wantSaved == "" || tt.wantSaved == "-" {
						return
					}
					mark = len(f.Server.Router.Commands())
					again := f.run(t, tt.verb, "--verify-timeout", verifyTimeout)
					wantExit(t, again, 0)
					wantContains(t, "stderr of the second run", again.stderr, "nothing to do")
					if got := f.configCommands(mark); len(got) > 0 {
						t.Errorf("second run sent configuration commands %q", got)
					}
				})
			}
		})
	}
}

// checkConsoleSettings fails when the `console` lines of the saved
// configuration changed.
func checkConsoleSettings(t *testing.T, before, after []string) {
	t.Helper()
	console := func(lines []string) []string {
		return slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return !strings.HasPrefix(l, "console ") })
	}
	if diff := cmp.Diff(console(before), console(after)); diff != "" {
		t.Errorf("console settings in the saved configuration changed (-before +after):\n%s", diff)
	}
}

func TestTunnelLockHeld(t *testing.T) {
	t.Parallel()
	f := newFake(t, combos[0], "off", nil)
	// Before its first contact, a run takes the lock of the route it dials.
	release, err := lock.Acquire(t.Context(), filepath.Join(f.Env["XDG_STATE_HOME"], "rtxctl"), state.RouteLock(f.Route), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { release() })

	r := f.run(t, "tunnel on", "--lock-wait", "50ms")
	wantExit(t, r, cli.ExitLocked)
	wantContains(t, "stderr", r.stderr, "waiting up to 50ms for the lock of 127.0.0.1", "router: running unchanged, saved unchanged", "--lock-wait")
	if n := strings.Count(r.stderr, "waiting"); n != 1 {
		t.Errorf("stderr says %d times that it waits, want once:\n%s", n, r.stderr)
	}
	if got := f.Server.Router.Commands(); len(got) > 0 {
		t.Errorf("commands sent while the lock was held: %q", got)
	}

	if err := release(); err != nil {
		t.Fatal(err)
	}
	wantExit(t, f.run(t, "tunnel on", "--verify-timeout", verifyTimeout), 0)
	f.checkSaved(t, "on")
}

// TestTunnelJournal checks the backup and the journal a change leaves under
// $XDG_STATE_HOME/rtxctl/HOST.
func TestTunnelJournal(t *testing.T) {
	t.Parallel()
	f := newFake(t, combos[0], "off", nil)
	wantExit(t, f.run(t, "tunnel on", "--verify-timeout", verifyTimeout), 0)
	store := &state.Store{Root: filepath.Join(f.Env["XDG_STATE_HOME"], "rtxctl")}
	entries, warnings, err := store.Entries(store.Key("127.0.0.1", "127.0.0.1"))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Entries: %v, warnings %v", err, warnings)
	}
	if len(entries) != 2 {
		t.Fatalf("journal has %d entries, want 2 (the change and its result): %+v", len(entries), entries)
	}
	change, outcome := entries[0], entries[1]
	if diff := cmp.Diff(bgpLines(golden(t, "article-ja-tunnel-on")), change.After); diff != "" {
		t.Errorf("journal After mismatch (-want +got):\n%s", diff)
	}
	if change.Action != state.ActionTunnelOn || change.User.Login != "rtxctl" || len(change.Before) == 0 {
		t.Errorf("journal entry = %+v", change)
	}
	if outcome.Ref != change.ID || outcome.Result != state.ResultApplied || !outcome.Saved {
		t.Errorf("journal result = %+v", outcome)
	}
	info, err := os.Stat(change.Backup)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", info.Mode().Perm())
	}
	b, err := os.ReadFile(change.Backup)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, "backup", string(b), "# RTX1210 Rev.14.01.42", "bgp import 65521 static filter 1\n")
	if strings.Contains(string(b), "console ") {
		t.Errorf("backup holds the session's console settings:\n%s", b)
	}
}

// TestTunnelWaitsForRollbackTimer cuts the session off in the middle of a
// change: the router's rollback timer will restore the previous
// configuration, so a second run must not change anything before the
// timer has run out: with a shorter --wait-leftover it exits 6 having sent
// no configuration command, and once the router clock has passed the
// timer it converges.
func TestTunnelWaitsForRollbackTimer(t *testing.T) {
	t.Parallel()
	f := newFake(t, combos[0], "off", func(sc *rtxtest.Scenario) {
		sc.Faults.Drops = []rtxtest.DropFault{{Command: "bgp configure refresh", When: "after", Occurrence: 1}}
	})
	r := f.run(t, "tunnel on", "--verify-timeout", verifyTimeout)
	wantExit(t, r, cli.ExitFailure)
	wantContains(t, "stderr", r.stderr, "router: running unknown (the rollback timer restores the previous configuration), saved unchanged")
	f.checkSaved(t, "off")

	mark := len(f.Server.Router.Commands())
	r = f.run(t, "tunnel on", "--verify-timeout", verifyTimeout, "--wait-leftover", "1m")
	wantExit(t, r, cli.ExitLocked)
	wantContains(t, "stderr", r.stderr, "tunnel-on (journal entry 1) was cut off with the router's rollback timer armed", "later than --wait-leftover 1m0s allows; run again after that")
	if got := slices.DeleteFunc(f.Server.Router.Commands()[mark:], isReadOnly); len(got) > 0 {
		t.Errorf("commands sent while a rollback timer was pending: %q", got)
	}

	// The next run waits by itself: once it has read the router's identity
	// and then its clock twice, the clock moves past the timer (less than the login timer, so
	// that the waiting session, idle in between on the fake clock, stays),
	// the timer restores the previous configuration, and the run makes the
	// change again.
	done := make(chan result)
	go func() { done <- f.run(t, "tunnel on", "--verify-timeout", verifyTimeout) }()
	f.waitClockReads(t, 3)
	f.Server.Router.Advance(3 * time.Minute)
	r = <-done
	wantExit(t, r, 0)
	wantContains(t, "stderr", r.stderr, "for the rollback timer of the interrupted tunnel-on (journal entry 1) to run out")
	f.checkSaved(t, "on")
	f.checkRunning(t, "on")

	store := &state.Store{Root: filepath.Join(f.Env["XDG_STATE_HOME"], "rtxctl")}
	entries, _, err := store.Entries(store.Key("127.0.0.1", "127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	var results []state.Result
	for _, e := range entries {
		results = append(results, e.Result)
	}
	// The change, its outcome (the timer may still run), the record that
	// the third run found the timer run out, the third change and its
	// outcome.
	want := []state.Result{"", state.ResultFailed, state.ResultInterrupted, "", state.ResultApplied}
	if diff := cmp.Diff(want, results); diff != "" {
		t.Errorf("journal results mismatch (-want +got):\n%s", diff)
	}
	if left := state.Leftovers(entries); len(left) > 0 {
		t.Errorf("leftovers after converging: %+v", left)
	}
}

// waitClockReads waits until the fake has received n `show environment`
// (identity and clock readings) since the last `administrator`.
func (f *fake) waitClockReads(t *testing.T, n int) {
	t.Helper()
	for {
		cmds := f.Server.Router.Commands()
		reads := 0
		for _, c := range cmds[max(0, slices.Index(cmds, "administrator")):] {
			switch c {
			case "administrator":
				reads = 0
			case "show environment":
				reads++
			}
		}
		if reads >= n {
			return
		}
		select {
		case <-t.Context().Done():
			t.Fatal("the run never read the router clock")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// isReadOnly reports whether cmd only reads: login, administrator mode,
// console settings, show commands.
func isReadOnly(cmd string) bool {
	return strings.HasPrefix(cmd, "show ") || strings.HasPrefix(strings.TrimPrefix(cmd, "no "), "console ") || cmd == "administrator" || cmd == "exit" || cmd == "quit" || cmd == ""
}

// TestTunnelInterrupted cancels a change half-way, as SIGINT does: the
// change is undone, nothing is saved, and the message says so.
func TestTunnelInterrupted(t *testing.T) {
	t.Parallel()
	f := newFake(t, combos[0], "off", func(sc *rtxtest.Scenario) { sc.Faults.ResponseDelay = 20 * time.Millisecond })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for !slices.Contains(f.Server.Router.Commands(), "bgp import filter 2 include 0.0.0.0/0") {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
		cancel()
	}()
	r := f.runContext(t, ctx, "tunnel on", "--verify-timeout", verifyTimeout)
	wantExit(t, r, cli.ExitInterrupted)
	wantContains(t, "stderr", r.stderr, "rtxctl: interrupted: tunnel on at 127.0.0.1:", "router: running reverted, saved unchanged")
	f.checkSaved(t, "off")
	f.checkRunning(t, "off")
}
