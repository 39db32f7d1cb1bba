//go:build linux

package root

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// floodRSSLimit is the most memory rtxctl may use against a router that
// floods it (issue 8).
const floodRSSLimit = 100 << 20

// TestIssue8Flood runs the rtxctl binary against a fake router that answers
// a command with output and never a prompt, during the read-only status and
// in the middle of `tunnel on` (after a configuration command ran): rtxctl
// must exit non-zero within --timeout + 5 s, with its peak memory under
// 100 MiB, say why, and leave the router as it was: the saved
// configuration untouched and, once the router's rollback timer fired, the
// running configuration equal to it but for the console settings the
// flooded session could not restore, which the next run restores. With the
// default --max-output the limit ends the session; with a large one, the
// deadline does while the router keeps sending (what is kept until then
// grows with the time: about 80 MiB at peak after one second here).
func TestIssue8Flood(t *testing.T) {
	t.Parallel()
	bin := buildRtxctl(t)
	const (
		statusFlood = "show config | grep bgp"
		tunnelFlood = "bgp import 65521 static filter 1 2"
		limitWhy    = "router sent more than 16 MiB without a prompt"
		limitHint   = "hint: if the command's output really is that long, raise --max-output\n"
		sendingWhy  = "router still sending without a prompt when the time ran out"
		sendingHint = "hint: the router kept sending without a prompt; if the output really is that long, raise --timeout (and --max-output)\n"
	)
	tests := []struct {
		name    string
		verb    string
		flood   rtxtest.FloodFault
		extra   []string
		timeout time.Duration
		why     string
		hint    string
	}{
		{"status at the limit", "status", rtxtest.FloodFault{Command: statusFlood}, nil, 5 * time.Second, limitWhy, limitHint},
		{"status at the deadline while sending", "status", rtxtest.FloodFault{Command: statusFlood}, []string{"--max-output", "1GiB"}, 1 * time.Second, sendingWhy, sendingHint},
		{"tunnel on at the limit", "tunnel on", rtxtest.FloodFault{Command: tunnelFlood, After: "output"}, []string{"--verify-timeout", "5s"}, 5 * time.Second, limitWhy, limitHint},
		{"tunnel on at the deadline while sending", "tunnel on", rtxtest.FloodFault{Command: tunnelFlood, After: "output"}, []string{"--verify-timeout", "5s", "--max-output", "1GiB"}, 1 * time.Second, sendingWhy, sendingHint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAcceptanceRouter(t, "ssh", "en", func(sc *rtxtest.Scenario) {
				tt.flood.Occurrence = 1
				sc.Faults.Floods = []rtxtest.FloodFault{tt.flood}
			})
			saved := a.srv.Router.SavedConfig()
			r := a.exec(t, bin, tt.verb, nil, append(slices.Clone(tt.extra), "--timeout", tt.timeout.String())...)
			t.Logf("rtxctl %s: exit status %d after %v, peak RSS %.1f MiB", tt.verb, r.code, r.took.Round(time.Millisecond), mib(r.maxRSS))
			if r.code == 0 {
				t.Errorf("rtxctl %s: exit status 0, want a failure", tt.verb)
			}
			if limit := tt.timeout + 5*time.Second; r.took > limit {
				t.Errorf("rtxctl %s took %v, want at most %v", tt.verb, r.took, limit)
			}
			if r.maxRSS > floodRSSLimit {
				t.Errorf("rtxctl %s: peak RSS %.1f MiB, want under %.0f MiB", tt.verb, mib(r.maxRSS), mib(floodRSSLimit))
			}
			if !strings.Contains(r.stderr, tt.why) {
				t.Errorf("rtxctl %s: stderr does not say %q:\n%s", tt.verb, tt.why, r.stderr)
			}
			if !strings.HasSuffix(r.stderr, tt.hint) {
				t.Errorf("rtxctl %s: stderr does not end with %q:\n%s", tt.verb, tt.hint, r.stderr)
			}
			if tt.verb == "tunnel on" && !strings.Contains(r.stderr, "; router: running unknown (the rollback timer restores the previous configuration), saved unchanged\n") {
				t.Errorf("rtxctl %s: stderr does not end its error with the router's state:\n%s", tt.verb, r.stderr)
			}
			if diff := cmp.Diff(saved, a.srv.Router.SavedConfig()); diff != "" {
				t.Errorf("saved configuration changed by rtxctl %s (-before +after):\n%s", tt.verb, diff)
			}
			a.srv.Router.Advance(10 * time.Minute)
			if diff := cmp.Diff(withoutConsole(saved), withoutConsole(a.srv.Router.RunningConfig())); diff != "" {
				t.Errorf("running configuration after rtxctl %s and the router's timers (-saved +running):\n%s", tt.verb, diff)
			}
			var next []string
			if tt.verb == "tunnel on" {
				next = []string{"--verify-timeout", "5s"}
			}
			if r := a.exec(t, bin, tt.verb, nil, next...); r.code != 0 {
				t.Fatalf("rtxctl %s after the flood: exit status %d\n%s", tt.verb, r.code, r.stderr)
			}
			a.srv.Router.Advance(10 * time.Minute)
			if diff := cmp.Diff(a.srv.Router.SavedConfig(), a.srv.Router.RunningConfig()); diff != "" {
				t.Errorf("running configuration after the next rtxctl %s (-saved +running):\n%s", tt.verb, diff)
			}
		})
	}
}

// withoutConsole returns config without its console settings.
func withoutConsole(config []string) []string {
	return slices.DeleteFunc(slices.Clone(config), func(l string) bool { return strings.HasPrefix(l, "console ") })
}
