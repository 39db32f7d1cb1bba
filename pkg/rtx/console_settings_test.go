package rtx_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

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
