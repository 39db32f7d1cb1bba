package transport

// TEMPORARY CONTRACT STUB: replaced by the real implementation (see docs/architecture.md).

import (
	"context"
	"log/slog"
	"net"
)

// SSHConfig configures DialSSH.
type SSHConfig struct {
	User, Password        string
	KeyFiles              []string
	AgentSocket           string
	KnownHostsFile        string
	AcceptNewHostKey      bool
	InsecureIgnoreHostKey bool
	LegacyAlgorithms      bool
	Term                  string
	Columns, Rows         int
	Dial                  func(ctx context.Context, network, addr string) (net.Conn, error)
	Logger                *slog.Logger
}

// TelnetConfig configures DialTelnet.
type TelnetConfig struct {
	TerminalType  string
	Columns, Rows int
	Dial          func(ctx context.Context, network, addr string) (net.Conn, error)
	Logger        *slog.Logger
}
