package tunnel_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// faultVerifyTimeout bounds the verification in failure tests.
const faultVerifyTimeout = "2s"

// faultConcurrency is how many failure cases of one sequence run at once.
const faultConcurrency = 4

// routerStateRE finds the router state every failure message ends with.
var routerStateRE = regexp.MustCompile(`router: running (.*), saved (\w+)\n`)

// fault is one way of breaking a command of the sequence.
type fault struct {
	name   string
	faults func(cmd string, occurrence int) rtxtest.Faults
}

var faultKinds = []fault{
	{"error", func(cmd string, n int) rtxtest.Faults {
		return rtxtest.Faults{FailCommands: []rtxtest.CommandFault{{Command: cmd, Occurrence: n}}}
	}},
	{"drop before", func(cmd string, n int) rtxtest.Faults {
		return rtxtest.Faults{Drops: []rtxtest.DropFault{{Command: cmd, Occurrence: n, When: "before"}}}
	}},
	{"drop after", func(cmd string, n int) rtxtest.Faults {
		return rtxtest.Faults{Drops: []rtxtest.DropFault{{Command: cmd, Occurrence: n, When: "after"}}}
	}},
}

// TestTunnelFaults breaks every command of the `tunnel on` and `tunnel off`
// sequences in turn (a router error, the connection dropped before it, the
// connection dropped after it) and checks that the saved configuration is
// never half-applied, that the message states what the router really runs
// and has saved, and that running the same command again converges.
func TestTunnelFaults(t *testing.T) {
	t.Parallel()
	type sequence struct {
		combo
		verb, from, to string
		// oldFirmware has no rollback timer: a change cut off stays
		// half-applied until the next run, which must not wait for anything.
		oldFirmware bool
	}
	sequences := []sequence{
		{combo{"ssh", "ja"}, "tunnel on", "off", "on", false},
		{combo{"ssh", "ja"}, "tunnel off", "on", "off", false},
		{combo{"telnet", "en"}, "tunnel on", "off", "on", false},
		{combo{"telnet", "en"}, "tunnel off", "on", "off", false},
		{combo{"ssh", "ja"}, "tunnel on", "off", "on", true},
	}
	for _, sq := range sequences {
		name := sq.combo.String() + "/" + sq.verb
		if sq.oldFirmware {
			name += "/old firmware"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			edit := func(sc *rtxtest.Scenario) {
				if sq.oldFirmware {
					sc.Revision = "14.01.20"
				}
			}
			// The sequence is what a successful run sends.
			clean := newFake(t, sq.combo, sq.from, edit)
			wantExit(t, clean.run(t, sq.verb, "--verify-timeout", faultVerifyTimeout), 0)
			seq := clean.Server.Router.Commands()
			// The cases mostly wait for the network: run more of them at
			// once than -parallel allows (t.Run may be called from several
			// goroutines; these subtests are not parallel).
			var wg sync.WaitGroup
			slots := make(chan struct{}, faultConcurrency)
			for i, cmd := range seq {
				n := occurrences(seq[:i+1], cmd)
				for _, k := range faultKinds {
					wg.Go(func() {
						slots <- struct{}{}
						defer func() { <-slots }()
						t.Run(fmt.Sprintf("%02d %q %s", i, cmd, k.name), func(t *testing.T) {
							f := newFake(t, sq.combo, sq.from, func(sc *rtxtest.Scenario) {
								edit(sc)
								sc.Faults = k.faults(cmd, n)
							})
							testFault(t, f, sq.verb, sq.from, sq.to, !sq.oldFirmware)
						})
					})
				}
			}
			wg.Wait()
		})
	}
}

func occurrences(cmds []string, cmd string) int {
	n := 0
	for _, c := range cmds {
		if c == cmd {
			n++
		}
	}
	return n
}

// testFault runs verb against f, whose faults are set, then again without
// faults; wait lets the router's clock pass first, so that a rollback
// timer left by a dropped session fires.
func testFault(t *testing.T, f *fake, verb, from, to string, wait bool) {
	c := f.combo
	r := f.run(t, verb, "--verify-timeout", faultVerifyTimeout)

	saved := canonical(f.Server.Router.SavedConfig())
	running := bgpLines(f.Server.Router.RunningConfig())
	isState := func(config []string, state string) bool {
		return cmp.Equal(config, canonical(golden(t, goldenName(c.lang, state))))
	}
	runs := func(state string) bool {
		return cmp.Equal(running, bgpLines(golden(t, goldenName(c.lang, state))))
	}
	if !isState(saved, from) && !isState(saved, to) {
		t.Errorf("saved configuration is neither %s nor %s:\n%s", from, to, strings.Join(saved, "\n"))
	}
	if r.code == 0 {
		if !isState(saved, to) || !runs(to) {
			t.Errorf("exit status 0 but the router does not run and save %s: running\n%s", to, strings.Join(running, "\n"))
		}
	} else {
		checkStatedState(t, r.stderr, from, to, isState(saved, from), runs)
	}

	// The fault is gone (and, with a rollback timer, time passes so that
	// one left by a dropped session fires): the same command converges.
	f.Server.Router.SetFaults(rtxtest.Faults{})
	if wait {
		f.Server.Router.Advance(10 * time.Minute)
	}
	again := f.run(t, verb, "--verify-timeout", faultVerifyTimeout)
	wantExit(t, again, 0)
	f.checkSaved(t, to)
	f.checkRunning(t, to)
}

// checkStatedState checks the router state a failure message claims.
func checkStatedState(t *testing.T, stderr, from, to string, savedFrom bool, runs func(string) bool) {
	t.Helper()
	m := routerStateRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Errorf("failure message does not state the router's state:\n%s", stderr)
		return
	}
	running, saved := m[1], m[2]
	if saved == "unchanged" && !savedFrom {
		t.Errorf("message says saved unchanged, but the saved configuration changed")
	}
	switch {
	case slices.Contains([]string{"unchanged", "reverted"}, running) && !runs(from):
		t.Errorf("message says running %s, but the router does not run the previous configuration", running)
	case running == to && !runs(to):
		t.Errorf("message says running %s, but the router does not run it", running)
	}
}
