package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// errAuthExhausted marks the end of authentication with every offered
// method refused. x/crypto reports that case only as the untyped message
// "ssh: unable to authenticate", so the client's AuthCallback detects it
// itself (see [sshAuth.next]) and aborts with this error, which
// ssh.NewClientConn wraps with %w.
var errAuthExhausted = errors.New("every offered authentication method was refused")

// sshAuth holds the authentication methods for one dial, in the order they
// are offered: public keys (files, then agent), password,
// keyboard-interactive.
type sshAuth struct {
	methods []ssh.AuthMethod
	names   []string // RFC 4252 names of methods, same order
	agent   net.Conn // nil without an agent
	log     *slog.Logger
	started bool  // the server has been asked for authentication
	refused error // set when every offered method was refused
}

// newSSHAuth loads the key files and connects to the agent. The caller must
// call close once the handshake is over.
func newSSHAuth(ctx context.Context, cfg SSHConfig, log *slog.Logger) (*sshAuth, error) {
	a := &sshAuth{log: log}
	var signers []ssh.Signer
	for _, path := range cfg.KeyFiles {
		s, err := loadKeyFile(path)
		if err != nil {
			return nil, err
		}
		signers = append(signers, s)
	}
	getAgentSigners := a.connectAgent(ctx, cfg.AgentSocket)
	if len(signers) > 0 || getAgentSigners != nil {
		a.add("publickey", ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			all := slices.Clone(signers)
			if getAgentSigners != nil {
				fromAgent, err := getAgentSigners()
				if err != nil {
					log.Warn("ssh-agent keys unavailable", "err", err)
				}
				all = append(all, fromAgent...)
			}
			if cfg.LegacyAlgorithms {
				return legacySigners(all)
			}
			return all, nil
		}))
	}
	if cfg.Password != "" {
		a.add("password", ssh.Password(cfg.Password))
		a.add("keyboard-interactive", ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
			log.Debug("ssh keyboard-interactive challenge", "questions", len(questions))
			answers := make([]string, len(questions))
			for i := range answers {
				answers[i] = cfg.Password
			}
			return answers, nil
		}))
	}
	return a, nil
}

func (a *sshAuth) add(name string, m ssh.AuthMethod) {
	a.names = append(a.names, name)
	a.methods = append(a.methods, m)
}

// connectAgent dials the agent socket and returns its Signers method, or nil
// when there is no socket or it does not answer (logged: a stale agent
// socket must not prevent a password login).
func (a *sshAuth) connectAgent(ctx context.Context, socket string) func() ([]ssh.Signer, error) {
	if socket == "" {
		return nil
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		a.log.Warn("ssh-agent not reachable", "err", err)
		return nil
	}
	a.agent = conn
	return agent.NewClient(conn).Signers
}

// close releases the agent connection.
func (a *sshAuth) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}

// next is the ssh.ClientAuthCallback: it logs each step and ends
// authentication with errAuthExhausted once no offered method is left that
// the server still accepts. Returning nil, nil lets x/crypto pick the next
// method from the Auth list.
func (a *sshAuth) next(ac *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	if !a.started {
		a.started = true
		alg := ac.Algorithms
		a.log.Debug("ssh algorithms negotiated", "kex", alg.KeyExchange, "hostkey", alg.HostKey,
			"cipher", alg.Write.Cipher, "mac", alg.Write.MAC)
	}
	a.log.Debug("ssh auth step", "tried", ac.TriedMethods, "server_accepts", ac.AllowedMethods)
	for _, name := range a.names {
		if !slices.Contains(ac.TriedMethods, name) && slices.Contains(ac.AllowedMethods, name) {
			return nil, nil
		}
	}
	a.refused = fmt.Errorf("%w (offered %s; the router accepts %s)", errAuthExhausted,
		strings.Join(a.names, ", "), strings.Join(ac.AllowedMethods, ", "))
	return nil, a.refused
}

// refusal returns the cause of an authentication failure err (see
// [sshAuth.isAuthFailure]) without x/crypto's handshake prefix.
func (a *sshAuth) refusal(err error) error {
	if a.refused != nil {
		return a.refused
	}
	return err
}

// isAuthFailure reports whether a failed handshake means the credentials
// were refused: every method failed, or the server hung up after too many
// failures (a disconnect x/crypto only reports as text).
func (a *sshAuth) isAuthFailure(err error) bool {
	return errors.Is(err, errAuthExhausted) ||
		a.started && strings.Contains(strings.ToLower(err.Error()), "too many authentication failures")
}

// loadKeyFile reads an unencrypted OpenSSH (or PEM) private key.
func loadKeyFile(path string) (ssh.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load ssh key: %w", err)
	}
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("load ssh key %s: the key is protected by a passphrase, which is not supported here; add it to an ssh-agent instead: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("load ssh key %s: %w", path, err)
	}
	return s, nil
}

// legacySigners restricts RSA signers to SHA-1 "ssh-rsa" signatures, the
// only ones old RTX firmware verifies. Other key types are kept as they are.
func legacySigners(signers []ssh.Signer) ([]ssh.Signer, error) {
	out := make([]ssh.Signer, 0, len(signers))
	for _, s := range signers {
		as, ok := s.(ssh.AlgorithmSigner)
		if s.PublicKey().Type() != ssh.KeyAlgoRSA || !ok {
			out = append(out, s)
			continue
		}
		ms, err := ssh.NewSignerWithAlgorithms(as, []string{ssh.KeyAlgoRSA})
		if err != nil {
			return nil, fmt.Errorf("restrict rsa key to ssh-rsa signatures: %w", err)
		}
		out = append(out, ms)
	}
	return out, nil
}
