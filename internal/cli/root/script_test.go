package root

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"
	"go.yaml.in/yaml/v3"

	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/fakertx"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rtxctl":    func() { os.Exit(Main()) },
		"fakefleet": func() { os.Exit(fakertx.Main()) },
	})
}

// repoRoot is the repository root, relative to this package's directory.
var repoRoot = filepath.Join("..", "..", "..")

// TestScripts runs the end-to-end tests in testdata/script/*.txtar: the real
// rtxctl against fake routers started by the scripts, which reach them over
// SSH in Japanese (see TestTunnelScripts for the other combinations).
func TestScripts(t *testing.T) {
	t.Parallel()
	p := scriptParams(t, "ssh", "ja")
	p.Dir = filepath.Join(repoRoot, "testdata", "script")
	testscript.Run(t, p)
}

// TestTunnelScripts runs the forced-tunnelling scripts (tunnel_*.txtar,
// status_*.txtar, confirm_*.txtar, the kill -9 scripts and the quick rollback scripts) over the
// transport and language combinations TestScripts does not use.
func TestTunnelScripts(t *testing.T) {
	t.Parallel()
	var files []string
	for _, pattern := range []string{"tunnel_*.txtar", "status_*.txtar", "confirm_*.txtar", "rollback_pending.txtar", "rollback_router.txtar", "rollback_to.txtar", "crash_*.txtar"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "script", pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, c := range []struct{ transport, lang string }{{"telnet", "ja"}, {"ssh", "en"}, {"telnet", "en"}} {
		t.Run(c.transport+"-"+c.lang, func(t *testing.T) {
			t.Parallel()
			p := scriptParams(t, c.transport, c.lang)
			p.Files = files
			testscript.Run(t, p)
		})
	}
}

// scriptParams returns the settings shared by the script tests: scripts
// see $TRANSPORT and $RTXLANG (the transport and console language of the
// router "fake" that `fakertx start` adds to the config file), $SCENARIOS
// and $GOLDEN (testdata/golden).
func scriptParams(t *testing.T, transport, lang string) testscript.Params {
	t.Helper()
	scenarios, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	golden, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
			env.Setenv("SCENARIOS", scenarios)
			env.Setenv("GOLDEN", golden)
			env.Setenv("TRANSPORT", transport)
			env.Setenv("RTXLANG", lang)
			env.Values[fakeKey{}] = &fakeRef{}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakertx":     cmdFakertx,
			"fakesaved":   cmdFakeSaved,
			"fakelog":     cmdFakeLog,
			"fakeadvance": cmdFakeAdvance,
			"fakewait":    cmdFakeWait,
			"fakeconfig":  cmdFakeConfig,
			"sleep":       cmdSleep,
			"fakedelay":   cmdFakeDelay,
			"closedport":  cmdClosedPort,
			"exits":       cmdExits,
			"silentport":  cmdSilentPort,
			"waitfile":    cmdWaitFile,
		},
	}
}

// cmdFakertx starts a fake router for the rest of the script:
//
//	fakertx start SCENARIO [CONFIG]
//
// loads $SCENARIOS/SCENARIO.yaml (with the saved and running configuration
// replaced by the file CONFIG when given, and BGP sessions re-established
// at once after a refresh) and exports SSH_PORT, TELNET_PORT,
// KNOWN_HOSTS (a known_hosts file holding the fake's key), and the
// scenario's credentials as FAKE_USER, FAKE_USER_PASSWORD,
// FAKE_LOGIN_PASSWORD and FAKE_ADMIN_PASSWORD. It also adds the router
// "fake" to $XDG_CONFIG_HOME/rtxctl/config.yaml, reached over $TRANSPORT
// with password files.
func cmdFakertx(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fakertx")
	}
	if len(args) < 2 || len(args) > 3 || args[0] != "start" {
		ts.Fatalf("usage: fakertx start SCENARIO [CONFIG]")
	}
	sc, err := rtxtest.LoadScenario(filepath.Join(ts.Getenv("SCENARIOS"), args[1]+".yaml"))
	ts.Check(err)
	if len(args) == 3 {
		sc.SavedConfig = ts.ReadFile(args[2])
	}
	sc.BGP.EstablishDelay = time.Nanosecond
	srv := rtxtest.NewServer(sc)
	ts.Defer(srv.Close)
	ts.Value(fakeKey{}).(*fakeRef).srv = srv

	knownHosts := ts.MkAbs("known_hosts")
	ts.Check(os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600))
	ts.Setenv("KNOWN_HOSTS", knownHosts)
	ts.Setenv("SSH_PORT", port(ts, srv.SSHAddr()))
	ts.Setenv("TELNET_PORT", port(ts, srv.TelnetAddr()))
	ts.Setenv("FAKE_LOGIN_PASSWORD", sc.LoginPassword)
	ts.Setenv("FAKE_ADMIN_PASSWORD", sc.AdminPassword)
	if len(sc.Users) > 0 {
		ts.Setenv("FAKE_USER", sc.Users[0].Name)
		ts.Setenv("FAKE_USER_PASSWORD", sc.Users[0].Password)
	}
	writeFakeRouter(ts, srv, sc, knownHosts)
}

// writeFakeRouter adds the router "fake" to the config file.
func writeFakeRouter(ts *testscript.TestScript, srv *rtxtest.Server, sc *rtxtest.Scenario, knownHosts string) {
	transport := ts.Getenv("TRANSPORT")
	addr, user, password := srv.SSHAddr(), "", sc.LoginPassword
	if transport == "telnet" {
		addr = srv.TelnetAddr()
	} else if len(sc.Users) > 0 {
		user, password = sc.Users[0].Name, sc.Users[0].Password
	}
	secret := func(name, value string) string {
		path := ts.MkAbs(name)
		ts.Check(os.WriteFile(path, []byte(value+"\n"), 0o600))
		return path
	}
	r := config.Host{
		Host: "127.0.0.1", Port: mustAtoi(ts, port(ts, addr)), Transport: transport, User: user, KnownHosts: knownHosts,
		PasswordFile: secret("fake.password", password), AdminPasswordFile: secret("fake.admin-password", sc.AdminPassword),
	}
	b, err := yaml.Marshal(map[string]map[string]config.Host{"routers": {"fake": r}})
	ts.Check(err)
	dir := filepath.Join(ts.Getenv("XDG_CONFIG_HOME"), "rtxctl")
	ts.Check(os.MkdirAll(dir, 0o700))
	ts.Check(os.WriteFile(filepath.Join(dir, "config.yaml"), b, 0o600))
}

func mustAtoi(ts *testscript.TestScript, s string) int {
	n, err := strconv.Atoi(s)
	ts.Check(err)
	return n
}

// fakeKey is the testscript value holding the script's fake router.
type fakeKey struct{}

// fakeRef is the fake router a script started, and how many of its
// commands `fakelog` has shown.
type fakeRef struct {
	srv  *rtxtest.Server
	seen int
}

func fakeOf(ts *testscript.TestScript) *fakeRef {
	f := ts.Value(fakeKey{}).(*fakeRef)
	if f.srv == nil {
		ts.Fatalf("no fake router: run fakertx start first")
	}
	return f
}

// configCommandRE matches the commands that change the configuration or
// the BGP process (the session's console settings excepted).
var configCommandRE = regexp.MustCompile(`^(no )?(bgp |save|rollback|confirm|load|schedule )`)

// consoleCommandRE matches the commands that change a console setting.
var consoleCommandRE = regexp.MustCompile(`^(no )?console `)

// cmdFakeLog prints the configuration commands the fake router received
// since the last fakelog, one per line; with -sessions, a line
// "administrator" marks where each session entered administrator mode,
// so that commands of two sessions that interleave show up in the wrong
// block; with -console, the session's console settings are printed too:
//
//	fakelog [-sessions | -console]
func cmdFakeLog(ts *testscript.TestScript, neg bool, args []string) {
	sessions := len(args) == 1 && args[0] == "-sessions"
	console := len(args) == 1 && args[0] == "-console"
	if neg || len(args) > 1 || len(args) == 1 && !sessions && !console {
		ts.Fatalf("usage: fakelog [-sessions | -console]")
	}
	f := fakeOf(ts)
	out := ts.Stdout()
	cmds := f.srv.Router.Commands()
	for _, c := range cmds[f.seen:] {
		if configCommandRE.MatchString(c) || sessions && c == "administrator" || console && consoleCommandRE.MatchString(c) {
			fmt.Fprintln(out, c)
		}
	}
	f.seen = len(cmds)
}

// cmdFakeAdvance moves the fake router's clock forward, firing the
// `schedule at` entries and rollback timers that fall due:
//
//	fakeadvance DURATION
func cmdFakeAdvance(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fakeadvance DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	fakeOf(ts).srv.Router.Advance(d)
}

// fakeWaitLimit bounds fakewait, so that a script whose command never comes
// fails instead of hanging.
const fakeWaitLimit = time.Minute

// cmdFakeWait waits until the fake router has received, since the last
// fakelog, a command matching REGEXP (for example to kill rtxctl, started
// in the background, right after a given command):
//
//	fakewait REGEXP
func cmdFakeWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fakewait REGEXP")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	f := fakeOf(ts)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	limit := time.After(fakeWaitLimit)
	for {
		if slices.ContainsFunc(f.srv.Router.Commands()[f.seen:], re.MatchString) {
			return
		}
		select {
		case <-tick.C:
		case <-limit:
			ts.Fatalf("fakewait: no command matching %q within %s", args[0], fakeWaitLimit)
		}
	}
}

// cmdFakeDelay makes the fake router answer every command after DURATION
// (0s for at once), so that a run started in the background is still busy
// when the next one starts:
//
//	fakedelay DURATION
func cmdFakeDelay(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fakedelay DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	fakeOf(ts).srv.Router.SetFaults(rtxtest.Faults{ResponseDelay: d})
}

// cmdSleep lets the controller's real clock pass a deadline (the fake
// router's clock moves with fakeadvance instead):
//
//	sleep DURATION
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// cmdFakeConfig prints the fake router's running or saved configuration:
//
//	fakeconfig {running | saved}
func cmdFakeConfig(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || args[0] != "running" && args[0] != "saved" {
		ts.Fatalf("usage: fakeconfig {running | saved}")
	}
	router := fakeOf(ts).srv.Router
	lines := router.RunningConfig()
	if args[0] == "saved" {
		lines = router.SavedConfig()
	}
	for _, l := range lines {
		fmt.Fprintln(ts.Stdout(), l)
	}
}

// cmdFakeSaved compares the fake router's saved configuration with FILE,
// the BGP lines in canonical order (the router's order of import lines is
// not known):
//
//	fakesaved FILE
func cmdFakeSaved(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fakesaved FILE")
	}
	want := strings.Split(strings.TrimSuffix(ts.ReadFile(args[0]), "\n"), "\n")
	if diff := cmp.Diff(canonicalConfig(want), canonicalConfig(fakeOf(ts).srv.Router.SavedConfig())); diff != "" {
		ts.Fatalf("saved configuration mismatch with %s (-want +got):\n%s", args[0], diff)
	}
}

func canonicalConfig(config []string) []string {
	other := slices.DeleteFunc(slices.Clone(config), func(l string) bool { return strings.HasPrefix(l, "bgp ") })
	return append(other, rtx.ParseBGPLines(config).Lines()...)
}

func port(ts *testscript.TestScript, addr string) string {
	if addr == "" {
		return ""
	}
	_, p, err := net.SplitHostPort(addr)
	ts.Check(err)
	return p
}

// cmdExits runs a program like exec and checks its exit status:
//
//	exits STATUS PROGRAM [ARGS...]
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	var exitErr *exec.ExitError
	if err := ts.Exec(args[1], args[2:]...); errors.As(err, &exitErr) {
		got = exitErr.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdSilentPort exports NAME as a loopback TCP port that accepts
// connections and never sends anything, for the rest of the script:
//
//	silentport NAME
func cmdSilentPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: silentport NAME")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	ts.Defer(func() {
		l.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})
	ts.Setenv(args[0], strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
}

// cmdClosedPort exports NAME as a loopback TCP port nobody listens on:
//
//	closedport NAME
func cmdClosedPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: closedport NAME")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	p := l.Addr().(*net.TCPAddr).Port
	ts.Check(l.Close())
	ts.Setenv(args[0], strconv.Itoa(p))
}
