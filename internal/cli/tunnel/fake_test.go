package tunnel_test

import (
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/root"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

var update = flag.Bool("update", false, "rewrite the golden saved configurations in testdata/golden")

// repoRoot is the repository root, relative to this package's directory.
var repoRoot = filepath.Join("..", "..", "..")

// combo is one way of talking to the router: transport and console language.
type combo struct {
	transport string // "ssh" or "telnet"
	lang      string // "ja" or "en": the article-LANG scenario
}

func (c combo) String() string { return c.transport + "-" + c.lang }

// combos are every transport in every language; the end-to-end tests run
// over each.
var combos = []combo{{"ssh", "ja"}, {"ssh", "en"}, {"telnet", "ja"}, {"telnet", "en"}}

// fake is a fake router started for one test, with the environment and
// connection flags rtxctl needs to reach it.
type fake struct {
	combo
	srv  *rtxtest.Server
	env  map[string]string
	conn []string
}

// newFake starts the article scenario of c's language with forced
// tunnelling in the state of saved (the golden file name "off" or "on"),
// BGP re-establishing at once, and edit applied to it.
func newFake(t *testing.T, c combo, saved string, edit func(*rtxtest.Scenario)) *fake {
	t.Helper()
	sc, err := rtxtest.LoadScenario(filepath.Join(repoRoot, "testdata", "scenarios", "article-"+c.lang+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc.SavedConfig = strings.Join(scenarioConfig(t, c.lang, saved), "\n") + "\n"
	// Re-established by the time the first status is read: verification
	// then never waits for the poll interval.
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
	f := &fake{combo: c, srv: srv, env: map[string]string{
		cli.AdminPasswordEnv: sc.AdminPassword,
		"XDG_STATE_HOME":     filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME":    filepath.Join(dir, "config"),
	}}
	addr := srv.SSHAddr()
	if c.transport == "telnet" {
		addr = srv.TelnetAddr()
		f.env[cli.PasswordEnv] = sc.LoginPassword
	} else {
		f.env[cli.PasswordEnv] = sc.Users[0].Password
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	f.conn = []string{"--host", "127.0.0.1", "--port", port, "--transport", c.transport,
		"--known-hosts", knownHosts, "--timeout", "10s"}
	if c.transport == "ssh" {
		f.conn = append(f.conn, "--user", sc.Users[0].Name)
	}
	return f
}

// result is how one rtxctl run ended.
type result struct {
	code           int
	stdout, stderr string
}

// run runs rtxctl in-process, the way main does, with verb (such as
// "tunnel on") followed by the connection flags and extra.
func (f *fake) run(t *testing.T, verb string, extra ...string) result {
	t.Helper()
	return f.runContext(t, t.Context(), verb, extra...)
}

// runContext is run with ctx as the root context (cancelling it is what
// SIGINT does).
func (f *fake) runContext(t *testing.T, ctx context.Context, verb string, extra ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	fac := cli.NewFactory()
	fac.IO = ios
	// The journal's deadlines follow the router's clock, which tests advance.
	fac.Now = f.srv.Router.Now
	fac.LookupEnv = func(key string) (string, bool) {
		v, ok := f.env[key]
		return v, ok
	}
	args := append(strings.Fields(verb), f.conn...)
	args = append(args, extra...)
	code := root.Execute(ctx, ios, root.NewCmdRoot(fac), args)
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	t.Logf("rtxctl %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	return r
}

// wantExit fails the test unless r ended with code.
func wantExit(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", r.code, code, r.stderr)
	}
}

// golden returns the lines of testdata/golden/NAME.txt.
func golden(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(goldenPath(name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func goldenPath(name string) string {
	return filepath.Join(repoRoot, "testdata", "golden", name+".txt")
}

// scenarioConfig is the saved configuration a scenario starts from: the
// golden file of the language's article router with forced tunnelling in
// state ("on" or "off"), without the `console character` line the fake adds
// itself for a non-default language.
func scenarioConfig(t *testing.T, lang, state string) []string {
	t.Helper()
	return slices.DeleteFunc(golden(t, goldenName(lang, state)), func(l string) bool {
		return strings.HasPrefix(l, "console character ")
	})
}

func goldenName(lang, state string) string { return "article-" + lang + "-tunnel-" + state }

// checkSaved compares the fake's saved configuration with the golden file
// of state ("on" or "off"); with -update it rewrites the golden file.
func (f *fake) checkSaved(t *testing.T, state string) {
	t.Helper()
	name := goldenName(f.lang, state)
	got := f.srv.Router.SavedConfig()
	if *update && f.transport == "ssh" {
		if err := os.WriteFile(goldenPath(name), []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(canonical(golden(t, name)), canonical(got)); diff != "" {
		t.Errorf("saved configuration mismatch with %s (-want +got):\n%s", goldenPath(name), diff)
	}
}

// canonical puts the BGP lines of a configuration in canonical order after
// the other lines: the order in which the router prints `bgp import filter`
// and `bgp import` lines is not known.
func canonical(config []string) []string {
	other := slices.DeleteFunc(slices.Clone(config), func(l string) bool { return strings.HasPrefix(l, "bgp ") })
	return append(other, bgpLines(config)...)
}

// bgpLines returns the BGP lines of a configuration in canonical order.
func bgpLines(config []string) []string {
	return rtx.ParseBGPLines(config).Lines()
}

// checkRunning compares the fake's running BGP lines with those of the
// golden file of state.
func (f *fake) checkRunning(t *testing.T, state string) {
	t.Helper()
	want := bgpLines(golden(t, goldenName(f.lang, state)))
	if diff := cmp.Diff(want, bgpLines(f.srv.Router.RunningConfig())); diff != "" {
		t.Errorf("running bgp configuration mismatch with %s (-want +got):\n%s", state, diff)
	}
}

// configCommand matches commands that change the configuration or the BGP
// process (console settings of the session excepted).
var configCommand = regexp.MustCompile(`^(no )?(bgp |save|rollback|confirm|load|schedule )`)

// configCommands returns the configuration commands the fake received
// after the first mark commands.
func (f *fake) configCommands(mark int) []string {
	var out []string
	for _, c := range f.srv.Router.Commands()[mark:] {
		if configCommand.MatchString(c) {
			out = append(out, c)
		}
	}
	return out
}

// dial opens an administrator session to the fake for setting up a test;
// it is closed when the test ends.
func (f *fake) dial(t *testing.T) *rtx.Client {
	t.Helper()
	sc := f.srv.Router.Scenario()
	cfg := rtx.Config{Transport: "ssh", Addr: f.srv.SSHAddr(), User: sc.Users[0].Name, Password: sc.Users[0].Password,
		AdminPassword: sc.AdminPassword, SSH: transport.SSHConfig{InsecureIgnoreHostKey: true}}
	c, err := rtx.Dial(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Administrator(t.Context()); err != nil {
		t.Fatal(err)
	}
	return c
}

func wantContains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}
