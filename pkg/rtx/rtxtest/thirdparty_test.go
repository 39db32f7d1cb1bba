package rtxtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
)

// clientGuard bounds a whole third-party client run, so that a client
// waiting for something that never comes fails the test instead of hanging
// it. It is a safety net, not a speed requirement.
const clientGuard = 2 * time.Minute

// lookClient returns the path of a client program or skips the test, naming
// the Debian package that provides it.
func lookClient(t *testing.T, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found; install the Debian package %s to run this test", name, debianPackage)
	}
	return path
}

// interactive is a client program driven like a user would: telnetSend a line
// only after the prompt it answers has appeared.
type interactive struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	chunks chan []byte // output; closed at EOF
	out    []byte      // everything received so far
	mark   int         // end of the last match in out
	stderr bytes.Buffer
}

// startClient starts path with args and env added to a minimal environment
// whose HOME is a fresh directory.
func startClient(t *testing.T, path string, args, env []string) *interactive {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), clientGuard)
	c := &interactive{cmd: exec.CommandContext(ctx, path, args...), chunks: make(chan []byte)}
	c.cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "LANG=C"}, env...)
	c.cmd.Stderr = &c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(c.chunks)
		buf := make([]byte, 4096)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				c.chunks <- bytes.Clone(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		// Stop a client the test left running (after a failure), then reap it.
		cancel()
		for range c.chunks {
		}
		<-done
		c.cmd.Wait()
	})
	return c
}

// waitFor reads output until want appears after the previous match.
func (c *interactive) waitFor(t *testing.T, want string) {
	t.Helper()
	for {
		if i := bytes.Index(c.out[c.mark:], []byte(want)); i >= 0 {
			c.mark += i + len(want)
			return
		}
		chunk, ok := <-c.chunks
		if !ok {
			t.Fatalf("%s ended while waiting for %q; output:\n%s\nstderr:\n%s", c.cmd.Path, want, c.out, &c.stderr)
		}
		c.out = append(c.out, chunk...)
	}
}

// send types s.
func (c *interactive) send(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(c.stdin, s); err != nil {
		t.Fatalf("write to %s: %v", c.cmd.Path, err)
	}
}

// waitExit reads the rest of the output and waits for the program to end.
func (c *interactive) waitExit(t *testing.T) error {
	t.Helper()
	for chunk := range c.chunks {
		c.out = append(c.out, chunk...)
	}
	return c.cmd.Wait()
}

// thirdPartyScenario is the default scenario with wide console columns, so
// that show config lines arrive unwrapped, and the given SSH options.
func thirdPartyScenario(opts SSHOptions, authorizedKey string) *Scenario {
	sc := DefaultScenario()
	sc.Columns = 200
	sc.SSH = opts
	if authorizedKey != "" {
		sc.Users[0].AuthorizedKeys = []string{authorizedKey}
	}
	return sc
}

// checkShowConfig checks that the session printed every saved config line
// and that the router logged exactly show config and exit.
func checkShowConfig(t *testing.T, srv *Server, out []byte) {
	t.Helper()
	for _, line := range srv.Router.SavedConfig() {
		if !bytes.Contains(out, []byte("\r\n"+line+"\r\n")) {
			t.Errorf("show config output lacks %q; output:\n%s", line, out)
		}
	}
	if diff := cmp.Diff([]string{"show config", "exit"}, srv.Router.Commands()); diff != "" {
		t.Errorf("command log mismatch (-want +got):\n%s", diff)
	}
}

// writeClientKey writes a new ed25519 private key in OpenSSH format and
// returns its path and authorized_keys line.
func writeClientKey(t *testing.T) (path, authorized string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return path, authorizedKey(signer)
}

// writeAskpass writes an SSH_ASKPASS program printing password. The
// password lives in the file, never on a command line.
func writeAskpass(t *testing.T, password string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "askpass")
	script := "#!/bin/sh\ncat <<'EOF'\n" + password + "\nEOF\n"
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenSSHClient(t *testing.T) {
	t.Parallel()
	sshPath := lookClient(t, "ssh", "openssh-client")
	keyFile, authorized := writeClientKey(t)
	askpass := writeAskpass(t, "rtxctl-login")
	passwordAuth := []string{
		"-o", "BatchMode=no", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
		"-o", "PreferredAuthentications=password,keyboard-interactive",
	}
	passwordEnv := []string{"SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0"}
	tests := []struct {
		name string
		opts SSHOptions
		args []string
		env  []string
	}{
		{
			name: "public key",
			args: []string{"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey", "-i", keyFile},
		},
		{name: "password", opts: SSHOptions{AuthMethods: []string{"password"}}, args: passwordAuth, env: passwordEnv},
		{name: "keyboard-interactive", opts: SSHOptions{AuthMethods: []string{"keyboard-interactive"}}, args: passwordAuth, env: passwordEnv},
		{
			name: "legacy firmware",
			opts: SSHOptions{Legacy: true},
			args: append([]string{
				"-o", "KexAlgorithms=+diffie-hellman-group1-sha1", "-o", "Ciphers=+aes128-cbc",
				"-o", "HostKeyAlgorithms=+ssh-rsa", "-o", "PubkeyAcceptedAlgorithms=+ssh-rsa",
			}, passwordAuth...),
			env: passwordEnv,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewUnstartedServer(thirdPartyScenario(tt.opts, authorized))
			srv.DisableTelnet = true
			srv.Start()
			t.Cleanup(srv.Close)
			knownHosts := filepath.Join(t.TempDir(), "known_hosts")
			if err := os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			host, port, err := net.SplitHostPort(srv.SSHAddr())
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{
				"-tt", "-F", "/dev/null", "-p", port,
				"-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
				"-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR",
			}, tt.args...)
			args = append(args, "rtxctl@"+host)
			c := startClient(t, sshPath, args, tt.env)

			c.waitFor(t, "\r\n> ")
			c.send(t, "show config\r")
			c.waitFor(t, "\r\n> ")
			c.send(t, "exit\r")
			if err := c.waitExit(t); err != nil {
				t.Errorf("ssh after exit: %v; stderr:\n%s", err, &c.stderr)
			}
			checkShowConfig(t, srv, c.out)
		})
	}
}

func TestTelnetClient(t *testing.T) {
	t.Parallel()
	telnetPath := lookClient(t, "telnet", "inetutils-telnet")
	tests := []struct {
		name string
		opts TelnetOptions
	}{
		{name: "plain"},
		{name: "wait for replies, go ahead, split packets", opts: TelnetOptions{WaitForReplies: true, GoAhead: true, SplitPackets: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := thirdPartyScenario(SSHOptions{}, "")
			sc.Telnet = tt.opts
			srv := NewUnstartedServer(sc)
			srv.DisableSSH = true
			srv.Start()
			t.Cleanup(srv.Close)
			host, port, err := net.SplitHostPort(srv.TelnetAddr())
			if err != nil {
				t.Fatal(err)
			}
			c := startClient(t, telnetPath, []string{host, port}, nil)

			c.waitFor(t, "Password: ")
			c.send(t, "rtxctl-anon\n")
			c.waitFor(t, "\r\n> ")
			c.send(t, "show config\n")
			c.waitFor(t, "\r\n> ")
			c.send(t, "exit\n")
			// telnet ends when the server closes the connection after the
			// logout, with a status that differs between implementations.
			_ = c.waitExit(t)
			checkShowConfig(t, srv, c.out)
		})
	}
}
