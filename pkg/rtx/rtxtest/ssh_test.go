package rtxtest

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// lineConsole is a console for listener tests: it greets the user, then
// answers each line with "got LINE" and a prompt; "exit" logs out, "drop"
// drops the connection.
func lineConsole(_ context.Context, rw io.ReadWriter, info SessionInfo) error {
	if _, err := io.WriteString(rw, "hello "+info.User+"\r\n> "); err != nil {
		return err
	}
	r := bufio.NewReader(rw)
	for {
		line, err := r.ReadString('\r')
		if err != nil {
			return err
		}
		switch line = strings.TrimSuffix(line, "\r"); line {
		case "exit":
			return nil
		case "drop":
			return ErrDropped
		}
		if _, err := io.WriteString(rw, "got "+line+"\r\n> "); err != nil {
			return err
		}
	}
}

// newTestSSHServer starts a server with only SSH, the given scenario and
// console, and returns it.
func newTestSSHServer(t *testing.T, sc *Scenario, console func(context.Context, io.ReadWriter, SessionInfo) error) *Server {
	t.Helper()
	srv := NewUnstartedServer(sc)
	srv.DisableTelnet = true
	srv.serve = console
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// hostKeyCallback checks the server's host key through a known_hosts file
// holding srv.KnownHostsLine(), as an OpenSSH user would.
func hostKeyCallback(t *testing.T, srv *Server) ssh.HostKeyCallback {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(path)
	if err != nil {
		t.Fatalf("knownhosts.New: %v", err)
	}
	return cb
}

// dialSSH connects to srv with cfg, filling in the host key check.
func dialSSH(t *testing.T, srv *Server, cfg ssh.ClientConfig) (*ssh.Client, error) {
	t.Helper()
	cfg.HostKeyCallback = hostKeyCallback(t, srv)
	c, err := ssh.Dial("tcp", srv.SSHAddr(), &cfg)
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

// keyboardInteractive answers keyboard-interactive questions with pw.
func keyboardInteractive(pw string) ssh.AuthMethod {
	return ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
		answers := make([]string, len(questions))
		for i := range answers {
			answers[i] = pw
		}
		return answers, nil
	})
}

// newEd25519Signer returns a fresh ed25519 key.
func newEd25519Signer(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// restrictSigner limits an RSA signer to the given signature algorithms.
func restrictSigner(t *testing.T, s ssh.Signer, algorithms ...string) ssh.Signer {
	t.Helper()
	rs, err := ssh.NewSignerWithAlgorithms(s.(ssh.AlgorithmSigner), algorithms)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// authorizedKey returns an authorized_keys line for s.
func authorizedKey(s ssh.Signer) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))) + " alice@example"
}

func TestSSHAuth(t *testing.T) {
	t.Parallel()
	edKey := newEd25519Signer(t)
	// The embedded host key doubles as an RSA client key: generating one
	// would only slow the test down.
	rsaKey := testHostSigner()
	tests := []struct {
		name    string
		methods []string
		legacy  bool
		user    string
		auth    ssh.AuthMethod
		wantOK  bool
	}{
		{name: "password", user: "alice", auth: ssh.Password("s3cret"), wantOK: true},
		{name: "wrong password", user: "alice", auth: ssh.Password("wrong")},
		{name: "empty password", user: "nopw", auth: ssh.Password("")},
		{name: "unknown user", user: "mallory", auth: ssh.Password("s3cret")},
		{name: "anonymous user", user: "", auth: ssh.Password("login")},
		{name: "keyboard-interactive", user: "alice", auth: keyboardInteractive("s3cret"), wantOK: true},
		{name: "keyboard-interactive wrong password", user: "alice", auth: keyboardInteractive("wrong")},
		{name: "ed25519 key", user: "alice", auth: ssh.PublicKeys(edKey), wantOK: true},
		{name: "rsa key", user: "alice", auth: ssh.PublicKeys(rsaKey), wantOK: true},
		{name: "key of another user", user: "bob", auth: ssh.PublicKeys(edKey)},
		{name: "unauthorized key", user: "alice", auth: ssh.PublicKeys(newEd25519Signer(t))},
		{name: "password only refuses keys", methods: []string{"password"}, user: "alice", auth: ssh.PublicKeys(edKey)},
		{name: "password only", methods: []string{"password"}, user: "alice", auth: ssh.Password("s3cret"), wantOK: true},
		{name: "password only refuses keyboard-interactive", methods: []string{"password"}, user: "alice", auth: keyboardInteractive("s3cret")},
		{name: "publickey only refuses passwords", methods: []string{"publickey"}, user: "alice", auth: ssh.Password("s3cret")},
		{name: "keyboard-interactive only refuses passwords", methods: []string{"keyboard-interactive"}, user: "alice", auth: ssh.Password("s3cret")},
		{name: "keyboard-interactive only", methods: []string{"keyboard-interactive"}, user: "alice", auth: keyboardInteractive("s3cret"), wantOK: true},
		{name: "legacy rsa key signing ssh-rsa", legacy: true, user: "alice", auth: ssh.PublicKeys(restrictSigner(t, rsaKey, ssh.KeyAlgoRSA)), wantOK: true},
		{name: "legacy rsa key signing rsa-sha2-256", legacy: true, user: "alice", auth: ssh.PublicKeys(restrictSigner(t, rsaKey, ssh.KeyAlgoRSASHA256))},
		{name: "legacy ed25519 key", legacy: true, user: "alice", auth: ssh.PublicKeys(edKey), wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.LoginPassword = "login"
			sc.Users = []User{
				{Name: "alice", Password: "s3cret", AuthorizedKeys: []string{authorizedKey(edKey), authorizedKey(rsaKey)}},
				{Name: "bob", Password: "other"},
				{Name: "nopw"},
			}
			sc.SSH = SSHOptions{AuthMethods: tt.methods, Legacy: tt.legacy}
			srv := newTestSSHServer(t, sc, lineConsole)
			cfg := ssh.ClientConfig{User: tt.user, Auth: []ssh.AuthMethod{tt.auth}}
			if tt.legacy {
				cfg.Config = legacyClientConfig()
			}
			_, err := dialSSH(t, srv, cfg)
			if gotOK := err == nil; gotOK != tt.wantOK {
				t.Errorf("dial as %q: error %v, want success %v", tt.user, err, tt.wantOK)
			}
		})
	}
}

// legacyClientConfig is a client configuration able to talk to old RTX
// firmware.
func legacyClientConfig() ssh.Config {
	return ssh.Config{
		KeyExchanges: []string{ssh.InsecureKeyExchangeDH1SHA1},
		Ciphers:      []string{ssh.InsecureCipherAES128CBC},
		MACs:         []string{ssh.HMACSHA1},
	}
}

func TestSSHLegacy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		config   ssh.Config
		hostAlgs []string
		wantOK   bool
	}{
		{name: "default client", config: ssh.Config{}},
		{name: "legacy client", config: legacyClientConfig(), wantOK: true},
		{name: "group14-sha1 and 3des-cbc", config: ssh.Config{
			KeyExchanges: []string{ssh.InsecureKeyExchangeDH14SHA1},
			Ciphers:      []string{ssh.InsecureCipherTripleDESCBC},
		}, wantOK: true},
		{name: "legacy client refusing ssh-rsa host keys", config: legacyClientConfig(), hostAlgs: []string{ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512}},
		{name: "legacy client insisting on ssh-rsa host keys", config: legacyClientConfig(), hostAlgs: []string{ssh.KeyAlgoRSA}, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Users = []User{{Name: "alice", Password: "s3cret"}}
			sc.SSH.Legacy = true
			srv := newTestSSHServer(t, sc, lineConsole)
			_, err := dialSSH(t, srv, ssh.ClientConfig{
				Config:            tt.config,
				User:              "alice",
				Auth:              []ssh.AuthMethod{ssh.Password("s3cret")},
				HostKeyAlgorithms: tt.hostAlgs,
			})
			if gotOK := err == nil; gotOK != tt.wantOK {
				t.Errorf("dial: error %v, want success %v", err, tt.wantOK)
			}
		})
	}
}

func TestSSHModernServerRefusesLegacyClient(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Users = []User{{Name: "alice", Password: "s3cret"}}
	srv := newTestSSHServer(t, sc, lineConsole)
	cfg := ssh.ClientConfig{Config: legacyClientConfig(), User: "alice", Auth: []ssh.AuthMethod{ssh.Password("s3cret")}}
	if _, err := dialSSH(t, srv, cfg); err == nil {
		t.Error("dial with only legacy algorithms succeeded, want failure")
	}
}

// sshShell opens a session with a pty and a shell on c and returns its stdin
// and a reader of its stdout.
func sshShell(t *testing.T, c *ssh.Client) (*ssh.Session, io.Writer, *bufio.Reader) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	if err := sess.Setenv("LANG", "C"); err != nil {
		t.Fatalf("Setenv: %v", err)
	}
	if err := sess.RequestPty("vt100", 24, 200, ssh.TerminalModes{}); err != nil {
		t.Fatalf("RequestPty: %v", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatalf("Shell: %v", err)
	}
	if err := sess.WindowChange(40, 100); err != nil {
		t.Fatalf("WindowChange: %v", err)
	}
	return sess, stdin, bufio.NewReader(stdout)
}

// sshReadUntil reads from r until the data read so far ends with suffix.
func sshReadUntil(t *testing.T, r *bufio.Reader, suffix string) string {
	t.Helper()
	var sb strings.Builder
	for !strings.HasSuffix(sb.String(), suffix) {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("waiting for %q: %v (got %q)", suffix, err, sb.String())
		}
		sb.WriteByte(b)
	}
	return sb.String()
}

func TestSSHSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		last    string
		checkFn func(t *testing.T, c *ssh.Client, waitErr error)
	}{
		{
			name: "logout sends exit-status 0",
			last: "exit\r",
			checkFn: func(t *testing.T, _ *ssh.Client, waitErr error) {
				if waitErr != nil {
					t.Errorf("Wait after logout: %v, want nil", waitErr)
				}
			},
		},
		{
			name: "drop closes the connection without exit-status",
			last: "drop\r",
			checkFn: func(t *testing.T, c *ssh.Client, waitErr error) {
				var exitErr *ssh.ExitError
				if waitErr == nil || errors.As(waitErr, &exitErr) {
					t.Errorf("Wait after drop: %v, want an error without exit status", waitErr)
				}
				if err := c.Wait(); err == nil {
					t.Error("connection Wait after drop: nil, want the connection's error")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Users = []User{{Name: "alice", Password: "s3cret"}}
			infos := make(chan SessionInfo, 1)
			srv := newTestSSHServer(t, sc, func(ctx context.Context, rw io.ReadWriter, info SessionInfo) error {
				infos <- info
				return lineConsole(ctx, rw, info)
			})
			c, err := dialSSH(t, srv, ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{ssh.Password("s3cret")}})
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			sess, stdin, stdout := sshShell(t, c)
			sshReadUntil(t, stdout, "hello alice\r\n> ")
			if _, err := io.WriteString(stdin, "show config\r"); err != nil {
				t.Fatal(err)
			}
			sshReadUntil(t, stdout, "got show config\r\n> ")
			if _, err := io.WriteString(stdin, tt.last); err != nil {
				t.Fatal(err)
			}
			tt.checkFn(t, c, sess.Wait())
			want := SessionInfo{Transport: "ssh", User: "alice", RemoteAddr: c.LocalAddr().String()}
			if diff := cmp.Diff(want, <-infos); diff != "" {
				t.Errorf("SessionInfo mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSSHRefusesExecAndOtherChannels(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Users = []User{{Name: "alice", Password: "s3cret"}}
	srv := newTestSSHServer(t, sc, lineConsole)
	c, err := dialSSH(t, srv, ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{ssh.Password("s3cret")}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	defer sess.Close()
	if err := sess.Start("show config"); err == nil {
		t.Error("exec request accepted, want refusal")
	}
	_, _, err = c.OpenChannel("direct-tcpip", nil)
	var openErr *ssh.OpenChannelError
	if !errors.As(err, &openErr) || openErr.Reason != ssh.UnknownChannelType {
		t.Errorf("OpenChannel(direct-tcpip) error = %v, want UnknownChannelType", err)
	}
	if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
		t.Errorf("global request: %v, want a reply", err)
	}
}
