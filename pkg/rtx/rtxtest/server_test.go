package rtxtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
)

// startLineServer starts a server running lineConsole after configure adjusted
// it, and closes it at the end of the test.
func startLineServer(t *testing.T, configure func(*Server)) *Server {
	t.Helper()
	srv := NewUnstartedServer(DefaultScenario())
	srv.serve = lineConsole
	configure(srv)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// loopbackPort checks that addr is 127.0.0.1 with a real port and returns
// the port.
func loopbackPort(t *testing.T, addr string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("address %q, want 127.0.0.1 with a chosen port", addr)
	}
	return port
}

func TestServerAddresses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		disableSSH, disableTel bool
	}{
		{name: "both"},
		{name: "ssh only", disableTel: true},
		{name: "telnet only", disableSSH: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startLineServer(t, func(s *Server) {
				s.DisableSSH = tt.disableSSH
				s.DisableTelnet = tt.disableTel
			})
			if tt.disableSSH {
				if got := srv.SSHAddr() + srv.KnownHostsLine(); got != "" {
					t.Errorf("SSH disabled: SSHAddr+KnownHostsLine = %q, want empty", got)
				}
			} else {
				port := loopbackPort(t, srv.SSHAddr())
				_, hosts, key, _, _, err := ssh.ParseKnownHosts([]byte(srv.KnownHostsLine()))
				if err != nil {
					t.Fatalf("ParseKnownHosts(%q): %v", srv.KnownHostsLine(), err)
				}
				if diff := cmp.Diff([]string{"[127.0.0.1]:" + port}, hosts); diff != "" {
					t.Errorf("known_hosts hosts mismatch (-want +got):\n%s", diff)
				}
				if !bytes.Equal(key.Marshal(), srv.HostKey().Marshal()) {
					t.Errorf("known_hosts key %s, want the host key %s", ssh.FingerprintSHA256(key), ssh.FingerprintSHA256(srv.HostKey()))
				}
			}
			if tt.disableTel {
				if got := srv.TelnetAddr(); got != "" {
					t.Errorf("Telnet disabled: TelnetAddr = %q, want empty", got)
				}
			} else {
				loopbackPort(t, srv.TelnetAddr())
			}
		})
	}
}

func TestServerGivenListeners(t *testing.T) {
	t.Parallel()
	sshL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	telL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := startLineServer(t, func(s *Server) {
		s.SSHListener = sshL
		s.TelnetListener = telL
	})
	got := []string{srv.SSHAddr(), srv.TelnetAddr()}
	want := []string{sshL.Addr().String(), telL.Addr().String()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("addresses mismatch (-want +got):\n%s", diff)
	}
}

func TestServerHostSigner(t *testing.T) {
	t.Parallel()
	edKey := newEd25519Signer(t)
	sc := DefaultScenario()
	sc.Users = []User{{Name: "alice", Password: "s3cret"}}
	srv := NewUnstartedServer(sc)
	srv.DisableTelnet = true
	srv.HostSigner = edKey
	srv.serve = lineConsole
	srv.Start()
	t.Cleanup(srv.Close)
	if !bytes.Equal(srv.HostKey().Marshal(), edKey.PublicKey().Marshal()) {
		t.Errorf("HostKey() = %s, want %s", ssh.FingerprintSHA256(srv.HostKey()), ssh.FingerprintSHA256(edKey.PublicKey()))
	}
	if _, err := dialSSH(t, srv, ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{ssh.Password("s3cret")}}); err != nil {
		t.Errorf("dial checking the ed25519 key from KnownHostsLine: %v", err)
	}
}

func TestServerStartPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		start func(t *testing.T)
	}{
		{
			name: "started twice",
			start: func(t *testing.T) {
				startLineServer(t, func(*Server) {}).Start()
			},
		},
		{
			name: "legacy with an ed25519 host key",
			start: func(t *testing.T) {
				sc := DefaultScenario()
				sc.SSH.Legacy = true
				srv := NewUnstartedServer(sc)
				srv.HostSigner = newEd25519Signer(t)
				t.Cleanup(srv.Close)
				srv.Start()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("Start did not panic")
				}
			}()
			tt.start(t)
		})
	}
}

func TestServerCloseEndsSessions(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	sc.Users = []User{{Name: "alice", Password: "s3cret"}}
	srv := NewUnstartedServer(sc)
	ended := make(chan error, 2)
	srv.serve = func(ctx context.Context, rw io.ReadWriter, info SessionInfo) error {
		err := lineConsole(ctx, rw, info)
		ended <- err
		return err
	}
	srv.Start()
	t.Cleanup(srv.Close)

	c, err := dialSSH(t, srv, ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{ssh.Password("s3cret")}})
	if err != nil {
		t.Fatalf("dial ssh: %v", err)
	}
	_, _, sshOut := sshShell(t, c)
	sshReadUntil(t, sshOut, "> ")
	tc, err := net.Dial("tcp", srv.TelnetAddr())
	if err != nil {
		t.Fatalf("dial telnet: %v", err)
	}
	defer tc.Close()
	telOut := make([]byte, len(telnetOpening)+len("hello \r\n> "))
	if _, err := io.ReadFull(tc, telOut); err != nil {
		t.Fatalf("read telnet greeting: %v", err)
	}

	srv.Close()
	srv.Close() // idempotent
	for range 2 {
		if err := <-ended; err == nil {
			t.Error("console ended without error, want the closed connection's error")
		}
	}
	if rest, err := io.ReadAll(tc); err != nil || len(rest) != 0 {
		t.Errorf("telnet after Close: read %q, %v; want EOF", rest, err)
	}
	if err := c.Wait(); err == nil {
		t.Error("ssh connection Wait after Close: nil, want an error")
	}
}

func TestServerCloseUnstarted(t *testing.T) {
	t.Parallel()
	srv := NewUnstartedServer(DefaultScenario())
	srv.Close()
	if got := fmt.Sprint(srv.SSHAddr(), srv.TelnetAddr(), srv.KnownHostsLine()); got != "" {
		t.Errorf("unstarted server addresses %q, want empty", got)
	}
}

// routerSession is one console session with the real engine, over SSH or
// Telnet, as far as the first prompt.
type routerSession struct {
	in  io.Writer
	out *bufio.Reader
	// end waits for the session to end and reports whether it ended
	// cleanly: SSH exit-status 0, or Telnet EOF with no prompt before it.
	end func() error
	// close closes the client's connection.
	close func() error
}

// loginSSH logs in over SSH as the default scenario's user.
func loginSSH(t *testing.T, srv *Server) routerSession {
	t.Helper()
	c, err := dialSSH(t, srv, ssh.ClientConfig{User: "rtxctl", Auth: []ssh.AuthMethod{ssh.Password("rtxctl-login")}})
	if err != nil {
		t.Fatalf("dial ssh: %v", err)
	}
	sess, in, out := sshShell(t, c)
	sshReadUntil(t, out, "\r\n> ")
	return routerSession{in: in, out: out, end: sess.Wait, close: c.Close}
}

// loginTelnet logs in over Telnet with the default scenario's anonymous
// login password, leaving the opening offers unanswered.
func loginTelnet(t *testing.T, srv *Server) routerSession {
	t.Helper()
	c, err := net.Dial("tcp", srv.TelnetAddr())
	if err != nil {
		t.Fatalf("dial telnet: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	out := bufio.NewReader(c)
	telnetExpect(t, out, telnetOpening)
	sshReadUntil(t, out, "Password: ")
	telnetSend(t, c, []byte("rtxctl-anon\r")...)
	sshReadUntil(t, out, "\r\n> ")
	return routerSession{in: c, out: out, end: func() error {
		rest, err := io.ReadAll(out)
		if err == nil && bytes.Contains(rest, []byte("> ")) {
			err = fmt.Errorf("prompt before the end: %q", rest)
		}
		return err
	}, close: c.Close}
}

func TestServerWithRouter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		login     func(*testing.T, *Server) routerSession
		drop      bool
		wantClean bool
	}{
		{name: "ssh logout", login: loginSSH, wantClean: true},
		{name: "ssh drop", login: loginSSH, drop: true},
		{name: "telnet logout", login: loginTelnet, wantClean: true},
		{name: "telnet drop", login: loginTelnet, drop: true, wantClean: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Columns = 200
			wantCommands := []string{"show config", "exit"}
			if tt.drop {
				sc.Faults.Drops = []DropFault{{Command: "show config", When: "after"}}
				wantCommands = wantCommands[:1]
			}
			srv := NewServer(sc)
			t.Cleanup(srv.Close)
			s := tt.login(t, srv)

			io.WriteString(s.in, "show config\r")
			last := srv.Router.SavedConfig()[len(srv.Router.SavedConfig())-1]
			sshReadUntil(t, s.out, last+"\r\n")
			if !tt.drop {
				sshReadUntil(t, s.out, "> ")
				io.WriteString(s.in, "exit\r")
			}
			if err := s.end(); (err == nil) != tt.wantClean {
				t.Errorf("session end: %v, want clean end %v", err, tt.wantClean)
			}
			if diff := cmp.Diff(wantCommands, srv.Router.Commands()); diff != "" {
				t.Errorf("command log mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServerServeConnInMemory(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		sc := DefaultScenario()
		sc.Columns = 200
		srv := NewUnstartedServer(sc)
		client, server := net.Pipe()
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn("telnet", server) }()

		out := bufio.NewReader(client)
		telnetExpect(t, out, telnetOpening)
		sshReadUntil(t, out, "Password: ")
		telnetSend(t, client, []byte("rtxctl-anon\r")...)
		sshReadUntil(t, out, "\r\n> ")
		telnetSend(t, client, []byte("show config\r")...)
		sshReadUntil(t, out, "\r\n> ")
		srv.Close()
		if err := <-served; err != nil {
			t.Errorf("ServeConn: %v", err)
		}
		if diff := cmp.Diff([]string{"show config"}, srv.Router.Commands()); diff != "" {
			t.Errorf("command log mismatch (-want +got):\n%s", diff)
		}
		client.Close()
	})
}

func TestServerServeConnErrors(t *testing.T) {
	t.Parallel()
	srv := NewUnstartedServer(DefaultScenario())
	_, c := net.Pipe()
	if err := srv.ServeConn("serial", c); err == nil {
		t.Error("ServeConn(serial) succeeded, want an error")
	}
	srv.Close()
	_, c = net.Pipe()
	if err := srv.ServeConn("ssh", c); !errors.Is(err, net.ErrClosed) {
		t.Errorf("ServeConn after Close = %v, want net.ErrClosed", err)
	}
}
