package root

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// acceptanceRouter is a fake router started for one acceptance test, with
// the environment and connection flags the real rtxctl command tree needs
// to reach it.
type acceptanceRouter struct {
	srv  *rtxtest.Server
	env  map[string]string
	conn []string
}

// startAcceptanceRouter starts the article scenario in lang ("ja" or
// "en"), BGP sessions re-established at once after a refresh, with edit
// applied, and returns how rtxctl reaches it over transport ("ssh" or
// "telnet").
func startAcceptanceRouter(t *testing.T, transport, lang string, edit func(*rtxtest.Scenario)) *acceptanceRouter {
	t.Helper()
	sc, err := rtxtest.LoadScenario(filepath.Join(repoRoot, "testdata", "scenarios", "article-"+lang+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc.BGP.EstablishDelay = time.Nanosecond
	if edit != nil {
		edit(sc)
	}
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := &acceptanceRouter{srv: srv, env: map[string]string{
		cli.AdminPasswordEnv: sc.AdminPassword,
		"XDG_STATE_HOME":     filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME":    filepath.Join(dir, "config"),
	}}
	addr := srv.SSHAddr()
	if transport == "telnet" {
		addr = srv.TelnetAddr()
		a.env[cli.PasswordEnv] = sc.LoginPassword
	} else {
		a.env[cli.PasswordEnv] = sc.Users[0].Password
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	a.conn = []string{"--host", "127.0.0.1", "--port", port, "--transport", transport,
		"--known-hosts", knownHosts, "--timeout", "20s"}
	if transport == "ssh" {
		a.conn = append(a.conn, "--user", sc.Users[0].Name)
	}
	return a
}

// rtxctl runs the real command tree in-process, as main does, with verb
// (such as "tunnel on") followed by the connection flags and extra, and
// returns its standard output; it fails t unless rtxctl exits 0.
func (a *acceptanceRouter) rtxctl(t *testing.T, verb string, extra ...string) string {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := cli.NewFactory()
	f.IO = ios
	f.Now = a.srv.Router.Now
	f.LookupEnv = func(key string) (string, bool) {
		v, ok := a.env[key]
		return v, ok
	}
	args := append(strings.Fields(verb), a.conn...)
	args = append(args, extra...)
	if code := Execute(t.Context(), ios, NewCmdRoot(f), args); code != 0 {
		t.Fatalf("rtxctl %s: exit status %d, want 0\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out.String()
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
