package rtxtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"slices"

	"golang.org/x/crypto/ssh"
)

// SSH authentication method names accepted in SSHOptions.AuthMethods.
const (
	authPassword            = "password"
	authKeyboardInteractive = "keyboard-interactive"
	authPublicKey           = "publickey"
)

// Legacy algorithm lists: what RTX1210-era firmware offers. A default
// x/crypto or OpenSSH client shares no cipher with them.
var (
	legacyKeyExchanges = []string{ssh.InsecureKeyExchangeDH1SHA1, ssh.InsecureKeyExchangeDH14SHA1}
	legacyCiphers      = []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC}
	legacyMACs         = []string{ssh.HMACSHA1}
	// legacyPublicKeyAlgorithms accepts RSA client keys only with SHA-1
	// ssh-rsa signatures; other key types are unaffected.
	legacyPublicKeyAlgorithms = []string{
		ssh.KeyAlgoRSA,
		ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoED25519,
	}
)

// sshServerConfig builds the SSH server configuration from the scenario:
// the allowed authentication methods, the host key and, in legacy mode,
// the old algorithm lists.
func (s *Server) sshServerConfig() (*ssh.ServerConfig, error) {
	opts := s.Router.Scenario().SSH
	allowed := func(method string) bool {
		return opts.AuthMethods == nil || slices.Contains(opts.AuthMethods, method)
	}
	cfg := &ssh.ServerConfig{ServerVersion: "SSH-2.0-OpenSSH"}
	if allowed(authPassword) {
		cfg.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			return nil, s.checkPassword(c.User(), string(pw))
		}
	}
	if allowed(authKeyboardInteractive) {
		cfg.KeyboardInteractiveCallback = func(c ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			answers, err := challenge("", "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(answers) != 1 {
				return nil, errors.New("expected one answer")
			}
			return nil, s.checkPassword(c.User(), answers[0])
		}
	}
	if allowed(authPublicKey) {
		cfg.PublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			return nil, s.checkPublicKey(c.User(), key)
		}
	}
	hostKey := s.HostSigner
	if opts.Legacy {
		as, ok := hostKey.(ssh.AlgorithmSigner)
		if !ok || hostKey.PublicKey().Type() != ssh.KeyAlgoRSA {
			return nil, errors.New("legacy ssh needs an rsa host key")
		}
		sha1Only, err := ssh.NewSignerWithAlgorithms(as, []string{ssh.KeyAlgoRSA})
		if err != nil {
			return nil, fmt.Errorf("restrict host key to ssh-rsa: %w", err)
		}
		hostKey = sha1Only
		cfg.KeyExchanges = legacyKeyExchanges
		cfg.Ciphers = legacyCiphers
		cfg.MACs = legacyMACs
		cfg.PublicKeyAuthAlgorithms = legacyPublicKeyAlgorithms
	}
	cfg.AddHostKey(hostKey)
	return cfg, nil
}

// errAuth is returned by the authentication callbacks; x/crypto sends the
// client only "failure", never this text.
var errAuth = errors.New("authentication failed")

// checkPassword accepts named users whose password matches. The anonymous
// user and empty passwords cannot log in over SSH.
func (s *Server) checkPassword(user, password string) error {
	if user == "" || password == "" || !s.Router.CheckPassword(user, password) {
		return errAuth
	}
	return nil
}

// checkPublicKey accepts key when it is one of user's authorized keys.
func (s *Server) checkPublicKey(user string, key ssh.PublicKey) error {
	if user == "" {
		return errAuth
	}
	want := key.Marshal()
	for _, u := range s.Router.Scenario().Users {
		if u.Name != user {
			continue
		}
		for _, line := range u.AuthorizedKeys {
			authorized, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
			if err == nil && bytes.Equal(authorized.Marshal(), want) {
				return nil
			}
		}
	}
	return errAuth
}

// serveSSH runs the SSH protocol on c until the client goes away or the
// server closes. Only "session" channels are accepted.
func (s *Server) serveSSH(c net.Conn) {
	sc, chans, reqs, err := ssh.NewServerConn(c, s.sshConfig)
	if err != nil {
		return
	}
	s.wg.Go(func() { ssh.DiscardRequests(reqs) })
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "unknown channel type")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		s.wg.Go(func() { s.serveSSHSession(c, sc, ch, chReqs) })
	}
}

// serveSSHSession answers the requests of one session channel and runs the
// console once the client asks for a shell. exec and subsystem requests are
// refused, as on a real RTX.
func (s *Server) serveSSHSession(c net.Conn, sc *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	shellStarted := false
	for req := range reqs {
		ok := false
		switch req.Type {
		case "pty-req", "env", "window-change":
			ok = true
		case "shell":
			ok = !shellStarted
			if ok {
				shellStarted = true
				s.wg.Go(func() { s.runSSHConsole(c, sc, ch) })
			}
		}
		if req.WantReply {
			req.Reply(ok, nil)
		}
	}
}

// runSSHConsole runs the console on ch. On logout it sends exit-status 0 and
// closes the channel; on a scenario drop it closes the TCP connection
// without a word, as a router losing power or link would.
func (s *Server) runSSHConsole(c net.Conn, sc *ssh.ServerConn, ch ssh.Channel) {
	err := s.serve(s.ctx, ch, SessionInfo{
		Transport:  "ssh",
		User:       sc.User(),
		RemoteAddr: sc.RemoteAddr().String(),
	})
	if errors.Is(err, ErrDropped) {
		c.Close()
		return
	}
	if err == nil {
		ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
	}
	ch.Close()
}
