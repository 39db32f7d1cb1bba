package transport

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// defaultTerminalType is the TTYPE answer when TelnetConfig.TerminalType is
// empty; Telnet terminal names are conventionally upper case (RFC 1091).
const defaultTerminalType = "VT100"

// TelnetConfig says how [DialTelnet] and [NewTelnetConn] present the client
// terminal. The zero value is ready to use.
type TelnetConfig struct {
	// TerminalType is sent when the server asks for TERMINAL-TYPE.
	// "" means "VT100".
	TerminalType string
	// Columns and Rows are the window size sent with NAWS. Zero means 200
	// and 24.
	Columns, Rows int
	// Dial opens the TCP connection for DialTelnet. nil uses a zero
	// net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives a debug record for each option negotiated. nil
	// discards.
	Logger *slog.Logger
}

// DialTelnet connects to addr (host:port) and returns the Telnet connection
// as [NewTelnetConn] does. ctx bounds the TCP connection attempt only; a
// failure is a [DialError]. The login dialogue is left to the caller.
func DialTelnet(ctx context.Context, addr string, cfg TelnetConfig) (io.ReadWriteCloser, error) {
	log := orDiscard(cfg.Logger).With("transport", "telnet", "addr", addr)
	log.Debug("dial")
	nc, err := dialTCP(ctx, cfg.Dial, addr)
	if err != nil {
		return nil, &DialError{Protocol: "telnet", Addr: addr, Err: err}
	}
	return newTelnetConn(nc, cfg, log), nil
}

// newTelnetConn wraps c, a connection to a Telnet server, into a console
// byte stream. Read returns data with every Telnet command removed (IAC IAC
// becomes 0xFF, CR NUL becomes CR) and answers option negotiation as it
// goes, so negotiation progresses only while someone reads. Read returns as
// soon as at least one data byte is there. Write escapes 0xFF and sends
// everything else unchanged (line ends are the caller's choice).
//
// Policy (docs/telnet.md): accept the server's ECHO and SUPPRESS-GO-AHEAD,
// offer TERMINAL-TYPE and NAWS when asked, refuse every other option
// (BINARY included), answer only requests that change an option's state.
//
// Read, Write and Close may be called concurrently (concurrent Reads take
// turns). Close closes c; it is idempotent and releases a blocked Read, which
// then returns an error wrapping net.ErrClosed. The caller owns the returned
// connection and closes it.
func newTelnetConn(c net.Conn, cfg TelnetConfig, log *slog.Logger) *telnetConn {
	return &telnetConn{
		conn:  c,
		ttype: cmp.Or(cfg.TerminalType, defaultTerminalType),
		cols:  cmp.Or(cfg.Columns, defaultColumns),
		rows:  cmp.Or(cfg.Rows, defaultRows),
		log:   log,
	}
}

// optionState is the state of one option on one side (RFC 1143, with no
// request of our own ever pending: the client never initiates).
type optionState uint8

const (
	optOff     optionState = iota // disabled, nothing said yet
	optOn                         // enabled
	optRefused                    // disabled and refused once: repeats get no answer
)

// telnetConn is a console byte stream over a Telnet connection.
type telnetConn struct {
	conn       net.Conn
	ttype      string
	cols, rows int
	log        *slog.Logger

	rmu    sync.Mutex // serialises Read: guards parser, remote, local
	parser telnetParser
	remote [256]optionState // options the server performs (its WILL, our DO)
	local  [256]optionState // options we perform (its DO, our WILL)

	wmu sync.Mutex // serialises negotiation replies with data writes

	closeOnce sync.Once
	closeErr  error
}

// Read returns received data, answering negotiation on the way.
func (t *telnetConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	t.rmu.Lock()
	defer t.rmu.Unlock()
	for {
		n, err := t.conn.Read(p)
		k, events := t.parser.parse(p[:n])
		if werr := t.answer(events); werr != nil && err == nil {
			err = werr
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// Write sends p as Telnet data, 0xFF doubled. It returns how many bytes of p
// went out.
func (t *telnetConn) Write(p []byte) (int, error) {
	enc := escapeIAC(p)
	t.wmu.Lock()
	n, err := t.conn.Write(enc)
	t.wmu.Unlock()
	if err != nil {
		return plainCount(p, n), err
	}
	return len(p), nil
}

// plainCount returns how many bytes of p are covered by the first n bytes of
// its escaped form.
func plainCount(p []byte, n int) int {
	pos := 0
	for i, b := range p {
		w := 1
		if b == tnIAC {
			w = 2
		}
		if pos+w > n {
			return i
		}
		pos += w
	}
	return len(p)
}

// Close closes the underlying connection once.
func (t *telnetConn) Close() error {
	t.closeOnce.Do(func() { t.closeErr = t.conn.Close() })
	return t.closeErr
}

// answer applies the policy to events and sends the replies in one write.
func (t *telnetConn) answer(events []telnetEvent) error {
	var out []byte
	for _, ev := range events {
		before := len(out)
		out = t.negotiate(ev, out)
		t.log.Debug("telnet option", "received", commandName(ev.cmd), "option", ev.opt,
			"answered", len(out) > before)
	}
	if len(out) == 0 {
		return nil
	}
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if _, err := t.conn.Write(out); err != nil {
		return fmt.Errorf("answer telnet negotiation: %w", err)
	}
	return nil
}

// negotiate appends the reply to ev, if any, to out.
func (t *telnetConn) negotiate(ev telnetEvent, out []byte) []byte {
	opt := ev.opt
	switch ev.cmd {
	case tnWILL:
		out = appendVerb(out, answerEnable(&t.remote[opt], opt == optEcho || opt == optSGA, tnDO, tnDONT), opt)
	case tnWONT:
		out = appendVerb(out, answerDisable(&t.remote[opt], tnDONT), opt)
	case tnDO:
		verb := answerEnable(&t.local[opt], opt == optTTYPE || opt == optNAWS, tnWILL, tnWONT)
		out = appendVerb(out, verb, opt)
		if verb == tnWILL && opt == optNAWS {
			out = t.appendWindowSize(out)
		}
	case tnDONT:
		out = appendVerb(out, answerDisable(&t.local[opt], tnWONT), opt)
	case tnSB:
		if opt == optTTYPE && t.local[opt] == optOn && len(ev.data) > 0 && ev.data[0] == ttypeSEND {
			out = append(out, tnIAC, tnSB, optTTYPE, ttypeIS)
			out = append(out, escapeIAC([]byte(t.ttype))...)
			out = append(out, tnIAC, tnSE)
		}
	}
	return out
}

// answerEnable applies the server's request to enable an option (its WILL for
// st in remote, its DO for st in local) and returns the answer: yes when
// accept and the option is not on yet, no the first time a refused option
// is asked for, 0 (no answer) otherwise, so that negotiation cannot loop.
func answerEnable(st *optionState, accept bool, yes, no byte) byte {
	switch {
	case accept && *st != optOn:
		*st = optOn
		return yes
	case !accept && *st == optOff:
		*st = optRefused
		return no
	}
	return 0
}

// answerDisable applies the server's WONT or DONT: an option that was on is
// switched off and acknowledged with no; otherwise the answer is 0 (none).
func answerDisable(st *optionState, no byte) byte {
	if *st != optOn {
		return 0
	}
	*st = optOff
	return no
}

// appendVerb appends IAC verb opt to out unless verb is 0 (no answer).
func appendVerb(out []byte, verb, opt byte) []byte {
	if verb == 0 {
		return out
	}
	return append(out, tnIAC, verb, opt)
}

// appendWindowSize appends IAC SB NAWS <width> <height> IAC SE (RFC 1073),
// each size a 16-bit big-endian number with 0xFF doubled.
func (t *telnetConn) appendWindowSize(out []byte) []byte {
	size := binary.BigEndian.AppendUint16(nil, uint16(t.cols))
	size = binary.BigEndian.AppendUint16(size, uint16(t.rows))
	out = append(out, tnIAC, tnSB, optNAWS)
	out = append(out, escapeIAC(size)...)
	return append(out, tnIAC, tnSE)
}

// commandName names a negotiation command for logs.
func commandName(cmd byte) string {
	switch cmd {
	case tnWILL:
		return "WILL"
	case tnWONT:
		return "WONT"
	case tnDO:
		return "DO"
	case tnDONT:
		return "DONT"
	default:
		return "SB"
	}
}
