package fakertx

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/fleet")

// TestFleetFilesGolden checks the config.yaml and inventories written for a
// fleet against testdata/fleet. internal/config and internal/inventory (which
// this package may not import) read the same files in their tests, so the
// fake's files and rtxctl's formats cannot drift apart.
func TestFleetFilesGolden(t *testing.T) {
	t.Parallel()
	routers := []*fleetRouter{
		{name: "rtx01", role: roleHealthy, ssh: "127.0.0.1:10001", telnet: "127.0.0.1:20001"},
		{name: "rtx02", role: roleHealthy, ssh: "127.0.0.1:10002", telnet: "127.0.0.1:20002"},
		{name: "rtx03", role: roleSlow, ssh: "127.0.0.1:10003", telnet: "127.0.0.1:20003"},
		{name: "rtx04", role: roleDown, ssh: "127.0.0.1:10004", telnet: "127.0.0.1:20004"},
	}
	p := fleetPaths{knownHosts: "/fleet/known_hosts", login: "/fleet/login.password", admin: "/fleet/admin.password"}
	files := map[string]string{
		"config.yaml":   fleetConfig(routers, "rtxctl", p),
		"inventory.yml": fleetInventoryYAML(routers, "rtxctl", p),
		"inventory.ini": fleetInventoryINI(routers, "rtxctl", p),
	}
	for name, got := range files {
		path := filepath.Join("testdata", "fleet", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func TestFleetTelnetOnly(t *testing.T) {
	t.Parallel()
	routers := []*fleetRouter{{name: "rtx01", role: roleHealthy, telnet: "127.0.0.1:20001"}}
	got := fleetConfig(routers, "", fleetPaths{knownHosts: "/k"})
	want := `# rtxctl configuration for the routers of fakertx --routers 1.
# Try: rtxctl --config THIS_FILE status NAME (or --group GROUP, --all)
routers:
  rtx01:
    host: "127.0.0.1"
    port: 20001
    transport: telnet
    known_hosts: "/k"
groups:
  healthy: [rtx01]
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fleetConfig mismatch (-want +got):\n%s", diff)
	}
}

func TestRouterName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		i, n int
		want string
	}{{1, 5, "rtx01"}, {10, 20, "rtx10"}, {7, 100, "rtx007"}, {500, 500, "rtx500"}, {1, 1500, "rtx0001"}}
	for _, tt := range tests {
		if got := routerName(tt.i, tt.n); got != tt.want {
			t.Errorf("routerName(%d, %d) = %q, want %q", tt.i, tt.n, got, tt.want)
		}
	}
}

// fleetRun is fakertx --routers running in the background of a test.
type fleetRun struct {
	lines  []string // stdout lines up to the inventory-ini line
	cancel context.CancelFunc
	code   chan int
	stderr *bytes.Buffer // read only after code delivered
}

// startFleetRun runs fakertx with args and waits for the last line of its
// announcement.
func startFleetRun(t *testing.T, args ...string) *fleetRun {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	f := &fleetRun{cancel: cancel, code: make(chan int, 1), stderr: &bytes.Buffer{}}
	go func() {
		f.code <- Run(ctx, args, pw, f.stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		pr.Close()
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		f.lines = append(f.lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "inventory-ini ") {
			return f
		}
	}
	t.Fatalf("fakertx %q stopped before announcing its files; printed %q", args, f.lines)
	return nil
}

// checkRoles checks the printed routers' names and roles ("rtx01 healthy").
func (f *fleetRun) checkRoles(t *testing.T, want ...string) {
	t.Helper()
	var got []string
	for _, l := range f.lines[:min(len(want), len(f.lines))] {
		fields := strings.Fields(l)
		got = append(got, fields[0]+" "+fields[len(fields)-1])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routers mismatch (-want +got):\n%s", diff)
	}
}

// addrs returns each router's address of transport from the printed lines.
func (f *fleetRun) addrs(transport string) map[string]string {
	out := map[string]string{}
	for _, l := range f.lines {
		fields := strings.Fields(l)
		for _, fl := range fields[1:] {
			if addr, ok := strings.CutPrefix(fl, transport+"="); ok {
				out[fields[0]] = addr
			}
		}
	}
	return out
}

// console logs in to the SSH console at addr, runs cmd and logs out,
// returning everything the console printed.
func console(t *testing.T, addr, known, password, cmd string) (string, error) {
	t.Helper()
	cb, err := knownhosts.New(known)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "rtxctl", Auth: []ssh.AuthMethod{ssh.Password(password)}, HostKeyCallback: cb})
	if err != nil {
		return "", err
	}
	defer c.Close()
	sess, stdin := openConsole(t, c)
	var out bytes.Buffer
	sess.Stdout = &out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, cmd+"\rexit\r")
	if err := sess.Wait(); err != nil {
		t.Errorf("session end: %v", err)
	}
	return out.String(), nil
}

func TestRunFleet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	f := startFleetRun(t, "--routers", "5", "--slow", "1", "--slow-delay", "1ms", "--wrong-password", "1", "--down", "1",
		"--fleet-dir", dir, "--ready-file", ready, "--log-commands")

	f.checkRoles(t, "rtx01 healthy", "rtx02 healthy", "rtx03 slow", "rtx04 wrong_password", "rtx05 down")
	wantFiles := []string{"config " + filepath.Join(dir, "config.yaml"), "inventory " + filepath.Join(dir, "inventory.yml"), "inventory-ini " + filepath.Join(dir, "inventory.ini")}
	if diff := cmp.Diff(wantFiles, f.lines[5:]); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}

	sshAddrs, telnetAddrs := f.addrs("ssh"), f.addrs("telnet")
	seen := map[string]bool{}
	for name, addr := range sshAddrs {
		for _, a := range []string{addr, telnetAddrs[name]} {
			if host, _, err := net.SplitHostPort(a); err != nil || host != "127.0.0.1" || seen[a] {
				t.Errorf("%s address %q: want a port of its own on 127.0.0.1", name, a)
			}
			seen[a] = true
		}
	}
	readyData, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rtx01_ssh=" + sshAddrs["rtx01"] + "\n", "rtx05_telnet=" + telnetAddrs["rtx05"] + "\n", "config=" + filepath.Join(dir, "config.yaml") + "\n"} {
		if !strings.Contains(string(readyData), want) {
			t.Errorf("ready file lacks %q:\n%s", want, readyData)
		}
	}

	known := filepath.Join(dir, "known_hosts")
	login, err := os.ReadFile(filepath.Join(dir, "login.password"))
	if err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(string(login))
	// Each router is its own device: its own serial number.
	for _, r := range []struct{ name, serial string }{{"rtx01", "S0000001"}, {"rtx02", "S0000002"}, {"rtx03", "S0000003"}} {
		out, err := console(t, sshAddrs[r.name], known, password, "show environment")
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if !strings.Contains(out, "serial="+r.serial) {
			t.Errorf("%s show environment lacks serial=%s:\n%s", r.name, r.serial, out)
		}
	}
	if _, err := console(t, sshAddrs["rtx04"], known, password, "show environment"); err == nil {
		t.Errorf("rtx04 accepted the password, want it refused")
	}
	if _, err := net.Dial("tcp", sshAddrs["rtx05"]); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial down router rtx05: %v, want connection refused", err)
	}

	if code := <-stopFleet(f); code != exitOK {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitOK, f.stderr)
	}
	if got := f.stderr.String(); !strings.Contains(got, "rtx02 command: show environment\n") || strings.Contains(got, "rtx04 command") {
		t.Errorf("command log: want rtx02's command and none of rtx04:\n%s", got)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "saved", "rtx01.conf"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(rtxtest.NewRouter(rtxtest.DefaultScenario()).SavedConfig(), "\n") + "\n"
	if diff := cmp.Diff(want, string(saved)); diff != "" {
		t.Errorf("saved config of rtx01 mismatch (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "saved", "rtx05.conf")); err == nil {
		t.Errorf("a down router has a saved configuration")
	}
}

// stopFleet interrupts the run; its exit status arrives on the channel.
func stopFleet(f *fleetRun) <-chan int {
	f.cancel()
	return f.code
}

func TestRunFleetUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{name: "fault without routers", args: []string{"--down", "1"}},
		{name: "fleet dir without routers", args: []string{"--fleet-dir", "x"}},
		{name: "too many faults", args: []string{"--routers", "2", "--slow", "1", "--down", "2"}},
		{name: "negative", args: []string{"--routers", "2", "--failing", "-1"}},
		{name: "partial without routers", args: []string{"--partial", "1"}},
		{name: "negative partial", args: []string{"--routers", "2", "--partial", "-1"}},
		{name: "too many with partial", args: []string{"--routers", "3", "--partial", "2", "--wrong-password", "2"}},
		{name: "too many routers", args: []string{"--routers", "100000"}},
		{name: "fixed port", args: []string{"--routers", "2", "--ssh", "127.0.0.1:2222"}},
		{name: "azure", args: []string{"--routers", "2", "--azure"}},
		{name: "saved config out", args: []string{"--routers", "2", "--saved-config-out", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := Run(t.Context(), tt.args, &stdout, &stderr); code != exitUsage {
				t.Errorf("Run(%q) = %d, want %d; stderr %q", tt.args, code, exitUsage, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("Run(%q) stdout %q, want none", tt.args, stdout.String())
			}
		})
	}
}

// articleConfig returns the lines the built-in scenario's router has when its
// saved configuration is text.
func articleConfig(text string) string {
	sc := rtxtest.DefaultScenario()
	sc.SavedConfig = text
	return strings.Join(rtxtest.NewRouter(sc).SavedConfig(), "\n") + "\n"
}

// The built-in scenario's configuration: forced tunnelling off, half applied
// and on (testdata/script/status_partial.txtar).
var (
	articleOff     = rtxtest.DefaultScenario().SavedConfig
	articlePartial = strings.Replace(articleOff, "bgp import 65521 ", "bgp import filter 2 include 0.0.0.0/0\nbgp import 65521 ", 1)
	articleOn      = strings.Replace(articlePartial, "static filter 1\n", "static filter 1 2\n", 1)
)

func TestWithDefaultFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "article", in: articleOff, want: articlePartial},
		{
			name: "other AS and a higher filter",
			in:   "bgp import filter 1 equal 10.0.0.0/8\nbgp import filter 3 equal 10.1.0.0/16\nbgp import 64512 static filter 1 3\n",
			want: "bgp import filter 1 equal 10.0.0.0/8\nbgp import filter 2 include 0.0.0.0/0\nbgp import filter 3 equal 10.1.0.0/16\nbgp import 64512 static filter 1 3\n",
		},
		{name: "filter 2 defined", in: articlePartial, wantErr: true},
		{name: "filter 2 used", in: "bgp import 65521 static filter 1 2\n", wantErr: true},
		{name: "no import line", in: "bgp use on\nbgp import filter 1 equal 10.0.0.0/8\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := withDefaultFilter(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("withDefaultFilter(%q) error = %v, want error %t", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("withDefaultFilter(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestRunFleetLiveConfigs checks the partial routers and that saved/NAME.conf
// and running/NAME.conf are current as soon as the console prompts again.
func TestRunFleetLiveConfigs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := startFleetRun(t, "--routers", "4", "--partial", "1", "--failing", "1", "--down", "1", "--fleet-dir", dir)

	f.checkRoles(t, "rtx01 healthy", "rtx02 failing", "rtx03 partial", "rtx04 down")
	for file, want := range map[string]string{
		"config.yaml":   "  partial: [rtx03]\n",
		"inventory.yml": "    partial:\n      hosts:\n        rtx03:\n",
		"inventory.ini": "[partial]\nrtx03 ",
	} {
		if got := readFile(t, filepath.Join(dir, file)); !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", file, want, got)
		}
	}
	checkConfigs := func(step, name, running, saved string) {
		t.Helper()
		for _, c := range []struct{ dir, want string }{{"running", running}, {"saved", saved}} {
			if diff := cmp.Diff(c.want, readFile(t, filepath.Join(dir, c.dir, name+".conf"))); diff != "" {
				t.Errorf("%s: %s/%s.conf mismatch (-want +got):\n%s", step, c.dir, name, diff)
			}
		}
	}
	healthy, partial, on := articleConfig(articleOff), articleConfig(articlePartial), articleConfig(articleOn)
	checkConfigs("start", "rtx01", healthy, healthy)
	checkConfigs("start", "rtx03", partial, partial)

	cb, err := knownhosts.New(filepath.Join(dir, "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", f.addrs("ssh")["rtx03"], &ssh.ClientConfig{
		User: "rtxctl", Auth: []ssh.AuthMethod{ssh.Password(strings.TrimSpace(readFile(t, filepath.Join(dir, "login.password"))))}, HostKeyCallback: cb,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, stdin, r := startShell(t, c)
	readUntil(t, r, "\r\n> ")
	io.WriteString(stdin, "administrator\r")
	readUntil(t, r, "Password: ")
	io.WriteString(stdin, strings.TrimSpace(readFile(t, filepath.Join(dir, "admin.password")))+"\r")
	readUntil(t, r, "\r\n# ")
	steps := []struct {
		cmd, running, saved string
	}{
		{cmd: "bgp import 65521 static filter 1 2", running: on, saved: partial},
		{cmd: "save", running: on, saved: on},
	}
	for _, st := range steps {
		io.WriteString(stdin, st.cmd+"\r")
		readUntil(t, r, "\r\n# ")
		checkConfigs(st.cmd, "rtx03", st.running, st.saved)
	}
	io.WriteString(stdin, "exit\rexit\r")
	if err := sess.Wait(); err != nil {
		t.Errorf("session end: %v", err)
	}
	if code := <-stopFleet(f); code != exitOK {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitOK, f.stderr)
	}
	checkConfigs("exit", "rtx03", on, on)
	checkConfigs("exit", "rtx01", healthy, healthy)
	if _, err := os.Stat(filepath.Join(dir, "running", "rtx04.conf")); err == nil {
		t.Errorf("a down router has a running configuration")
	}
}

// readFile returns the content of a file the fleet wrote.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
