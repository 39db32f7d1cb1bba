package rtxtest

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// configReport is one call of a [Router.ObserveConfig] function.
type configReport struct {
	Running, Saved []string
}

// reportLog records the calls of an observer.
type reportLog struct {
	mu      sync.Mutex
	reports []configReport
	changed chan struct{} // closed and replaced on every call
}

func (l *reportLog) observe(running, saved []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reports = append(l.reports, configReport{running, saved})
	close(l.changed)
	l.changed = make(chan struct{})
}

// take returns the calls so far, waiting until there are at least n, and forgets them.
func (l *reportLog) take(t *testing.T, n int) []configReport {
	t.Helper()
	deadline := time.NewTimer(expectTimeout)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		got, changed := l.reports, l.changed
		if len(got) >= n {
			l.reports = nil
			l.mu.Unlock()
			return got
		}
		l.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("observer called %d times, want %d", len(got), n)
		}
	}
}

func TestObserveConfig(t *testing.T) {
	t.Parallel()
	r := NewRouter(longSessionScenario())
	log := &reportLog{changed: make(chan struct{})}
	r.ObserveConfig(log.observe)
	initial := r.SavedConfig()
	if diff := cmp.Diff([]configReport{{initial, initial}}, log.take(t, 0)); diff != "" {
		t.Fatalf("report when observing starts mismatch (-want +got):\n%s", diff)
	}
	c := adminConsole(t, r)
	// Each step's reports are compared with the router's configurations once the step is
	// done. A prompt-driven step's report must be there when the prompt is (no waiting).
	steps := []struct {
		name    string
		do      func()
		reports int
		async   bool
	}{
		{name: "login and show", do: func() { c.run("show config", "# ") }},
		{name: "configuration command", do: func() { c.run("bgp import filter 2 include 0.0.0.0/0", "# ") }, reports: 1},
		{name: "save", do: func() { c.run("save", "# ") }, reports: 1},
		{name: "rollback timer armed", do: func() { c.run("rollback timer 60", "# ") }},
		{name: "change under the timer", do: func() { c.run("ip lan1 address 192.168.100.2/24", "# ") }, reports: 1},
		{name: "timer expires", do: func() { r.Advance(61 * time.Second) }, reports: 1, async: true},
		{name: "unsaved change", do: func() { c.run("ip lan1 address 192.168.100.3/24", "# ") }, reports: 1},
		{name: "restart ends the session", do: func() {
			c.send("restart\r")
			if err := c.wait(); err != ErrDropped {
				t.Fatalf("ServeConsole after restart = %v, want ErrDropped", err)
			}
		}, reports: 1},
	}
	for _, st := range steps {
		st.do()
		wait := 0
		if st.async {
			wait = st.reports
		}
		got := log.take(t, wait)
		var want []configReport
		if st.reports > 0 {
			want = []configReport{{r.RunningConfig(), r.SavedConfig()}}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reports mismatch (-want +got):\n%s", st.name, diff)
		}
	}
}

func TestObserveConfigStop(t *testing.T) {
	t.Parallel()
	r := NewRouter(englishScenario())
	log := &reportLog{changed: make(chan struct{})}
	r.ObserveConfig(log.observe)
	log.take(t, 1)
	r.ObserveConfig(nil)
	c := adminConsole(t, r)
	c.run("ip lan1 address 192.168.100.2/24", "# ")
	if got := log.take(t, 0); got != nil {
		t.Errorf("reports after ObserveConfig(nil) = %q, want none", got)
	}
}
