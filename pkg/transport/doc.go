// Package transport opens the byte stream to a router's console: an SSH
// shell session with a pty ([DialSSH]) or a Telnet connection with option
// negotiation handled ([DialTelnet]). Both return an
// io.ReadWriteCloser carrying the console's bytes and nothing else; prompts,
// logins and commands are the business of the layers above (pkg/channel,
// pkg/driver, pkg/rtx).
//
// Layer: the lowest of the library. It imports only the standard library and
// golang.org/x/crypto/ssh (with knownhosts and agent); it never prints, reads
// the environment or stdin, or exits. Diagnostics go to the optional
// *slog.Logger in the configuration, without secrets.
//
// Errors callers tell apart: [HostKeyError] (unknown or changed host key),
// [AuthError] (credentials refused), [DialError] (unreachable, protocol
// failure, or ctx ended during setup).
//
// Usage:
//
//	conn, err := transport.DialSSH(ctx, "192.168.100.1:22", transport.SSHConfig{
//		User:           "admin",
//		Password:       password,
//		KnownHostsFile: knownHosts,
//	})
//	if err != nil {
//		return err
//	}
//	defer conn.Close()
//
// See docs/telnet.md for the Telnet option policy.
package transport
