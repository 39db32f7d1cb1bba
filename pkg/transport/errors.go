package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
)

// HostKeyError reports a host key that could not be verified against the
// known_hosts file: either the host is unknown (Unknown is true) or its key
// changed since it was recorded. It unwraps to the underlying
// *knownhosts.KeyError when there is one.
type HostKeyError struct {
	Host           string // host:port as dialled
	KeyType        string // algorithm of the key the server presented, e.g. "ssh-rsa"
	Fingerprint    string // SHA256 fingerprint of the presented key
	KnownHostsFile string // file that was consulted
	Unknown        bool   // true: no key recorded for the host; false: the recorded key differs
	Revoked        bool   // the presented key is marked @revoked in the file
	Err            error
}

// Error describes the refused key without any secret.
func (e *HostKeyError) Error() string {
	if e.Revoked {
		return fmt.Sprintf("host key for %s is REVOKED: server presented %s %s, which %s marks @revoked", e.Host, e.KeyType, e.Fingerprint, e.KnownHostsFile)
	}
	if e.Unknown {
		return fmt.Sprintf("host key for %s is not known (%s %s, not in %s)", e.Host, e.KeyType, e.Fingerprint, e.KnownHostsFile)
	}
	return fmt.Sprintf("host key for %s has CHANGED: server presented %s %s, which does not match %s", e.Host, e.KeyType, e.Fingerprint, e.KnownHostsFile)
}

// Unwrap returns the knownhosts error behind the refusal, if any.
func (e *HostKeyError) Unwrap() error { return e.Err }

// AuthError reports that the router refused the login credentials, over SSH
// (every offered method failed) or in the Telnet login dialogue.
type AuthError struct {
	User string // login user; "" for the anonymous Telnet login
	Err  error
}

// Error names the user and the cause, never the password.
func (e *AuthError) Error() string {
	who := "anonymous login"
	if e.User != "" {
		who = fmt.Sprintf("login as %q", e.User)
	}
	if e.Err == nil {
		return fmt.Sprintf("authentication failed: %s refused", who)
	}
	return fmt.Sprintf("authentication failed: %s refused: %v", who, e.Err)
}

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// DialError reports that a connection to the router could not be set up: the
// address did not answer, the SSH handshake or session setup failed, or ctx
// ended first. Host-key and authentication failures are reported as
// [HostKeyError] and [AuthError] instead. It unwraps to the cause, so
// errors.Is(err, context.DeadlineExceeded) and errors.As(err, new(*net.OpError))
// see through it.
type DialError struct {
	Protocol string // "ssh" or "telnet"
	Addr     string // host:port as dialled
	Err      error
}

// Error names the address, the protocol and the cause, once: a refused
// connection reads "connect to ADDR over ssh: connection refused", not the
// address again as the network error repeats it.
func (e *DialError) Error() string {
	return fmt.Sprintf("connect to %s over %s: %s", e.Addr, e.Protocol, dialCause(e.Err))
}

// dialCause words err for operators: the system's reason of a network
// error without the address it repeats, else as [ContextCause] does.
func dialCause(err error) string {
	if op, ok := err.(*net.OpError); ok {
		err = op.Err
		if sys, ok := err.(*os.SyscallError); ok {
			err = sys.Err
		}
	}
	return ContextCause(err)
}

// ContextCause says in words for operators why a context ended: "no answer
// in time" for [context.DeadlineExceeded], "interrupted" for
// [context.Canceled], else err's own text.
func ContextCause(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return err.Error()
}

// Unwrap returns the cause.
func (e *DialError) Unwrap() error { return e.Err }

// AlgorithmError reports that the router and rtxctl share no SSH algorithm
// of one kind: old firmware that offers only SHA-1 or CBC algorithms, when
// [SSHConfig].LegacyAlgorithms is off.
type AlgorithmError struct {
	What   string   // the kind, e.g. "client to server cipher" or "key exchange"
	Router []string // the algorithms the router offered
	Legacy bool     // the legacy algorithms were offered too
	Err    error    // x/crypto's *ssh.AlgorithmNegotiationError
}

// Error names the kind and what the router offered.
func (e *AlgorithmError) Error() string {
	return fmt.Sprintf("no SSH algorithm in common for %s (the router offers %s)", e.What, strings.Join(e.Router, ", "))
}

// Unwrap returns x/crypto's negotiation error.
func (e *AlgorithmError) Unwrap() error { return e.Err }

// AddedHostKey describes a host key that [SSHConfig].AcceptNewHostKey
// recorded (see [SSHConfig].HostKeyAdded).
type AddedHostKey struct {
	Host           string // the host as filed, e.g. "[127.0.0.1]:2222"
	KeyType        string // key algorithm, e.g. "ssh-ed25519"
	Fingerprint    string // SHA256 fingerprint
	KnownHostsFile string // the file the key was appended to
}
