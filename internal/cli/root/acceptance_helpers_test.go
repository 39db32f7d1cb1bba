package root

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// acceptanceRouter is a fake router started for one acceptance test, with
// the environment and connection flags the real rtxctl command tree needs
// to reach it; srv, env and conn are the fake's Server, Env and Conn.
type acceptanceRouter struct {
	fake *clitest.Fake
	srv  *rtxtest.Server
	env  map[string]string
	conn []string
}

// startAcceptanceRouter starts the article scenario in lang ("ja" or
// "en"), BGP sessions re-established at once after a refresh, with edit
// applied, and returns how rtxctl reaches it over transport ("ssh" or
// "telnet").
func startAcceptanceRouter(t testing.TB, transport, lang string, edit func(*rtxtest.Scenario)) *acceptanceRouter {
	t.Helper()
	sc := clitest.ArticleScenario(t, repoRoot, lang)
	if edit != nil {
		edit(sc)
	}
	f := clitest.StartFake(t, sc, transport, 20*time.Second)
	return &acceptanceRouter{fake: f, srv: f.Server, env: f.Env, conn: f.Conn}
}

// rtxctl runs the real command tree in-process, as main does, with verb
// (such as "tunnel on") followed by the connection flags and extra, and
// returns its standard output; it fails t unless rtxctl exits 0.
func (a *acceptanceRouter) rtxctl(t *testing.T, verb string, extra ...string) string {
	t.Helper()
	r := a.fake.Run(t.Context(), execute, verb, extra...)
	if r.Code != 0 {
		t.Fatalf("%v\nwant exit status 0", r)
	}
	return r.Stdout
}

// execute runs the rtxctl command tree as main does.
func execute(ctx context.Context, f *cli.Factory, args []string) int {
	return Execute(ctx, f.IO, NewCmdRoot(f), args)
}

// acceptanceStatus holds the fields of `rtxctl status -o json` the
// acceptance tests compare.
type acceptanceStatus struct {
	Tunnel       string              `json:"tunnel"`
	Config       string              `json:"config"`
	Saved        bool                `json:"saved"`
	SavedChecked bool                `json:"saved_checked"`
	ConfigFiles  *rtx.ConfigFiles    `json:"config_files"`
	PeerAS       int                 `json:"peer_as"`
	FilterID     int                 `json:"filter_id"`
	Filters      []int               `json:"filters"`
	Neighbors    []rtx.NeighborState `json:"neighbors"`
	BGP          []string            `json:"bgp"`
	Issues       []string            `json:"issues"`
}

// status runs `rtxctl status -o json` and decodes it.
func (a *acceptanceRouter) status(t *testing.T) acceptanceStatus {
	t.Helper()
	out := a.rtxctl(t, "status", "-o", "json")
	var got acceptanceStatus
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, out)
	}
	return got
}

// articleNeighbor is what status reads of the article's neighbor: forced
// tunnelling off, the LAN prefix advertised.
var articleNeighbor = rtx.NeighborState{Address: "10.10.50.254", State: "Established", Advertised: []string{"192.168.100.0/24"}}

// wantOffStatus is the status of a router running and booting from
// config 0 whose running configuration config (the article's, forced
// tunnelling off) is saved.
func wantOffStatus(config []string) acceptanceStatus {
	return acceptanceStatus{
		Tunnel: "off", Config: "off", Saved: true, SavedChecked: true, ConfigFiles: &rtx.ConfigFiles{}, PeerAS: 65521, FilterID: 2,
		Neighbors: []rtx.NeighborState{articleNeighbor}, BGP: rtx.ParseBGPLines(config).Lines(),
	}
}

// tunnelOnConfig is config with forced tunnelling turned on as rtxctl
// does it on the article's router (filter 2 referenced by the import
// line), in canonical order (see canonicalConfig).
func tunnelOnConfig(t *testing.T, config []string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "golden", "article-en-tunnel-on.txt"))
	if err != nil {
		t.Fatal(err)
	}
	other := slices.DeleteFunc(slices.Clone(config), func(l string) bool { return strings.HasPrefix(l, "bgp ") })
	return append(other, rtx.ParseBGPLines(strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")).Lines()...)
}

// checkTunnelOn runs `rtxctl tunnel on` against a router running initial
// (forced tunnelling off) and checks that it verified and saved, and that
// the running and saved configurations are initial with forced tunnelling
// on, the console settings included.
func (a *acceptanceRouter) checkTunnelOn(t *testing.T, initial []string) {
	t.Helper()
	out := a.rtxctl(t, "tunnel on", "--verify-timeout", "10s")
	for _, w := range []string{"applied and verified", "saved: yes"} {
		if !strings.Contains(out, w) {
			t.Errorf("tunnel on output lacks %q:\n%s", w, out)
		}
	}
	want := tunnelOnConfig(t, initial)
	if diff := cmp.Diff(want, canonicalConfig(a.srv.Router.RunningConfig())); diff != "" {
		t.Errorf("running config after tunnel on mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, canonicalConfig(a.srv.Router.SavedConfig())); diff != "" {
		t.Errorf("saved config after tunnel on mismatch (-want +got):\n%s", diff)
	}
}

// checkDryRun runs `rtxctl tunnel on --dry-run` against a router running
// the article's configuration with forced tunnelling off: it must plan
// the change from the configuration it read and leave the running and
// saved configurations byte-identical.
func (a *acceptanceRouter) checkDryRun(t *testing.T, running, saved []string) {
	t.Helper()
	out := a.rtxctl(t, "tunnel on", "--dry-run")
	for _, w := range []string{"- bgp import 65521 static filter 1\n", "+ bgp import filter 2 include 0.0.0.0/0\n", "+ bgp import 65521 static filter 1 2\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("tunnel on --dry-run output lacks %q:\n%s", w, out)
		}
	}
	a.checkUnchanged(t, "tunnel on --dry-run", running, saved)
}

// checkUnchanged fails t unless the fake's running and saved
// configurations are byte for byte running and saved.
func (a *acceptanceRouter) checkUnchanged(t *testing.T, after string, running, saved []string) {
	t.Helper()
	if diff := cmp.Diff(running, a.srv.Router.RunningConfig()); diff != "" {
		t.Errorf("running config changed by %s (-before +after):\n%s", after, diff)
	}
	if diff := cmp.Diff(saved, a.srv.Router.SavedConfig()); diff != "" {
		t.Errorf("saved config changed by %s (-before +after):\n%s", after, diff)
	}
}
