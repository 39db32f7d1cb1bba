package rtx

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// legacyRevision is a firmware before Rev.14.01 (RTX3500), whose console
// character names are `sjis`, `euc` and `ascii`, with the rollback timer.
const legacyRevision = "14.00.32"

// languageCase is a router whose console prints status text in a language
// and encoding: localised labels and state words in Japanese.
type languageCase struct {
	character string // the router's `console character`
	revision  string // "" = the default scenario's
}

// languageCases are every console character of shared/rtx-console.md §5.3.
var languageCases = []languageCase{
	{character: "ja.sjis"}, {character: "ja.euc"}, {character: "ja.utf8"}, {character: "en.ascii"},
	{character: "sjis", revision: legacyRevision}, {character: "euc", revision: legacyRevision},
	{character: "ascii", revision: legacyRevision},
}

// edit sets the scenario up for the case.
func (lc languageCase) edit(sc *rtxtest.Scenario) {
	sc.Language = lc.character
	if lc.revision != "" {
		sc.Revision = lc.revision
		sc.Model = "RTX3500"
	}
	sc.Variants.LocalizedStatus = true
	sc.Variants.LocalizedStateWords = true
}

// dialReadOnly logs into srv as a read-only command does: the router's
// console lines and columns are left alone; admin enters administrator
// mode (tunnel --dry-run) or not (status).
func dialReadOnly(t *testing.T, ctx context.Context, srv *rtxtest.Server, transport string, admin bool) *Client {
	t.Helper()
	return dialFakeConsole(t, ctx, srv, transport, true, admin)
}

// checkConfigs compares the fake's running and saved configuration with
// the wanted lines.
func checkConfigs(t *testing.T, srv *rtxtest.Server, running, saved []string) {
	t.Helper()
	if diff := cmp.Diff(running, srv.Router.RunningConfig()); diff != "" {
		t.Errorf("running config mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(saved, srv.Router.SavedConfig()); diff != "" {
		t.Errorf("saved config mismatch (-want +got):\n%s", diff)
	}
}

// consoleCommands returns the console setting commands the fake received.
func consoleCommands(srv *rtxtest.Server) []string {
	return slices.DeleteFunc(srv.Router.Commands(), func(c string) bool {
		return !strings.HasPrefix(c, "console ") && !strings.HasPrefix(c, "no console ")
	})
}

// TestLanguageStatusIntegration reads the status, plans a dry run and
// turns forced tunnelling on and off on a router in every console
// character, with Japanese status labels and state words: every reading
// is right, verification succeeds, the read-only sessions leave the
// running configuration byte-identical, and the router's own console
// character is back in the running and saved configuration after a
// change.
func TestLanguageStatusIntegration(t *testing.T) {
	t.Parallel()
	for _, tr := range []string{"ssh", "telnet"} {
		for _, lc := range languageCases {
			t.Run(tr+"/"+lc.character, func(t *testing.T) {
				t.Parallel()
				ctx := integrationContext(t)
				srv := startFake(t, lc.edit)
				initial := srv.Router.SavedConfig()

				c := dialReadOnly(t, ctx, srv, tr, false)
				st, err := ReadTunnelStatus(ctx, c, StatusOptions{Host: "fake"})
				if err != nil {
					t.Fatalf("ReadTunnelStatus: %v", err)
				}
				want := []NeighborState{{Address: fakeNeighbor, State: "Established", Advertised: []string{"192.168.100.0/24"}}}
				if diff := cmp.Diff(want, st.Neighbors); diff != "" {
					t.Errorf("neighbors mismatch (-want +got):\n%s", diff)
				}
				if st.Tunnel != TunnelOff || !st.Saved || st.ConfigFiles == nil || *st.ConfigFiles != (ConfigFiles{}) {
					t.Errorf("status = %+v, want off, saved, config 0 run and booted", st)
				}
				if err := c.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				checkConfigs(t, srv, initial, initial)

				dryRun(t, ctx, dialReadOnly(t, ctx, srv, tr, true))
				checkConfigs(t, srv, initial, initial)

				c = dialFake(t, ctx, srv, tr)
				if res, err := switchTunnel(ctx, c, TunnelOn, fastApply); err != nil || !res.Saved {
					t.Fatalf("tunnel on = %+v, %v; want verified and saved", res, err)
				}
				if err := c.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				checkConfigs(t, srv, withBGP(initial, fakeBGPOn), withBGP(initial, fakeBGPOn))

				c = dialFake(t, ctx, srv, tr)
				if _, err := switchTunnel(ctx, c, TunnelOff, fastApply); err != nil {
					t.Fatalf("tunnel off: %v", err)
				}
				if err := c.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				checkConfigs(t, srv, initial, initial)
				if english := slices.ContainsFunc(consoleCommands(srv), func(c string) bool {
					return strings.HasPrefix(c, "console character ") && isEnglish(strings.TrimPrefix(c, "console character "))
				}); english == isEnglish(lc.character) {
					t.Errorf("console commands %q: switched to English = %v, want %v", consoleCommands(srv), english, !english)
				}
			})
		}
	}
}

// dryRun plans as `tunnel on|off --dry-run` does, reading the neighbors
// for the plan that has nothing to change, and logs out.
func dryRun(t *testing.T, ctx context.Context, c *Client) {
	t.Helper()
	text, err := c.Run(ctx, "show config")
	if err != nil {
		t.Fatalf("show config: %v", err)
	}
	sc, err := ParseShowConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SavedConfig(ctx); err != nil {
		t.Fatalf("SavedConfig: %v", err)
	}
	observed, err := ReadNeighbors(ctx, c, []string{fakeNeighbor})
	if err != nil {
		t.Fatalf("ReadNeighbors: %v", err)
	}
	for _, want := range []TunnelState{TunnelOn, TunnelOff} {
		if _, err := PlanTunnel(sc.BGP(), want, PlanOptions{Observed: observed}); err != nil {
			t.Errorf("PlanTunnel(%s): %v", want, err)
		}
	}
	if !observed[0].established() {
		t.Errorf("observed %+v, want Established", observed[0])
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// TestLanguageCharacterCommands checks the console character commands a
// session sends: English ASCII under the firmware's name before status
// text, the router's own value (or none) before a save and at logout.
func TestLanguageCharacterCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*rtxtest.Scenario)
		readOnly bool
		want     []string
	}{
		{
			name: "factory default Rev.14.01: en.ascii, then none",
			want: []string{"console lines infinity", "console columns 200", "console character en.ascii", "no console character"},
		},
		{
			name:     "factory default, read-only: only the character",
			readOnly: true,
			want:     []string{"console character en.ascii", "no console character"},
		},
		{
			name: "ja.utf8: put back",
			edit: func(sc *rtxtest.Scenario) { sc.Language = "ja.utf8" },
			want: []string{"console lines infinity", "console columns 200", "console character en.ascii", "console character ja.utf8"},
		},
		{
			name: "factory default before Rev.14.01: ascii",
			edit: func(sc *rtxtest.Scenario) { sc.Revision, sc.Model = legacyRevision, "RTX3500" },
			want: []string{"console lines infinity", "console columns 200", "console character ascii", "no console character"},
		},
		{
			name: "euc: ascii, then euc",
			edit: func(sc *rtxtest.Scenario) { sc.Revision, sc.Model, sc.Language = legacyRevision, "RTX3500", "euc" },
			want: []string{"console lines infinity", "console columns 200", "console character ascii", "console character euc"},
		},
		{
			name: "English already: nothing",
			edit: func(sc *rtxtest.Scenario) { sc.Language = "en" },
			want: []string{"console lines infinity", "console columns 200"},
		},
		{
			name:     "English already, read-only: nothing",
			edit:     func(sc *rtxtest.Scenario) { sc.Language = "en" },
			readOnly: true,
			want:     []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				sc.Variants.LocalizedStatus = true
				if tt.edit != nil {
					tt.edit(sc)
				}
			})
			initial := srv.Router.SavedConfig()
			var c *Client
			if tt.readOnly {
				c = dialReadOnly(t, ctx, srv, "ssh", false)
			} else {
				c = dialFake(t, ctx, srv, "ssh")
			}
			if _, err := ReadTunnelStatus(ctx, c, StatusOptions{}); err != nil {
				t.Fatalf("ReadTunnelStatus: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			// The session's lines and columns are put back too, but
			// they are not what this test is about.
			got := slices.DeleteFunc(consoleCommands(srv), func(c string) bool {
				return strings.Contains(c, "console lines") && c != "console lines infinity" ||
					strings.Contains(c, "console columns") && c != "console columns 200"
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("console commands mismatch (-want +got):\n%s", diff)
			}
			checkConfigs(t, srv, initial, initial)
		})
	}
}

// TestLanguageLeftoverCharacter starts from a running configuration that
// holds `console character en.ascii` (or `ascii`) left by a session that
// was cut off: a change puts the saved configuration's value back, in the
// running and the saved configuration; a read-only session leaves the
// leftover where it is.
func TestLanguageLeftoverCharacter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		revision string
		own      string // the saved configuration's character; "" = none
		leftover string
	}{
		{name: "factory default", leftover: "en.ascii"},
		{name: "ja.euc", own: "ja.euc", leftover: "en.ascii"},
		{name: "sjis before Rev.14.01", revision: legacyRevision, own: "sjis", leftover: "ascii"},
	}
	for _, tt := range tests {
		for _, readOnly := range []bool{false, true} {
			name := tt.name
			if readOnly {
				name += ", read-only"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx := integrationContext(t)
				srv := startFake(t, func(sc *rtxtest.Scenario) {
					if tt.revision != "" {
						sc.Revision, sc.Model = tt.revision, "RTX3500"
					}
					base := sc.SavedConfig
					if tt.own != "" {
						sc.SavedConfig = "console character " + tt.own + "\n" + base
					}
					sc.RunningConfig = "console character " + tt.leftover + "\n" + base
					sc.Variants.LocalizedStatus = true
					sc.Variants.LocalizedStateWords = true
				})
				running, saved := srv.Router.RunningConfig(), srv.Router.SavedConfig()
				if readOnly {
					c := dialReadOnly(t, ctx, srv, "ssh", false)
					if _, err := ReadTunnelStatus(ctx, c, StatusOptions{}); err != nil {
						t.Fatalf("ReadTunnelStatus: %v", err)
					}
					if err := c.Close(); err != nil {
						t.Fatalf("Close: %v", err)
					}
					checkConfigs(t, srv, running, saved)
					return
				}
				c := dialFake(t, ctx, srv, "ssh")
				if !c.ConsoleRepaired() {
					t.Errorf("ConsoleRepaired = false, want true")
				}
				if _, err := switchTunnel(ctx, c, TunnelOn, fastApply); err != nil {
					t.Fatalf("tunnel on: %v", err)
				}
				if err := c.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				checkConfigs(t, srv, withBGP(saved, fakeBGPOn), withBGP(saved, fakeBGPOn))
			})
		}
	}
}

// TestLanguageBackupKeepsText reads the configuration for a backup in a
// session that has switched to English: a Japanese description arrives
// as the router holds it, and the backup has the router's own console
// settings.
func TestLanguageBackupKeepsText(t *testing.T) {
	t.Parallel()
	const description = `description lan1 "東京本社 ルーター"`
	for _, character := range []string{"ja.sjis", "ja.euc", "ja.utf8"} {
		t.Run(character, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				sc.Language = character
				sc.SavedConfig = description + "\n" + sc.SavedConfig
				sc.Variants.LocalizedStatus = true
			})
			c := dialFake(t, ctx, srv, "ssh")
			if _, err := ReadTunnelStatus(ctx, c, StatusOptions{}); err != nil {
				t.Fatalf("ReadTunnelStatus: %v", err)
			}
			text, err := c.Run(ctx, "show config")
			if err != nil {
				t.Fatalf("show config: %v", err)
			}
			sc, err := ParseShowConfig(c.RouterConsole(text))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(srv.Router.SavedConfig(), sc.TopLevel()); diff != "" {
				t.Errorf("backup lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLanguageRefusedOrCutOff covers a router that refuses `en.ascii`
// (the session falls back to `ascii`) or both names (status text is read
// in Japanese by the tolerant parser), and a session cut off right after
// switching to English: the next session repairs the leftover.
func TestLanguageRefusedOrCutOff(t *testing.T) {
	t.Parallel()
	refuse := func(cmds ...string) func(*rtxtest.Scenario) {
		return func(sc *rtxtest.Scenario) {
			sc.Variants.CharsetAliases = true
			for _, c := range cmds {
				sc.Faults.FailCommands = append(sc.Faults.FailCommands, rtxtest.CommandFault{Command: c})
			}
		}
	}
	tests := []struct {
		name   string
		edit   func(*rtxtest.Scenario)
		cutOff bool
		// wantCmd are the console character commands: English for the
		// status, back for the saved configuration, English again for the
		// verification, back for the save.
		wantCmd []string
	}{
		{
			name: "en.ascii refused: ascii",
			edit: refuse("console character en.ascii"),
			wantCmd: []string{"console character en.ascii", "console character ascii", "no console character",
				"console character ascii", "no console character"},
		},
		{
			name:    "both refused: Japanese labels read",
			edit:    refuse("console character en.ascii", "console character ascii"),
			wantCmd: []string{"console character en.ascii", "console character ascii"},
		},
		{
			name: "cut off in English",
			edit: func(sc *rtxtest.Scenario) {
				sc.Faults.Drops = []rtxtest.DropFault{{Command: "console character en.ascii", When: "after", Occurrence: 1}}
			},
			cutOff: true,
			// The cut-off session sent the first; the leftover is English
			// already for the status.
			wantCmd: []string{"console character en.ascii", "no console character", "console character en.ascii", "no console character"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				sc.Variants.LocalizedStatus = true
				tt.edit(sc)
			})
			initial := srv.Router.SavedConfig()
			if tt.cutOff {
				c := dialFake(t, ctx, srv, "ssh")
				if _, err := ReadTunnelStatus(ctx, c, StatusOptions{}); err == nil {
					t.Fatal("ReadTunnelStatus over a dropped connection succeeded")
				}
				if !slices.Contains(srv.Router.RunningConfig(), "console character en.ascii") {
					t.Fatalf("running config %q lacks the leftover console character", srv.Router.RunningConfig())
				}
			}
			c := dialFake(t, ctx, srv, "ssh")
			if c.ConsoleRepaired() != tt.cutOff {
				t.Errorf("ConsoleRepaired = %v, want %v", c.ConsoleRepaired(), tt.cutOff)
			}
			if res, err := switchTunnel(ctx, c, TunnelOn, fastApply); err != nil || !res.Saved {
				t.Fatalf("tunnel on = %+v, %v; want verified and saved", res, err)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			checkConfigs(t, srv, withBGP(initial, fakeBGPOn), withBGP(initial, fakeBGPOn))
			got := slices.DeleteFunc(consoleCommands(srv), func(c string) bool { return !strings.Contains(c, "console character") })
			if diff := cmp.Diff(tt.wantCmd, got); diff != "" {
				t.Errorf("console character commands mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
