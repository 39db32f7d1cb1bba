package transport

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Keys are generated once per test binary run; RSA generation is slow.
var (
	testRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	})
	testRSAClientKey = sync.OnceValue(func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	})
)

func newEd25519Key(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustSigner(t *testing.T, key any) ssh.Signer {
	t.Helper()
	s, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sshServerConfig describes the behaviour of a test SSH server.
type sshServerConfig struct {
	hostKeys       []ssh.Signer    // nil: the RSA test key
	password       string          // accepted by "password"; "" disables the method
	kbdInteractive string          // accepted by "keyboard-interactive"; "" disables it
	authorizedKeys []ssh.PublicKey // accepted by "publickey"
	pubKeyAlgos    []string        // accepted public-key signature algorithms; nil = defaults
	legacy         bool            // only diffie-hellman-group1-sha1 and aes128-cbc, SHA-1 RSA host key
	ignorePty      bool            // never answer pty-req
	maxAuthTries   int             // 0: x/crypto's default of 6
}

// ptyRequest is the decoded payload of a pty-req (RFC 4254 6.2).
type ptyRequest struct {
	Term          string
	Columns, Rows uint32
	Width, Height uint32
	Modes         string
}

// sshServer is a minimal x/crypto/ssh server on 127.0.0.1: it grants
// pty-req, env and shell, then echoes what it receives; a line "exit" closes
// the channel without exit status, "quit" sends exit status 0 first.
type sshServer struct {
	addr string
	ln   net.Listener
	cfg  sshServerConfig
	conf *ssh.ServerConfig

	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
	ptys  []ptyRequest
}

func newSSHServer(t *testing.T, cfg sshServerConfig) *sshServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sshServer{addr: ln.Addr().String(), ln: ln, cfg: cfg, conf: serverConfig(t, cfg)}
	s.wg.Go(s.serve)
	t.Cleanup(s.close)
	return s
}

func serverConfig(t *testing.T, cfg sshServerConfig) *ssh.ServerConfig {
	t.Helper()
	conf := &ssh.ServerConfig{PublicKeyAuthAlgorithms: cfg.pubKeyAlgos, MaxAuthTries: cfg.maxAuthTries}
	if cfg.password != "" {
		conf.PasswordCallback = func(_ ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if string(pw) != cfg.password {
				return nil, errors.New("wrong password")
			}
			return nil, nil
		}
	}
	if cfg.kbdInteractive != "" {
		conf.KeyboardInteractiveCallback = func(_ ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			if _, err := challenge("", "", nil, nil); err != nil {
				return nil, err
			}
			answers, err := challenge("", "login", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(answers) != 1 || answers[0] != cfg.kbdInteractive {
				return nil, errors.New("wrong answer")
			}
			return nil, nil
		}
	}
	if len(cfg.authorizedKeys) > 0 {
		conf.PublicKeyCallback = func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			for _, k := range cfg.authorizedKeys {
				if bytes.Equal(k.Marshal(), key.Marshal()) {
					return nil, nil
				}
			}
			return nil, errors.New("key not authorized")
		}
	}
	hostKeys := cfg.hostKeys
	if hostKeys == nil {
		hostKeys = []ssh.Signer{mustSigner(t, testRSAKey())}
	}
	if cfg.legacy {
		conf.KeyExchanges = []string{ssh.InsecureKeyExchangeDH1SHA1}
		conf.Ciphers = []string{ssh.InsecureCipherAES128CBC}
		sha1Only, err := ssh.NewSignerWithAlgorithms(mustSigner(t, testRSAKey()).(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSA})
		if err != nil {
			t.Fatal(err)
		}
		hostKeys = []ssh.Signer{sha1Only}
	}
	for _, k := range hostKeys {
		conf.AddHostKey(k)
	}
	return conf
}

func (s *sshServer) serve() {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, nc)
		s.mu.Unlock()
		s.wg.Go(func() { s.handle(nc) })
	}
}

func (s *sshServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *sshServer) handle(nc net.Conn) {
	defer nc.Close()
	_, chans, reqs, err := ssh.NewServerConn(nc, s.conf)
	if err != nil {
		return
	}
	s.wg.Go(func() { ssh.DiscardRequests(reqs) })
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, chReqs, err := nch.Accept()
		if err != nil {
			return
		}
		s.wg.Go(func() { s.session(ch, chReqs) })
	}
}

func (s *sshServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		switch req.Type {
		case "pty-req":
			var pty ptyRequest
			if err := ssh.Unmarshal(req.Payload, &pty); err != nil {
				req.Reply(false, nil)
				continue
			}
			s.mu.Lock()
			s.ptys = append(s.ptys, pty)
			s.mu.Unlock()
			if !s.cfg.ignorePty {
				req.Reply(true, nil)
			}
		case "env", "window-change":
			req.Reply(true, nil)
		case "shell":
			req.Reply(true, nil)
			s.wg.Go(func() { echo(ch) })
		default:
			req.Reply(false, nil)
		}
	}
}

// echo writes back what it reads until a line "exit" or "quit".
func echo(ch ssh.Channel) {
	buf := make([]byte, 256)
	var line []byte
	for {
		n, err := ch.Read(buf)
		if err != nil {
			return
		}
		if _, err := ch.Write(buf[:n]); err != nil {
			return
		}
		line = append(line, buf[:n]...)
		switch {
		case bytes.Contains(line, []byte("exit\n")):
			ch.Close()
			return
		case bytes.Contains(line, []byte("quit\n")):
			ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
			ch.Close()
			return
		}
	}
}

// ptyRequests returns the pty-req payloads received so far.
func (s *sshServer) ptyRequests() []ptyRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ptyRequest(nil), s.ptys...)
}

// knownHosts writes a known_hosts file with one line per key for addr.
func knownHosts(t *testing.T, addr string, keys ...ssh.PublicKey) string {
	t.Helper()
	var b bytes.Buffer
	for _, k := range keys {
		b.WriteString(knownhosts.Line([]string{addr}, k) + "\n")
	}
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeKeyFile writes key as an OpenSSH private key file, encrypted when
// passphrase is not empty.
func writeKeyFile(t *testing.T, key any, passphrase string) string {
	t.Helper()
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(key, "test key")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(key, "test key", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "id_test")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startAgent serves an ssh-agent holding key on a unix socket and returns
// the socket path.
func startAgent(t *testing.T, key any) string {
	t.Helper()
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: key}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				agent.ServeAgent(keyring, c)
			})
		}
	})
	return path
}
