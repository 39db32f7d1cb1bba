package rtxtest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var tunnelOn = []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2", "bgp configure refresh"}

func runAll(c *testConsole, cmds []string) {
	c.t.Helper()
	for _, cmd := range cmds {
		for _, line := range c.run(cmd, "# ") {
			if strings.HasPrefix(line, "Error") {
				c.t.Fatalf("%q failed: %q", cmd, line)
			}
		}
	}
}

// assertBGPRestarted checks that the neighbor is Active right after event
// and that, three seconds later, only the saved configuration's route is
// advertised.
func assertBGPRestarted(t *testing.T, r *Router, event string) {
	t.Helper()
	if got := r.NeighborState(peer); got != "Active" {
		t.Errorf("neighbor right after %s = %q, want Active", event, got)
	}
	r.Advance(3 * time.Second)
	if diff := cmp.Diff([]string{"192.168.100.0/24"}, r.AdvertisedRoutes(peer)); diff != "" {
		t.Errorf("advertised routes after %s (-want +got):\n%s", event, diff)
	}
}

func TestNextAfter(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 3, 28, 10, 0, 0, 0, jst) // a Friday
	tests := []struct {
		date, clock string
		want        time.Time
	}{
		{"*/*", "03:00", time.Date(2025, 3, 29, 3, 0, 0, 0, jst)},
		{"*/*", "*:30:15", time.Date(2025, 3, 28, 10, 30, 15, 0, jst)},
		{"*/*", "10:00", time.Date(2025, 3, 29, 10, 0, 0, 0, jst)},
		{"4/1", "0:00", time.Date(2025, 4, 1, 0, 0, 0, 0, jst)},
		{"*/sat,sun", "12:00", time.Date(2025, 3, 29, 12, 0, 0, 0, jst)},
		{"*/mon-fri", "09:00", time.Date(2025, 3, 31, 9, 0, 0, 0, jst)},
		{"-2/-5", "1:02:03", time.Date(2026, 1, 1, 1, 2, 3, 0, jst)},
		{"3-/28-", "10,11:*", time.Date(2025, 3, 28, 10, 1, 0, 0, jst)},
		{"2/30", "00:00", time.Time{}},
	}
	for _, tt := range tests {
		ts, err := parseTimeSpec(tt.date, tt.clock)
		if err != nil {
			t.Fatalf("parseTimeSpec(%q, %q): %v", tt.date, tt.clock, err)
		}
		if got := ts.nextAfter(start); !got.Equal(tt.want) {
			t.Errorf("next %s %s after %v = %v, want %v", tt.date, tt.clock, start, got, tt.want)
		}
	}
}

func TestScheduleRelativeRestart(t *testing.T) {
	t.Parallel()
	r := NewRouter(longSessionScenario())
	c := adminConsole(t, r)
	runAll(c, append(slices.Clone(tunnelOn), "schedule at 1 +600 * restart"))
	r.Advance(3 * time.Second)
	if got := r.AdvertisedRoutes(peer); !slices.Contains(got, "default") {
		t.Fatalf("advertised routes with the tunnel on = %q, want default among them", got)
	}
	r.Advance(596 * time.Second)
	if !slices.Contains(r.RunningConfig(), "schedule at 1 +600 * restart") {
		t.Fatalf("schedule fired early: %q", r.RunningConfig())
	}
	r.Advance(time.Second)
	if err := c.wait(); !errors.Is(err, ErrDropped) {
		t.Fatalf("session after the scheduled restart = %v, want ErrDropped", err)
	}
	if diff := cmp.Diff(r.SavedConfig(), r.RunningConfig()); diff != "" {
		t.Errorf("running config after restart (-saved +running):\n%s", diff)
	}
	assertBGPRestarted(t, r, "restart")
}

func TestScheduleLoad(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 3, 28, 10, 0, 0, 0, jst)
	tests := []struct {
		name     string
		revision string
		schedule string
		advance  time.Duration
		restored bool
	}{
		{"relative", "", "schedule at 1 +60 * load 0 silent", 60 * time.Second, true},
		{"relative not yet", "", "schedule at 1 +60 * load 0 silent", 59 * time.Second, false},
		{"absolute", "", "schedule at 1 3/28 10:05 * load 0", 5 * time.Minute, true},
		{"load not allowed in schedules", "14.01.27", "schedule at 1 3/28 10:05 * load 0", 5 * time.Minute, false},
		{"cannot schedule save", "", "schedule at 1 +60 * save", 60 * time.Second, false},
		{"cannot schedule refresh", "", "schedule at 1 +60 * bgp configure refresh", 60 * time.Second, false},
		{"cannot schedule console lines", "", "schedule at 1 +60 * console lines 10", 60 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := longSessionScenario()
			sc.StartTime = start
			sc.Revision = tt.revision
			r := NewRouter(sc)
			saved := r.SavedConfig()
			c := adminConsole(t, r)
			runAll(c, append(slices.Clone(tunnelOn), tt.schedule))
			r.Advance(tt.advance)
			gotRestored := cmp.Equal(saved, r.RunningConfig())
			if gotRestored != tt.restored {
				t.Fatalf("running config restored = %v, want %v; running %q", gotRestored, tt.restored, r.RunningConfig())
			}
			if !tt.restored {
				return
			}
			assertBGPRestarted(t, r, "the scheduled load")
		})
	}
}

func TestScheduleOneShot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		keep     bool
		wantLine bool
	}{
		{"removes itself", false, false},
		{"kept by variant", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := longSessionScenario()
			sc.Variants.ScheduleKeep = tt.keep
			r := NewRouter(sc)
			c := adminConsole(t, r)
			runAll(c, []string{"schedule at 7 +10 * bgp use off"})
			r.Advance(10 * time.Second)
			running := r.RunningConfig()
			if !slices.Contains(running, "bgp use off") {
				t.Fatalf("scheduled command did not run: %q", running)
			}
			if got := slices.Contains(running, "schedule at 7 +10 * bgp use off"); got != tt.wantLine {
				t.Errorf("schedule line present after firing = %v, want %v", got, tt.wantLine)
			}
			runAll(c, []string{"bgp use on"})
			r.Advance(time.Hour)
			if !slices.Contains(r.RunningConfig(), "bgp use on") {
				t.Errorf("one-shot schedule fired twice: %q", r.RunningConfig())
			}
		})
	}
}

func TestScheduleRemovedAndRecurring(t *testing.T) {
	t.Parallel()
	sc := longSessionScenario()
	sc.StartTime = time.Date(2025, 3, 28, 10, 0, 0, 0, jst)
	r := NewRouter(sc)
	c := adminConsole(t, r)
	runAll(c, []string{"schedule at 1 +60 * bgp use off", "no schedule at 1", "schedule at 2 */* *:30 * no bgp log"})
	r.Advance(time.Hour)
	if !slices.Contains(r.RunningConfig(), "bgp use on") {
		t.Errorf("removed schedule fired: %q", r.RunningConfig())
	}
	runAll(c, []string{"bgp log neighbor"})
	r.Advance(time.Hour)
	if slices.Contains(r.RunningConfig(), "bgp log neighbor") {
		t.Errorf("recurring schedule did not fire again: %q", r.RunningConfig())
	}
}

func TestScheduleStartup(t *testing.T) {
	t.Parallel()
	sc := longSessionScenario()
	sc.SavedConfig += "schedule at 3 startup * bgp use off\n"
	r := NewRouter(sc)
	c := adminConsole(t, r)
	c.send("restart\r")
	if err := c.wait(); !errors.Is(err, ErrDropped) {
		t.Fatalf("restart = %v, want ErrDropped", err)
	}
	if !slices.Contains(r.RunningConfig(), "bgp use off") {
		t.Errorf("startup schedule did not run: %q", r.RunningConfig())
	}
}

func TestRollbackTimer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		edit      func(*Scenario)
		arm       []string
		after     func(*testing.T, *Router, *testConsole) // between the change and the expiry
		advance   time.Duration
		restored  bool
		refreshed bool // the default route is withdrawn after the restore
	}{
		{name: "expires", arm: []string{"rollback timer 60"}, advance: 60 * time.Second, restored: true, refreshed: true},
		{name: "not yet", arm: []string{"rollback timer 60"}, advance: 59 * time.Second},
		{name: "restore without refresh", edit: func(sc *Scenario) { sc.Variants.RollbackNoRefresh = true }, arm: []string{"rollback timer 60"}, advance: 60 * time.Second, restored: true},
		{name: "confirm stops it", arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) { runAll(c, []string{"confirm"}) }, advance: time.Hour},
		{name: "save stops it", arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) { runAll(c, []string{"save"}) }, advance: time.Hour},
		{name: "load stops it", arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) {
			runAll(c, []string{"load 0 silent"})
			runAll(c, tunnelOn)
		}, advance: time.Hour},
		{name: "exit stops it", arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) {
			c.send("exit\r")
			c.expect("(Y/N)")
			c.send("N")
			c.expectEnd("> ")
		}, advance: time.Hour},
		{name: "re-arming replaces it", arm: []string{"rollback timer 60", "rollback timer 600"}, advance: 61 * time.Second},
		{name: "login timer expiry restores", edit: func(sc *Scenario) { sc.LoginTimer = 120 }, arm: []string{"rollback timer 600"}, advance: 121 * time.Second, restored: true, refreshed: true},
		{name: "dropped connection keeps it", arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) {
			c.in.Close()
			c.wait()
		}, advance: 60 * time.Second, restored: true, refreshed: true},
		{name: "dropped connection ends it at the login timer", edit: func(sc *Scenario) { sc.LoginTimer = 120 }, arm: []string{"rollback timer 1000"}, after: func(t *testing.T, r *Router, c *testConsole) {
			c.in.Close()
			c.wait()
		}, advance: 120 * time.Second, restored: true, refreshed: true},
		{name: "dropped connection cancels it", edit: func(sc *Scenario) { sc.Variants.RollbackOnDrop = "cancel" }, arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) {
			c.in.Close()
			c.wait()
		}, advance: time.Hour},
		{name: "dropped by a fault keeps it", edit: func(sc *Scenario) {
			sc.Faults.Drops = []DropFault{{Command: "show environment"}}
		}, arm: []string{"rollback timer 60"}, after: func(t *testing.T, r *Router, c *testConsole) {
			c.send("show environment\r")
			if err := c.wait(); !errors.Is(err, ErrDropped) {
				t.Fatalf("dropped session = %v, want ErrDropped", err)
			}
		}, advance: 60 * time.Second, restored: true, refreshed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(editScenario(longSessionScenario(), tt.edit))
			before := r.RunningConfig()
			c := adminConsole(t, r)
			runAll(c, tt.arm)
			runAll(c, tunnelOn)
			r.Advance(3 * time.Second)
			changed := r.RunningConfig()
			if tt.after != nil {
				tt.after(t, r, c)
			}
			r.Advance(tt.advance - 3*time.Second)
			want := changed
			if tt.restored {
				want = before
			}
			if diff := cmp.Diff(want, r.RunningConfig()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
			if tt.restored {
				r.Advance(3 * time.Second) // let the neighbor re-establish after the restore
			}
			gotDefault := slices.Contains(r.AdvertisedRoutes(peer), "default")
			if wantDefault := !tt.refreshed; gotDefault != wantDefault {
				t.Errorf("default advertised after the restore window = %v, want %v", gotDefault, wantDefault)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cmd  string
		want []string // output
	}{
		{"silent", "load 0 silent", nil},
		{"difference", "load config 0 difference no-key-generate", []string{"bgp import 65521 static filter 1"}},
		{"no refresh", "load file 0 silent no-configure-refresh", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(longSessionScenario())
			c := adminConsole(t, r)
			runAll(c, tunnelOn)
			r.Advance(3 * time.Second)
			if diff := cmp.Diff(tt.want, c.run(tt.cmd, "# ")); diff != "" {
				t.Errorf("%q output mismatch (-want +got):\n%s", tt.cmd, diff)
			}
			if diff := cmp.Diff(r.SavedConfig(), r.RunningConfig()); diff != "" {
				t.Errorf("running config after load (-saved +running):\n%s", diff)
			}
			wantState := "Active"
			if strings.Contains(tt.cmd, "no-configure-refresh") {
				wantState = "Established"
			}
			if got := r.NeighborState(peer); got != wantState {
				t.Errorf("neighbor after %q = %q, want %q", tt.cmd, got, wantState)
			}
		})
	}
}

func TestLoadVerbose(t *testing.T) {
	t.Parallel()
	r := NewRouter(longSessionScenario())
	c := adminConsole(t, r)
	got := c.run("load 0", "# ")
	var want []string
	for _, l := range r.SavedConfig() {
		want = append(want, wrap(l, 79, false)...)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("load output mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadRollbackTimer(t *testing.T) {
	t.Parallel()
	r := NewRouter(longSessionScenario())
	c := adminConsole(t, r)
	runAll(c, tunnelOn)
	changed := r.RunningConfig()
	runAll(c, []string{"load 0 silent rollback-timer=120"})
	if diff := cmp.Diff(r.SavedConfig(), r.RunningConfig()); diff != "" {
		t.Errorf("running config after load (-saved +running):\n%s", diff)
	}
	r.Advance(120 * time.Second)
	if diff := cmp.Diff(changed, r.RunningConfig()); diff != "" {
		t.Errorf("running config after the load's rollback timer (-want +got):\n%s", diff)
	}
}

func TestSaveSlots(t *testing.T) {
	t.Parallel()
	r := NewRouter(longSessionScenario())
	c := adminConsole(t, r)
	runAll(c, append(slices.Clone(tunnelOn), "save 1", "load 0 silent"))
	if got := c.run(`show config 1 | grep "filter 2"`, "# "); len(got) != 2 {
		t.Errorf("show config 1 | grep = %q, want the saved filter 2 line", got)
	}
	runAll(c, []string{"load 1 silent"})
	if !slices.Contains(r.RunningConfig(), "bgp import 65521 static filter 1 2") {
		t.Errorf("load 1 did not restore config 1: %q", r.RunningConfig())
	}
}

func TestScheduleFiresWhileSessionWaits(t *testing.T) {
	t.Parallel()
	r := NewRouter(longSessionScenario())
	c := adminConsole(t, r)
	runAll(c, []string{"schedule at 1 +1 * restart"})
	// No input and no Advance: the waiting session fires the schedule when real time reaches it.
	if err := c.wait(); !errors.Is(err, ErrDropped) {
		t.Fatalf("session = %v, want ErrDropped by the scheduled restart", err)
	}
}
