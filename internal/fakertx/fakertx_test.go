package fakertx

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// fake is a fakertx run in the background of a test.
type fake struct {
	addrs  map[string]string // "ssh"/"telnet" -> address, from stdout
	cancel context.CancelFunc
	code   chan int
	stderr *bytes.Buffer // read only after code delivered
}

// start runs fakertx with args and waits for it to print the addresses of
// the listeners named in want. The run is stopped at the end of the test.
func start(t *testing.T, want []string, args ...string) *fake {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	f := &fake{addrs: map[string]string{}, cancel: cancel, code: make(chan int, 1), stderr: &bytes.Buffer{}}
	go func() {
		f.code <- Run(ctx, args, pw, f.stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		pr.Close()
	})
	sc := bufio.NewScanner(pr)
	for range want {
		if !sc.Scan() {
			t.Fatalf("fakertx %q stopped before printing its addresses", args)
		}
		name, addr, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("stdout line %q, want NAME ADDR", sc.Text())
		}
		f.addrs[name] = addr
	}
	var got []string
	for name, addr := range f.addrs {
		got = append(got, name)
		if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
			t.Errorf("%s address %q, want 127.0.0.1:PORT", name, addr)
		}
	}
	if diff := cmp.Diff(want, got, cmpSorted); diff != "" {
		t.Fatalf("listeners mismatch (-want +got):\n%s", diff)
	}
	return f
}

// cmpSorted compares string slices regardless of order.
var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// stop interrupts the run and returns its exit status.
func (f *fake) stop() int {
	f.cancel()
	return <-f.code
}

func TestRunWritesAddressesAndFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	known := filepath.Join(dir, "known_hosts")
	f := start(t, []string{"ssh", "telnet"}, "--ready-file", ready, "--known-hosts", known)

	got, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	want := "ssh=" + f.addrs["ssh"] + "\ntelnet=" + f.addrs["telnet"] + "\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("ready file mismatch (-want +got):\n%s", diff)
	}

	// The known_hosts file lets a client check the host key; the default
	// scenario's login user gets in.
	cb, err := knownhosts.New(known)
	if err != nil {
		t.Fatalf("knownhosts.New: %v", err)
	}
	c, err := ssh.Dial("tcp", f.addrs["ssh"], &ssh.ClientConfig{
		User:            "rtxctl",
		Auth:            []ssh.AuthMethod{ssh.Password("rtxctl-login")},
		HostKeyCallback: cb,
	})
	if err != nil {
		t.Fatalf("ssh dial with the written known_hosts: %v", err)
	}
	c.Close()

	if code := f.stop(); code != exitOK {
		t.Errorf("exit status %d after interrupt, want %d; stderr:\n%s", code, exitOK, f.stderr)
	}
}

func TestRunDisablesListeners(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "ssh off", args: []string{"--ssh", "off"}, want: []string{"telnet"}},
		{name: "telnet empty", args: []string{"--telnet", ""}, want: []string{"ssh"}},
		{name: "explicit loopback addresses", args: []string{"--ssh", "127.0.0.1:0", "--telnet", "localhost:0"}, want: []string{"ssh", "telnet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ready := filepath.Join(t.TempDir(), "ready")
			f := start(t, tt.want, append(tt.args, "--ready-file", ready)...)
			got, err := os.ReadFile(ready)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for _, name := range []string{"ssh", "telnet"} {
				if addr, ok := f.addrs[name]; ok {
					want.WriteString(name + "=" + addr + "\n")
				}
			}
			if diff := cmp.Diff(want.String(), string(got)); diff != "" {
				t.Errorf("ready file mismatch (-want +got):\n%s", diff)
			}
			if code := f.stop(); code != exitOK {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, exitOK, f.stderr)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badScenario := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badScenario, []byte("no_such_field: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{name: "unknown flag", args: []string{"--bogus"}},
		{name: "argument", args: []string{"extra"}},
		{name: "both listeners off", args: []string{"--ssh", "off", "--telnet", ""}},
		{name: "all interfaces", args: []string{"--ssh", "0.0.0.0:0"}},
		{name: "empty host", args: []string{"--telnet", ":0"}},
		{name: "remote address", args: []string{"--ssh", "192.168.100.1:22"}},
		{name: "address without port", args: []string{"--telnet", "127.0.0.1"}},
		{name: "missing scenario", args: []string{"--scenario", filepath.Join(dir, "missing.yaml")}},
		{name: "invalid scenario", args: []string{"--scenario", badScenario}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Run(t.Context(), tt.args, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("Run(%q) = %d, want %d", tt.args, code, exitUsage)
			}
			if stdout.Len() != 0 || stderr.Len() == 0 {
				t.Errorf("Run(%q): stdout %q, stderr %q; want only an error on stderr", tt.args, stdout.String(), stderr.String())
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := Run(t.Context(), []string{"-h"}, &stdout, &stderr); code != exitOK {
		t.Errorf("Run(-h) = %d, want %d", code, exitOK)
	}
	if !strings.Contains(stderr.String(), "--allow-remote") && !strings.Contains(stderr.String(), "-allow-remote") {
		t.Errorf("help text does not list -allow-remote:\n%s", stderr.String())
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:0", true},
		{"127.0.0.2:2323", true},
		{"[::1]:0", true},
		{"localhost:22", true},
		{"0.0.0.0:0", false},
		{"[::]:0", false},
		{":22", false},
		{"192.168.100.1:22", false},
		{"example.com:22", false},
		{"127.0.0.1", false},
	}
	for _, tt := range tests {
		if got := isLoopback(tt.addr); got != tt.want {
			t.Errorf("isLoopback(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

// readUntil reads from r until the data read so far ends with suffix.
func readUntil(t *testing.T, r *bufio.Reader, suffix string) {
	t.Helper()
	var got []byte
	for !bytes.HasSuffix(got, []byte(suffix)) {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("waiting for %q: %v (got %q)", suffix, err, got)
		}
		got = append(got, b)
	}
}

func TestRunLogsCommandsAndWritesSavedConfig(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "saved.conf")
	f := start(t, []string{"ssh"}, "--telnet", "off", "--log-commands", "--saved-config-out", out)

	c, err := ssh.Dial("tcp", f.addrs["ssh"], &ssh.ClientConfig{
		User:            "rtxctl",
		Auth:            []ssh.AuthMethod{ssh.Password("rtxctl-login")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // the host key is checked in TestRunWritesAddressesAndFiles
	})
	if err != nil {
		t.Fatalf("ssh dial: %v", err)
	}
	defer c.Close()
	sess, stdin, r := startShell(t, c)
	readUntil(t, r, "\r\n> ")
	io.WriteString(stdin, "show config\r")
	readUntil(t, r, "\r\n> ")
	io.WriteString(stdin, "exit\r")
	if err := sess.Wait(); err != nil {
		t.Errorf("session end: %v", err)
	}

	if code := f.stop(); code != exitOK {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitOK, f.stderr)
	}
	wantLog := "command: show config\ncommand: exit\n"
	if diff := cmp.Diff(wantLog, f.stderr.String()); diff != "" {
		t.Errorf("command log mismatch (-want +got):\n%s", diff)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(rtxtest.NewRouter(rtxtest.DefaultScenario()).SavedConfig(), "\n") + "\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("saved config mismatch (-want +got):\n%s", diff)
	}
}

// openConsole opens a session on c with a 200-column pseudo-terminal, the
// way a terminal user logs in, and returns it with its standard input; the
// caller connects standard output and starts the shell. The session is
// closed when the test ends.
func openConsole(t *testing.T, c *ssh.Client) (*ssh.Session, io.WriteCloser) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	if err := sess.RequestPty("vt100", 24, 200, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	return sess, stdin
}

// startShell opens a session on c like [openConsole] and starts the shell;
// the console's output is read from the returned reader.
func startShell(t *testing.T, c *ssh.Client) (*ssh.Session, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	sess, stdin := openConsole(t, c)
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return sess, stdin, bufio.NewReader(stdout)
}
