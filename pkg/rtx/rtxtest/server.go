package rtxtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Server is a fake RTX router reachable over real SSH and Telnet listeners,
// in the shape of net/http/httptest.Server: [NewServer] returns a started
// server on 127.0.0.1 with ephemeral ports, [Server.Close] shuts it down.
//
// Every session, on either listener or through [Server.ServeConn], runs
// [Router.ServeConsole] on the same Router, so state (configs, command log,
// clock) is shared across sessions, as on a real device.
//
// The exported fields may be set after [NewUnstartedServer] and before
// [Server.Start] or the first [Server.ServeConn] only. The methods are safe
// for concurrent use.
type Server struct {
	// Router is the device every session talks to. It is never nil for a
	// server made by NewServer or NewUnstartedServer.
	Router *Router

	// SSHListener is where Start serves SSH. Nil means a new listener on
	// 127.0.0.1:0. The server owns it once started and closes it in Close.
	SSHListener net.Listener
	// TelnetListener is where Start serves Telnet. Nil means a new listener
	// on 127.0.0.1:0. The server owns it once started and closes it in Close.
	TelnetListener net.Listener
	// DisableSSH turns the SSH listener off; SSHListener is then ignored.
	DisableSSH bool
	// DisableTelnet turns the Telnet listener off; TelnetListener is then
	// ignored.
	DisableTelnet bool
	// HostSigner is the SSH host key. Nil means the fixed RSA test key
	// embedded in this package. In legacy mode (Scenario.SSH.Legacy) it must
	// be an RSA key.
	HostSigner ssh.Signer

	// serve runs one console session; nil means Router.ServeConsole. Tests
	// of the listeners replace it to exercise them without the engine.
	serve func(ctx context.Context, rw io.ReadWriter, info SessionInfo) error

	mu        sync.Mutex
	ctx       context.Context // sessions' context, cancelled by Close; nil until set up
	cancel    context.CancelFunc
	sshConfig *ssh.ServerConfig
	started   bool
	closed    bool
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup
}

// NewServer starts and returns a fake router running sc, with SSH and Telnet
// listening on 127.0.0.1 with ephemeral ports. The caller must call
// [Server.Close] (tests: t.Cleanup(srv.Close)).
func NewServer(sc *Scenario) *Server {
	s := NewUnstartedServer(sc)
	s.Start()
	return s
}

// NewUnstartedServer returns a fake router running sc without listening yet.
// Set its fields, then call [Server.Start]; call [Server.Close] when done.
func NewUnstartedServer(sc *Scenario) *Server {
	return &Server{Router: NewRouter(sc)}
}

// Start opens the listeners that are not disabled and serves them in the
// background. It panics if the server was already started, if a listener
// cannot be opened, or if the host key does not suit the scenario, like
// httptest.Server.Start: these are programming errors in a test.
func (s *Server) Start() {
	if err := s.start(); err != nil {
		panic("rtxtest: " + err.Error())
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("server already started")
	}
	if err := s.setupLocked(); err != nil {
		return err
	}
	var err error
	if !s.DisableSSH {
		if s.SSHListener, err = listenLocal(s.SSHListener); err != nil {
			return fmt.Errorf("listen for ssh: %w", err)
		}
	}
	if !s.DisableTelnet {
		if s.TelnetListener, err = listenLocal(s.TelnetListener); err != nil {
			if !s.DisableSSH {
				s.SSHListener.Close()
			}
			return fmt.Errorf("listen for telnet: %w", err)
		}
	}
	s.started = true
	if !s.DisableSSH {
		s.wg.Go(func() { s.acceptLoop(s.SSHListener, s.serveSSH) })
	}
	if !s.DisableTelnet {
		s.wg.Go(func() { s.acceptLoop(s.TelnetListener, s.serveTelnet) })
	}
	return nil
}

// setupLocked prepares what serving needs, once: the console, the host key,
// the SSH configuration and the sessions' context. The caller holds mu.
func (s *Server) setupLocked() error {
	if s.closed {
		return fmt.Errorf("server: %w", net.ErrClosed)
	}
	if s.ctx != nil {
		return nil
	}
	if s.serve == nil {
		s.serve = s.Router.ServeConsole
	}
	if s.HostSigner == nil {
		s.HostSigner = testHostSigner()
	}
	cfg, err := s.sshServerConfig()
	if err != nil {
		return err
	}
	s.sshConfig = cfg
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.conns = make(map[net.Conn]struct{})
	return nil
}

// ServeConn serves one connection with the given transport ("ssh" or
// "telnet") as if a listener had accepted it, and returns once the session
// has ended and c is closed. It needs no listener, so a test can run the fake
// over an in-memory connection (inside a testing/synctest bubble, say); it
// works on a started or an unstarted server, and [Server.Close] ends it.
// The error reports only a connection that could not be served: an unknown
// transport, a closed server or a host key that does not suit the scenario.
func (s *Server) ServeConn(transport string, c net.Conn) error {
	var serve func(net.Conn)
	switch transport {
	case "ssh":
		serve = s.serveSSH
	case "telnet":
		serve = s.serveTelnet
	default:
		c.Close()
		return fmt.Errorf("serve conn: unknown transport %q", transport)
	}
	s.mu.Lock()
	err := s.setupLocked()
	if err == nil {
		s.trackLocked(c)
	}
	s.mu.Unlock()
	if err != nil {
		c.Close()
		return fmt.Errorf("serve conn: %w", err)
	}
	defer s.wg.Done()
	defer s.untrack(c)
	serve(c)
	return nil
}

// listenLocal returns l, or a new listener on 127.0.0.1:0 when l is nil.
func listenLocal(l net.Listener) (net.Listener, error) {
	if l != nil {
		return l, nil
	}
	return net.Listen("tcp", "127.0.0.1:0")
}

// acceptLoop accepts connections on l until it is closed and runs serve for
// each in its own goroutine.
func (s *Server) acceptLoop(l net.Listener, serve func(net.Conn)) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		closed := s.closed
		if !closed {
			s.trackLocked(c)
		}
		s.mu.Unlock()
		if closed {
			c.Close()
			return
		}
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			serve(c)
		}()
	}
}

// trackLocked records c so that Close can close it, and counts its session
// in wg; the session calls wg.Done and untrack when it ends. Counting under
// mu, before Close has set closed, orders it before Close's wg.Wait. The
// caller holds mu.
func (s *Server) trackLocked(c net.Conn) {
	s.conns[c] = struct{}{}
	s.wg.Add(1)
}

// untrack closes c and forgets it.
func (s *Server) untrack(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Close closes the listeners and every open session, then waits for every
// goroutine of the server to finish. It is idempotent. A closed server
// cannot be started again.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.cancel != nil {
		s.cancel()
	}
	if s.started && !s.DisableSSH {
		s.SSHListener.Close()
	}
	if s.started && !s.DisableTelnet {
		s.TelnetListener.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// SSHAddr returns the SSH listener's address as host:port, or "" when SSH is
// disabled or the server is not started.
func (s *Server) SSHAddr() string {
	return s.addr(s.DisableSSH, s.SSHListener)
}

// TelnetAddr returns the Telnet listener's address as host:port, or "" when
// Telnet is disabled or the server is not started.
func (s *Server) TelnetAddr() string {
	return s.addr(s.DisableTelnet, s.TelnetListener)
}

func (s *Server) addr(disabled bool, l net.Listener) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if disabled || !s.started || l == nil {
		return ""
	}
	return l.Addr().String()
}

// HostKey returns the public half of the SSH host key.
func (s *Server) HostKey() ssh.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.HostSigner == nil {
		return testHostSigner().PublicKey()
	}
	return s.HostSigner.PublicKey()
}

// KnownHostsLine returns an OpenSSH known_hosts line for the SSH listener's
// host key, the host written as [127.0.0.1]:port. It returns "" when SSH is
// disabled or the server is not started.
func (s *Server) KnownHostsLine() string {
	addr := s.SSHAddr()
	if addr == "" {
		return ""
	}
	return knownhosts.Line([]string{knownhosts.Normalize(addr)}, s.HostKey())
}
