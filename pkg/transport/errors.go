package transport

import "fmt"

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
	Err            error
}

// Error describes the refused key without any secret.
func (e *HostKeyError) Error() string {
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

// Error names the address, the protocol and the cause.
func (e *DialError) Error() string {
	return fmt.Sprintf("connect to %s over %s: %v", e.Addr, e.Protocol, e.Err)
}

// Unwrap returns the cause.
func (e *DialError) Unwrap() error { return e.Err }
