package rtxtest

import (
	"net"
	"sync"
	"time"
)

// Telnet protocol bytes (RFC 854) and options (RFC 857, 858, 1073, 1091).
const (
	telnetSE   = 240
	telnetGA   = 249
	telnetSB   = 250
	telnetWILL = 251
	telnetWONT = 252
	telnetDO   = 253
	telnetDONT = 254
	telnetIAC  = 255

	optEcho  = 1
	optSGA   = 3
	optTType = 24
	optNAWS  = 31

	ttypeIS   = 0
	ttypeSEND = 1
)

// maxSubnegotiation bounds the bytes kept from one SB ... SE sequence; the
// rest is dropped so a misbehaving client cannot grow memory.
const maxSubnegotiation = 256

// splitDelay is the pause between the pieces of a write in SplitPackets mode,
// long enough for each piece to leave as its own TCP segment on loopback.
const splitDelay = 100 * time.Microsecond

// goAheadQuiet is how long the console's output must pause before the
// server sends IAC GA in GoAhead mode.
const goAheadQuiet = 10 * time.Millisecond

// splitSizes are the piece sizes a write is cut into in SplitPackets mode,
// used in turn; small and uneven so IAC sequences, CR LF and multi-byte
// characters are cut in the middle.
var splitSizes = []int{1, 2, 3, 5, 8}

// optState is the RFC 1143 state of one option on one side, without the
// queue bits (the server never changes its mind after the opening offers).
type optState uint8

const (
	optNo optState = iota
	optWantYes
	optYes
)

// parseState is the position of the input state machine.
type parseState uint8

const (
	stData  parseState = iota
	stIAC              // after IAC
	stVerb             // after IAC WILL/WONT/DO/DONT, expecting the option
	stSB               // inside SB, collecting bytes
	stSBIAC            // inside SB, after IAC
)

// telnetConn is the server side of a Telnet connection: it offers and
// answers options, strips negotiation from the client's data, turns
// CR LF and CR NUL into a single CR, and escapes IAC in the console's
// output. Read is used by one goroutine (the console); Write may be called
// concurrently with Read.
type telnetConn struct {
	conn net.Conn
	opts TelnetOptions

	// Read side, owned by the reading goroutine.
	rbuf    []byte
	pending []byte // decoded data not yet returned by Read
	rerr    error  // read error to return once pending is empty
	state   parseState
	verb    byte
	sawCR   bool   // last data byte was CR: drop a following NUL or LF
	sb      []byte // current subnegotiation, option byte first
	us      map[byte]optState
	him     map[byte]optState
	ttype   bool // the client sent TTYPE IS

	// Write side, guarded by wmu.
	wmu       sync.Mutex
	lastCR    bool          // last console byte written was CR (for CRNUL)
	unGAed    bool          // console output written since the last GA
	wrote     chan struct{} // signalled after console output, for goAheadLoop
	splitNext int           // index into splitSizes
}

func newTelnetConn(c net.Conn, opts TelnetOptions) *telnetConn {
	return &telnetConn{
		conn:  c,
		opts:  opts,
		rbuf:  make([]byte, 4096),
		us:    map[byte]optState{optEcho: optWantYes, optSGA: optWantYes},
		him:   map[byte]optState{optTType: optWantYes, optNAWS: optWantYes},
		wrote: make(chan struct{}, 1),
	}
}

// negotiate sends the opening offers a telnetd sends on connect and, with
// WaitForReplies, reads until the client answered every one of them (and
// sent its terminal type if it agreed to). Data the client sends meanwhile
// is kept for Read.
func (t *telnetConn) negotiate() error {
	err := t.writeRaw([]byte{
		telnetIAC, telnetWILL, optEcho,
		telnetIAC, telnetWILL, optSGA,
		telnetIAC, telnetDO, optTType,
		telnetIAC, telnetDO, optNAWS,
	})
	if err != nil || !t.opts.WaitForReplies {
		return err
	}
	for !t.answered() {
		if err := t.fill(); err != nil {
			return err
		}
	}
	return nil
}

// answered reports whether no opening offer is still waiting for a reply.
func (t *telnetConn) answered() bool {
	for _, m := range []map[byte]optState{t.us, t.him} {
		for _, st := range m {
			if st == optWantYes {
				return false
			}
		}
	}
	return t.him[optTType] != optYes || t.ttype
}

// Read returns the client's data with negotiation removed.
func (t *telnetConn) Read(p []byte) (int, error) {
	for len(t.pending) == 0 {
		if t.rerr != nil {
			return 0, t.rerr
		}
		t.rerr = t.fill()
	}
	n := copy(p, t.pending)
	t.pending = t.pending[n:]
	return n, nil
}

// fill reads once from the connection and decodes what arrived.
func (t *telnetConn) fill() error {
	n, err := t.conn.Read(t.rbuf)
	for _, b := range t.rbuf[:n] {
		if werr := t.decode(b); werr != nil {
			return werr
		}
	}
	return err
}

// decode advances the input state machine by one byte.
func (t *telnetConn) decode(b byte) error {
	switch t.state {
	case stIAC:
		t.state = stData
		switch b {
		case telnetIAC:
			t.data(telnetIAC)
		case telnetWILL, telnetWONT, telnetDO, telnetDONT:
			t.verb, t.state = b, stVerb
		case telnetSB:
			t.sb, t.state = t.sb[:0], stSB
		}
		// Any other command (GA, NOP, DM, AYT, ...) is skipped.
	case stVerb:
		t.state = stData
		return t.option(t.verb, b)
	case stSB:
		if b == telnetIAC {
			t.state = stSBIAC
		} else if len(t.sb) < maxSubnegotiation {
			t.sb = append(t.sb, b)
		}
	case stSBIAC:
		switch b {
		case telnetIAC:
			t.state = stSB
			if len(t.sb) < maxSubnegotiation {
				t.sb = append(t.sb, telnetIAC)
			}
		case telnetSE:
			t.state = stData
			t.subnegotiation()
		default:
			// An unterminated SB: treat the byte as the command after IAC.
			t.state = stIAC
			return t.decode(b)
		}
	default:
		if b == telnetIAC {
			t.state = stIAC
			return nil
		}
		t.data(b)
	}
	return nil
}

// data keeps one data byte for Read, turning CR NUL and CR LF into CR.
func (t *telnetConn) data(b byte) {
	if t.sawCR && (b == 0 || b == '\n') {
		t.sawCR = false
		return
	}
	t.sawCR = b == '\r'
	t.pending = append(t.pending, b)
}

// option handles IAC verb opt from the client, replying only when the
// option's state changes (RFC 1143), so negotiation cannot loop.
func (t *telnetConn) option(verb, opt byte) error {
	var reply []byte
	switch verb {
	case telnetDO, telnetDONT:
		reply = answerOption(t.us, opt, verb == telnetDO, telnetWILL, telnetWONT)
	case telnetWILL, telnetWONT:
		was := t.him[opt]
		reply = answerOption(t.him, opt, verb == telnetWILL, telnetDO, telnetDONT)
		if opt == optTType && was != optYes && t.him[opt] == optYes {
			reply = append(reply, telnetIAC, telnetSB, optTType, ttypeSEND, telnetIAC, telnetSE)
		}
	}
	if reply == nil {
		return nil
	}
	return t.writeRaw(reply)
}

// answerOption applies the client's request to switch opt on or off in states,
// the options one side performs, and returns the reply with verb yes (on)
// or no (off): a settled option that changes is acknowledged, an awaited
// answer to an opening offer or a repeat is not, and an option missing from
// states is refused when asked on.
func answerOption(states map[byte]optState, opt byte, on bool, yes, no byte) []byte {
	st, known := states[opt]
	switch {
	case !known && on:
		return []byte{telnetIAC, no, opt}
	case !known:
		return nil
	case on:
		states[opt] = optYes
		if st == optNo {
			return []byte{telnetIAC, yes, opt}
		}
	default:
		states[opt] = optNo
		if st == optYes {
			return []byte{telnetIAC, no, opt}
		}
	}
	return nil
}

// subnegotiation handles a complete SB ... SE from the client. Only the
// terminal type matters (WaitForReplies waits for it); the NAWS window size
// is ignored, as on a real RTX, which wraps at `console columns` anyway.
func (t *telnetConn) subnegotiation() {
	if len(t.sb) >= 2 && t.sb[0] == optTType && t.sb[1] == ttypeIS {
		t.ttype = true
	}
}

// Write sends console output, escaping IAC and, with CRNUL, ending lines
// with CR NUL instead of CR LF.
func (t *telnetConn) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p)+8)
	t.wmu.Lock()
	defer t.wmu.Unlock()
	for _, b := range p {
		switch {
		case b == telnetIAC:
			out = append(out, telnetIAC, telnetIAC)
		case b == '\n' && t.lastCR && t.opts.CRNUL:
			out = append(out, 0)
		default:
			out = append(out, b)
		}
		t.lastCR = b == '\r'
	}
	if err := t.writeLocked(out); err != nil {
		return 0, err
	}
	if len(p) > 0 {
		t.unGAed = true
		select {
		case t.wrote <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// goAheadLoop sends IAC GA each time the console's output has been quiet
// for goAheadQuiet, until done is closed. The console engine does not know
// it runs over Telnet, and it reads from a goroutine of its own, so the end
// of a burst of output is the only sign that a prompt was written and the
// console waits for input.
func (t *telnetConn) goAheadLoop(done <-chan struct{}) {
	quiet := time.NewTimer(goAheadQuiet)
	defer quiet.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.wrote:
			quiet.Reset(goAheadQuiet)
		case <-quiet.C:
			if t.goAhead() != nil {
				return
			}
		}
	}
}

// goAhead sends IAC GA if console output was written since the last one.
func (t *telnetConn) goAhead() error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if !t.unGAed {
		return nil
	}
	t.unGAed = false
	return t.writeLocked([]byte{telnetIAC, telnetGA})
}

// writeRaw sends protocol bytes as they are.
func (t *telnetConn) writeRaw(b []byte) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	return t.writeLocked(b)
}

// writeLocked writes b to the connection, in SplitPackets mode as several
// small writes. The caller holds wmu.
func (t *telnetConn) writeLocked(b []byte) error {
	if !t.opts.SplitPackets {
		_, err := t.conn.Write(b)
		return err
	}
	for len(b) > 0 {
		n := min(splitSizes[t.splitNext], len(b))
		t.splitNext = (t.splitNext + 1) % len(splitSizes)
		if _, err := t.conn.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
		if len(b) > 0 {
			time.Sleep(splitDelay)
		}
	}
	return nil
}

// serveTelnet runs one Telnet session on c. The console always ends with
// the connection closed: after a logout, a drop or an I/O error alike.
func (s *Server) serveTelnet(c net.Conn) {
	t := newTelnetConn(c, s.Router.Scenario().Telnet)
	if err := t.negotiate(); err != nil {
		return
	}
	if t.opts.GoAhead {
		done := make(chan struct{})
		s.wg.Go(func() { t.goAheadLoop(done) })
		defer close(done)
	}
	// Every ending (logout, drop, I/O error) closes the connection, which
	// the caller does, so the console's result does not matter here.
	_ = s.serve(s.ctx, t, SessionInfo{Transport: "telnet", RemoteAddr: c.RemoteAddr().String()})
}
