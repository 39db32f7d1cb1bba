package transport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/ssh"
)

// Default terminal settings for the SSH pty-req and the Telnet TTYPE/NAWS
// options.
const (
	defaultSSHTerm = "vt100"
	defaultColumns = 200
	defaultRows    = 24
)

// SSHConfig says how [DialSSH] authenticates, checks the host key and sets
// up the terminal. The zero value of each field is described next to it; the
// zero SSHConfig cannot dial, since it names no known_hosts file.
type SSHConfig struct {
	// User is the login user name.
	User string
	// Password is offered with the "password" method, then answers every
	// "keyboard-interactive" question. "" offers neither method.
	Password string
	// KeyFiles are unencrypted OpenSSH (or PEM) private key files offered
	// for public-key authentication, before any agent key. nil offers none.
	// A passphrase-protected file is an error: load such keys into an agent.
	KeyFiles []string
	// AgentSocket is the path of an ssh-agent socket whose keys are offered
	// after KeyFiles. "" uses no agent; an unreachable agent is logged and
	// skipped.
	AgentSocket string
	// KnownHostsFile is the OpenSSH known_hosts file the host key is checked
	// against. A missing file counts as empty. "" is an error unless
	// InsecureIgnoreHostKey is set.
	KnownHostsFile string
	// AcceptNewHostKey trusts the key of a host KnownHostsFile does not list
	// and appends it there (creating the file 0600 and its directory 0700).
	// A changed key is refused regardless. false refuses unknown hosts.
	AcceptNewHostKey bool
	// HostKeyAdded, when set, is called once AcceptNewHostKey has recorded
	// the key of an unknown host, to tell the user which key was trusted.
	// nil tells no one.
	HostKeyAdded func(AddedHostKey)
	// InsecureIgnoreHostKey skips the host-key check entirely. false checks.
	InsecureIgnoreHostKey bool
	// LegacyAlgorithms also offers what old RTX firmware needs:
	// diffie-hellman-group1-sha1 and diffie-hellman-group-exchange-sha1 key
	// exchanges, aes128-cbc and 3des-cbc ciphers, and SHA-1 "ssh-rsa"
	// signatures for RSA client keys (instead of rsa-sha2-*). false offers
	// x/crypto's defaults only.
	LegacyAlgorithms bool
	// Term is the terminal type of the pty-req. "" means "vt100".
	Term string
	// Columns and Rows are the pty-req window size. Zero means 200 and 24.
	Columns, Rows int
	// Dial opens the TCP connection. nil uses a zero net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives debug records (dial, negotiated algorithms, each
	// authentication step, host-key decisions), never secrets. nil discards.
	Logger *slog.Logger
}

// DialSSH connects to addr (host:port), verifies the host key, logs in as
// cfg.User, requests a pty and starts a shell. The returned connection
// carries the console: Read returns the shell's output (stderr, which a pty
// does not use, is discarded), Write sends keystrokes.
//
// ctx bounds the whole setup, including a server that never answers the
// pty or shell request: when ctx ends first, the connection is closed and
// DialSSH returns a [DialError] wrapping ctx.Err(). ctx does not affect the
// returned connection.
//
// Errors: [HostKeyError] for an unknown or changed host key, [AuthError] when
// every authentication method is refused, [DialError] for network, protocol
// and setup failures; other errors mean cfg is unusable (no known_hosts
// file, unreadable or encrypted key file).
//
// The caller closes the returned connection. Close is idempotent, may run
// concurrently with Read and Write, and releases a blocked Read, which then
// returns an error wrapping net.ErrClosed; Read returns io.EOF when the
// router ends the session.
func DialSSH(ctx context.Context, addr string, cfg SSHConfig) (io.ReadWriteCloser, error) {
	log := orDiscard(cfg.Logger).With("transport", "ssh", "addr", addr)
	hk, err := newHostKeyChecker(addr, cfg, log)
	if err != nil {
		return nil, err
	}
	auth, err := newSSHAuth(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	defer auth.close()
	clientCfg := &ssh.ClientConfig{
		Config:            algorithmConfig(cfg.LegacyAlgorithms),
		User:              cfg.User,
		Auth:              auth.methods,
		AuthCallback:      auth.next,
		HostKeyCallback:   hk.callback(),
		HostKeyAlgorithms: hk.algorithms(),
	}

	log.Debug("dial", "legacy_algorithms", cfg.LegacyAlgorithms)
	nc, err := dialTCP(ctx, cfg.Dial, addr)
	if err != nil {
		return nil, &DialError{Protocol: "ssh", Addr: addr, Err: err}
	}
	// Neither the handshake nor the session requests take a context: closing
	// the connection is what interrupts them.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	conn, err := startSession(nc, addr, clientCfg, cfg, log)
	if !stop() {
		if conn != nil {
			conn.Close()
		}
		return nil, &DialError{Protocol: "ssh", Addr: addr, Err: ctx.Err()}
	}
	switch {
	case err == nil:
		log.Debug("shell started")
		return conn, nil
	case hk.failure.Load() != nil:
		return nil, hk.failure.Load()
	case auth.isAuthFailure(err):
		log.Debug("ssh authentication refused", "user", cfg.User)
		return nil, &AuthError{User: cfg.User, Err: auth.refusal(err)}
	default:
		var negErr *ssh.AlgorithmNegotiationError
		if errors.As(err, &negErr) {
			err = &AlgorithmError{What: negErr.What, Router: negErr.RequestedAlgorithms, Legacy: cfg.LegacyAlgorithms, Err: negErr}
		}
		return nil, &DialError{Protocol: "ssh", Addr: addr, Err: err}
	}
}

// algorithmConfig returns the algorithm lists: x/crypto's defaults, plus the
// insecure ones old firmware needs when legacy is set.
func algorithmConfig(legacy bool) ssh.Config {
	if !legacy {
		return ssh.Config{}
	}
	var defaults ssh.Config
	defaults.SetDefaults()
	return ssh.Config{
		KeyExchanges: append(slices.Clone(defaults.KeyExchanges),
			ssh.InsecureKeyExchangeDH1SHA1, ssh.InsecureKeyExchangeDHGEXSHA1),
		Ciphers: append(slices.Clone(defaults.Ciphers),
			ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC),
	}
}

// startSession runs the SSH handshake on nc and starts an interactive shell
// with a pty. On error everything it opened, nc included, is closed.
func startSession(nc net.Conn, addr string, clientCfg *ssh.ClientConfig, cfg SSHConfig, log *slog.Logger) (*sshConn, error) {
	cc, chans, reqs, err := ssh.NewClientConn(nc, addr, clientCfg)
	if err != nil {
		return nil, err
	}
	client := ssh.NewClient(cc, chans, reqs)
	conn, err := openShell(client, cfg, log)
	if err != nil {
		client.Close()
		return nil, err
	}
	return conn, nil
}

// openShell opens a session channel on client, requests a pty and a shell.
func openShell(client *ssh.Client, cfg SSHConfig, log *slog.Logger) (*sshConn, error) {
	session, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("open ssh session: %w", err)
	}
	term := cmp.Or(cfg.Term, defaultSSHTerm)
	cols := cmp.Or(cfg.Columns, defaultColumns)
	rows := cmp.Or(cfg.Rows, defaultRows)
	if err := session.RequestPty(term, rows, cols, ssh.TerminalModes{}); err != nil {
		return nil, fmt.Errorf("request pty: %w", err)
	}
	log.Debug("pty granted", "term", term, "columns", cols, "rows", rows)
	stdin, err := session.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("connect ssh stdin: %w", err)
	}
	stdout, err := session.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("connect ssh stdout: %w", err)
	}
	if err := session.Shell(); err != nil {
		return nil, fmt.Errorf("start shell: %w", err)
	}
	return &sshConn{client: client, session: session, stdin: stdin, stdout: stdout, log: log}, nil
}

// sshConn is the console of one SSH shell session.
type sshConn struct {
	client  *ssh.Client
	session *ssh.Session
	stdin   io.Writer
	stdout  io.Reader
	log     *slog.Logger

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// Read returns shell output. It returns io.EOF once the router closed the
// session (with or without an exit status), and an error wrapping
// net.ErrClosed after Close.
func (c *sshConn) Read(p []byte) (int, error) {
	n, err := c.stdout.Read(p)
	if err != nil && c.closed.Load() {
		return n, fmt.Errorf("read ssh session: %w", net.ErrClosed)
	}
	return n, err
}

// Write sends p to the shell's input.
func (c *sshConn) Write(p []byte) (int, error) {
	n, err := c.stdin.Write(p)
	if err != nil && c.closed.Load() {
		return n, fmt.Errorf("write ssh session: %w", net.ErrClosed)
	}
	return n, err
}

// Close ends the session and the connection. It is idempotent, safe to call
// concurrently with Read and Write, and releases a blocked Read. It returns
// once x/crypto's session goroutines have finished.
func (c *sshConn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.session.Close()
		if err := c.client.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			c.closeErr = fmt.Errorf("close ssh connection: %w", err)
		}
		// A session the router closed without an exit status ends with
		// *ssh.ExitMissingError: a normal end for a console after "exit".
		var missing *ssh.ExitMissingError
		if err := c.session.Wait(); err != nil && !errors.As(err, &missing) {
			c.log.Debug("ssh session ended", "status", err)
		}
	})
	return c.closeErr
}
