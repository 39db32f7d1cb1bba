package root

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rtxctl": func() { os.Exit(Main()) },
	})
}

// repoRoot is the repository root, relative to this package's directory.
var repoRoot = filepath.Join("..", "..", "..")

// TestScripts runs the end-to-end tests in testdata/script/*.txtar: the real
// rtxctl against fake routers started by the scripts.
func TestScripts(t *testing.T) {
	t.Parallel()
	scenarios, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(repoRoot, "testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("SCENARIOS", scenarios)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakertx":    cmdFakertx,
			"closedport": cmdClosedPort,
			"exits":      cmdExits,
			"silentport": cmdSilentPort,
		},
	})
}

// cmdFakertx starts a fake router for the rest of the script:
//
//	fakertx start SCENARIO
//
// loads $SCENARIOS/SCENARIO.yaml and exports SSH_PORT, TELNET_PORT,
// KNOWN_HOSTS (a known_hosts file holding the fake's key), and the
// scenario's credentials as FAKE_USER, FAKE_USER_PASSWORD,
// FAKE_LOGIN_PASSWORD and FAKE_ADMIN_PASSWORD.
func cmdFakertx(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fakertx")
	}
	if len(args) != 2 || args[0] != "start" {
		ts.Fatalf("usage: fakertx start SCENARIO")
	}
	sc, err := rtxtest.LoadScenario(filepath.Join(ts.Getenv("SCENARIOS"), args[1]+".yaml"))
	ts.Check(err)
	srv := rtxtest.NewServer(sc)
	ts.Defer(srv.Close)

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
