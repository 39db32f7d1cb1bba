package tunnel_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/cli/root"
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
	*clitest.Fake
}

// newFake starts the article scenario of c's language with forced
// tunnelling in the state of saved (the golden file name "off" or "on"),
// BGP re-establishing at once, and edit applied to it.
func newFake(t *testing.T, c combo, saved string, edit func(*rtxtest.Scenario)) *fake {
	t.Helper()
	sc := clitest.ArticleScenario(t, repoRoot, c.lang)
	sc.SavedConfig = strings.Join(scenarioConfig(t, c.lang, saved), "\n") + "\n"
	if edit != nil {
		edit(sc)
	}
	return &fake{combo: c, Fake: clitest.StartFake(t, sc, c.transport, 10*time.Second)}
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
	r := f.Run(ctx, execute, verb, extra...)
	t.Log(r)
	return result{code: r.Code, stdout: r.Stdout, stderr: r.Stderr}
}

// execute runs the rtxctl command tree as main does.
func execute(ctx context.Context, f *cli.Factory, args []string) int {
	return root.Execute(ctx, f.IO, root.NewCmdRoot(f), args)
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
	got := f.Server.Router.SavedConfig()
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
	if diff := cmp.Diff(want, bgpLines(f.Server.Router.RunningConfig())); diff != "" {
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
	for _, c := range f.Server.Router.Commands()[mark:] {
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
	sc := f.Server.Router.Scenario()
	cfg := rtx.Config{Transport: "ssh", Addr: f.Server.SSHAddr(), User: sc.Users[0].Name, Password: sc.Users[0].Password,
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
