package transport

import (
	"context"
	"log/slog"
	"net"
)

// dialFunc is the type of SSHConfig.Dial and TelnetConfig.Dial: the
// signature of [net.Dialer.DialContext].
type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// dialTCP opens a TCP connection to addr with dial, or with a zero
// net.Dialer when dial is nil. ctx bounds the connection attempt only.
func dialTCP(ctx context.Context, dial dialFunc, addr string) (net.Conn, error) {
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	return dial(ctx, "tcp", addr)
}

// orDiscard returns l, or a logger that drops every record when l is nil.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
