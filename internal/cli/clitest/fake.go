package clitest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// ExecuteFunc runs the rtxctl command tree built from f with args, as main
// does, and returns the exit status. The root command package passes its
// own (clitest cannot import it: the root imports every command).
type ExecuteFunc func(ctx context.Context, f *cli.Factory, args []string) int

// Fake is a fake router started for one test, with the environment and the
// connection flags rtxctl needs to reach it.
type Fake struct {
	Server *rtxtest.Server
	// Env holds the login and administrator passwords and XDG_STATE_HOME and
	// XDG_CONFIG_HOME in a temporary directory of the test.
	Env map[string]string
	// Conn are the connection flags: --host, --port, --transport,
	// --known-hosts (a file trusting the fake's host key), --timeout and,
	// over SSH, --user.
	Conn []string
	// Route is the address rtxctl dials, "127.0.0.1:PORT" (the route of
	// state.Store.Key).
	Route string
}

// ArticleScenario loads the article's router in lang ("ja" or "en") from
// testdata/scenarios under repoRoot, with BGP sessions re-established at
// once after a refresh (a verification never waits for its poll interval).
func ArticleScenario(t testing.TB, repoRoot, lang string) *rtxtest.Scenario {
	t.Helper()
	sc, err := rtxtest.LoadScenario(filepath.Join(repoRoot, "testdata", "scenarios", "article-"+lang+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc.BGP.EstablishDelay = time.Nanosecond
	return sc
}

// StartFake serves sc until the test ends and returns how rtxctl reaches it
// over transport ("ssh" or "telnet") with a per-operation deadline of
// timeout.
func StartFake(t testing.TB, sc *rtxtest.Scenario, transport string, timeout time.Duration) *Fake {
	t.Helper()
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, password := srv.SSHAddr(), sc.Users[0].Password
	if transport == "telnet" {
		addr, password = srv.TelnetAddr(), sc.LoginPassword
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fake{
		Server: srv,
		Env: map[string]string{
			cli.PasswordEnv:      password,
			cli.AdminPasswordEnv: sc.AdminPassword,
			"XDG_STATE_HOME":     filepath.Join(dir, "state"),
			"XDG_CONFIG_HOME":    filepath.Join(dir, "config"),
		},
		Conn: []string{"--host", "127.0.0.1", "--port", port, "--transport", transport,
			"--known-hosts", knownHosts, "--timeout", timeout.String()},
		Route: net.JoinHostPort("127.0.0.1", port),
	}
	if transport == "ssh" {
		f.Conn = append(f.Conn, "--user", sc.Users[0].Name)
	}
	return f
}

// Result is how one rtxctl run ended.
type Result struct {
	Code           int
	Stdout, Stderr string
	Args           []string // the command line, connection flags included
}

// Run runs rtxctl in-process with execute: verb (such as "tunnel on")
// followed by the connection flags and extra, with f's environment, test
// streams and the fake router's clock (the journal's deadlines follow it).
// ctx is the root context: cancelling it is what SIGINT does.
func (f *Fake) Run(ctx context.Context, execute ExecuteFunc, verb string, extra ...string) Result {
	ios, _, out, errOut := iostreams.Test()
	fac := f.Factory(ios)
	args := append(strings.Fields(verb), f.Conn...)
	args = append(args, extra...)
	code := execute(ctx, fac, args)
	return Result{Code: code, Stdout: out.String(), Stderr: errOut.String(), Args: args}
}

// Factory returns the factory [Fake.Run] runs rtxctl with, on the streams
// ios: f's environment and the fake router's clock.
func (f *Fake) Factory(ios *iostreams.IOStreams) *cli.Factory {
	fac := cli.NewFactory()
	fac.IO = ios
	fac.Now = f.Server.Router.Now
	fac.LookupEnv = func(key string) (string, bool) {
		v, ok := f.Env[key]
		return v, ok
	}
	return fac
}

// String describes the run for a test log.
func (r Result) String() string {
	return fmt.Sprintf("rtxctl %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.Args, " "), r.Code, r.Stdout, r.Stderr)
}
