package channel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Config configures a [Channel]. The zero value decodes UTF-8, does not
// handle paging, records no transcript and logs nothing.
type Config struct {
	// Encoding of the device's output; "" is UTF-8. See [Channel.SetEncoding].
	Encoding Encoding
	// Pager matches a pager marker ("---more---") on the last, unterminated
	// line of output. When it matches, the channel sends PagerKey and removes
	// the marker and the device's erase sequence from the text. Nil disables
	// pager handling.
	Pager *regexp.Regexp
	// PagerKey is sent, without Enter, to continue past a pager marker;
	// "" means a single space.
	PagerKey string
	// Transcript, if not nil, receives the session in golden-transcript
	// format ("> " lines sent, "< " lines received) with secrets redacted.
	// Writes happen on the caller's goroutine; write errors are ignored.
	Transcript io.Writer
	// Logger receives debug records of sent lines and matched prompts,
	// never secrets. Nil discards them.
	Logger *slog.Logger
	// MaxOutput bounds the text (in bytes, after decoding) one read may
	// collect before its pattern appears: when a device sends more, the
	// read fails with an [*OutputLimitError] and the session is closed.
	// Zero means [DefaultMaxOutput]; a negative value means no limit.
	MaxOutput int
	// RedactLine, if not nil, hides the secrets it recognises by their form
	// in one line of text (a configuration line, a command line). It is
	// applied to every line of the transcript (lines the device hard-wrapped
	// are joined first, see [Channel.SetColumns]), to every line sent as it
	// is logged, and to the text errors carry. Secrets registered with
	// [Channel.Redact] are hidden in any case.
	RedactLine func(line string) string
}

// DefaultMaxOutput is the output limit when [Config].MaxOutput is zero.
const DefaultMaxOutput = 16 << 20

// DefaultQuiet is the silence after which an ambiguous match is accepted when
// [Expect].Quiet is zero.
const DefaultQuiet = 150 * time.Millisecond

// tailLen is how many characters of received text a TimeoutError carries.
const tailLen = 200

// window is how far back from the end of the received text patterns are
// searched; prompts and pager markers are short.
const window = 1024

// readSize is the size of one read from the connection.
const readSize = 32 * 1024

// Match is the result of a successful read.
type Match struct {
	Output string   // text received before the match
	Prompt string   // the matched text
	Index  int      // index of the matching pattern
	Groups []string // submatches of the matching pattern; Groups[0] == Prompt
	// Settled says that the match was accepted only after Quiet of silence
	// (see [Settle]), so it may still be output the device paused in.
	Settled bool
}

// Expect describes what [Channel.Expect] waits for.
type Expect struct {
	// Patterns are tried in order; the first one that matches at the very
	// end of the received text wins. They are applied to decoded, cleaned
	// text.
	Patterns []*regexp.Regexp
	// Judge, if not nil, decides whether a match ends the read or may be
	// ordinary output rather than a prompt (see [Verdict]); nil accepts
	// every match. It is given the match without its Output, and an
	// excerpt of the text before the match. When the device has closed the
	// stream, a match it would settle is accepted.
	Judge func(Match, Excerpt) Verdict
	// Quiet is the silence that settles a match Judge returns [Settle]
	// for; zero means [DefaultQuiet].
	Quiet time.Duration
}

// Excerpt is what [Expect].Judge sees of the text before a match (the
// Output the match would have): at most ExcerptLen bytes from its start and
// from its end, each cut at a character boundary. When the text is no
// longer than that, Head and Tail are both all of it.
type Excerpt struct {
	Head string
	Tail string
	Len  int // length of the whole text in bytes
}

// ExcerptLen is the length of [Excerpt].Head and Tail.
const ExcerptLen = 4096

// Verdict is what [Expect].Judge decides about a match.
type Verdict int

const (
	// Accept ends the read with the match.
	Accept Verdict = iota
	// Settle accepts the match only after [Expect].Quiet passes with no
	// further bytes from the device; any new byte resumes the read.
	Settle
	// Reject declares the match ordinary output: the read goes on.
	Reject
)

// Channel is a prompt-aware console session over an [io.ReadWriteCloser].
// It owns the connection and one reader goroutine; [Channel.Close] closes
// both. Methods other than Close must not be called concurrently.
type Channel struct {
	conn    io.ReadWriteCloser
	log     *slog.Logger
	pager   *regexp.Regexp
	key     string
	sec     *secrets
	redLine func(string) string
	tr      *transcript
	max     int
	// The reader goroutine hands each read to the caller's goroutine and
	// waits until it is taken, so that a device sending faster than the
	// session reads is held back by the connection's flow control instead
	// of filling memory.
	chunks chan []byte
	ended  chan struct{} // closed when the reader goroutine stops reading; rerr is set then
	rerr   error
	stop   chan struct{} // closed by Close: the reader goroutine must exit
	done   chan struct{} // closed when the reader goroutine exits

	closeOnce sync.Once
	closeErr  error

	// Owned by the caller's goroutine.
	enc      Encoding
	dec      decoder
	cl       cleaner
	text     text  // cleaned text since the last match
	eof      bool  // the reader has finished and everything was decoded
	failed   error // the session was ended by an *OutputLimitError
	pages    int   // pager markers answered
	flow     flow  // how much the device sent lately
	anchored map[*regexp.Regexp]*regexp.Regexp
}

// New starts a Channel on conn. The Channel owns conn: [Channel.Close]
// closes it and waits for the reader goroutine, which also ends when the
// peer closes the connection.
func New(conn io.ReadWriteCloser, cfg Config) *Channel {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	key := cfg.PagerKey
	if key == "" {
		key = " "
	}
	maxOut := cfg.MaxOutput
	if maxOut == 0 {
		maxOut = DefaultMaxOutput
	}
	c := &Channel{
		conn:     conn,
		log:      log,
		key:      key,
		sec:      &secrets{},
		redLine:  cfg.RedactLine,
		max:      maxOut,
		chunks:   make(chan []byte),
		ended:    make(chan struct{}),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		enc:      cfg.Encoding,
		dec:      newDecoder(cfg.Encoding),
		anchored: make(map[*regexp.Regexp]*regexp.Regexp),
	}
	c.tr = &transcript{w: cfg.Transcript, redact: c.redactLine}
	if cfg.Pager != nil {
		c.pager = regexp.MustCompile(`(?:` + cfg.Pager.String() + `) *\z`)
	}
	go c.readLoop()
	return c
}

// readLoop reads the connection into two buffers in turn: a buffer handed
// over is read again only after the other one was taken, and the caller
// decodes each buffer before it takes the next.
func (c *Channel) readLoop() {
	defer close(c.done)
	defer close(c.ended)
	bufs := [2][]byte{make([]byte, readSize), make([]byte, readSize)}
	for i := 0; ; i ^= 1 {
		n, err := c.conn.Read(bufs[i])
		if n > 0 {
			select {
			case c.chunks <- bufs[i][:n]:
			case <-c.stop:
				c.rerr = net.ErrClosed
				return
			}
		}
		if err != nil {
			c.rerr = err
			return
		}
	}
}

// Close closes the connection, waits for the reader goroutine and flushes
// the transcript. It is idempotent and safe to call from any goroutine; a
// blocked read then fails.
func (c *Channel) Close() error {
	c.closeOnce.Do(func() {
		close(c.stop)
		c.closeErr = c.conn.Close()
		<-c.done
		c.tr.flush()
	})
	return c.closeErr
}

// Redact registers secret so that it is replaced by [Redacted] in the
// transcript, logs and errors from now on.
func (c *Channel) Redact(secret string) { c.sec.add(secret) }

// SetColumns tells the channel the console width the device hard-wraps
// lines at, so that the transcript joins a line as wide as that (or one
// column less) with the next before looking for secrets in it; zero joins
// nothing.
func (c *Channel) SetColumns(n int) { c.tr.setColumns(n) }

// redactLine hides registered secrets and, with [Config].RedactLine,
// secrets recognised by their form in one line.
func (c *Channel) redactLine(line string) string {
	red := c.sec.redact(line)
	if c.redLine != nil {
		red = c.redLine(red)
	}
	return red
}

// redact applies redactLine to every line of text.
func (c *Channel) redact(text string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		lines[i] = c.redactLine(l)
	}
	return strings.Join(lines, "")
}

// Pages returns how many pager markers the channel has answered so far.
func (c *Channel) Pages() int { return c.pages }

// Encoding returns the encoding currently used to decode output.
func (c *Channel) Encoding() Encoding { return c.enc }

// SetEncoding switches the decoder. Call it at a quiet point, right after a
// prompt was matched; bytes not yet decoded are decoded with the new
// encoding. It returns [ErrNotQuiet] while part of a character or escape
// sequence is pending.
func (c *Channel) SetEncoding(e Encoding) error {
	if !c.dec.quiet() || c.cl.pending() {
		return fmt.Errorf("switch encoding to %s: %w", e, ErrNotQuiet)
	}
	c.enc = e
	c.dec = newDecoder(e)
	return nil
}

// WriteLine sends s followed by one carriage return (never CRLF).
func (c *Channel) WriteLine(ctx context.Context, s string) error {
	c.log.Debug("send", "line", c.redactLine(s))
	c.tr.sent(s)
	return c.write(ctx, s+"\r")
}

// WriteSecret registers secret for redaction and sends it followed by one
// carriage return. The transcript shows "> <redacted>".
func (c *Channel) WriteSecret(ctx context.Context, secret string) error {
	c.Redact(secret)
	c.log.Debug("send secret")
	c.tr.sent(Redacted)
	return c.write(ctx, secret+"\r")
}

// WriteKey sends key as is, with no Enter, for single-key questions such
// as "(Y/N)".
func (c *Channel) WriteKey(ctx context.Context, key string) error {
	c.log.Debug("send key", "key", key)
	c.tr.sent(key)
	return c.write(ctx, key)
}

func (c *Channel) write(ctx context.Context, s string) error {
	if c.failed != nil {
		return fmt.Errorf("send: %w", c.failed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	b, err := c.enc.codec().NewEncoder().Bytes([]byte(s))
	if err != nil {
		return fmt.Errorf("send: encode as %s: %w", c.enc, err)
	}
	if d, ok := c.conn.(interface{ SetWriteDeadline(time.Time) error }); ok {
		deadline, _ := ctx.Deadline()
		_ = d.SetWriteDeadline(deadline) // best effort: not every conn supports deadlines
	}
	if _, err := c.conn.Write(b); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return &TimeoutError{Want: wantSend, Tail: c.tail(), Err: context.DeadlineExceeded}
		}
		// A stream that refuses writes is gone for good.
		return fmt.Errorf("send: connection lost: %w: %w", io.ErrUnexpectedEOF, err)
	}
	// What the device sends from now on answers this input: the output
	// of earlier commands says nothing about whether it is flooding.
	c.flow = flow{}
	return nil
}

// ReadUntil waits until one of patterns matches at the very end of the text
// received so far and returns that text. See [Channel.Expect].
func (c *Channel) ReadUntil(ctx context.Context, patterns ...*regexp.Regexp) (Match, error) {
	return c.Expect(ctx, Expect{Patterns: patterns})
}

// Expect reads until one of e.Patterns matches at the end of the received
// text, answering pager markers on the way. It returns as soon as the match
// appears (after e.Quiet of silence for a match e.Judge settles; a match it
// rejects does not end the read).
//
// When ctx ends first it returns a [*TimeoutError], even while the device
// keeps sending (then the session is closed, see [TimeoutError].Sending);
// when the peer closes the connection first it returns an
// error wrapping [io.ErrUnexpectedEOF]; when the device sends more than
// [Config].MaxOutput first it closes the session and returns an
// [*OutputLimitError]. After a timeout at a quiet moment the text received
// so far stays buffered for the next read.
func (c *Channel) Expect(ctx context.Context, e Expect) (Match, error) {
	quiet := e.Quiet
	if quiet <= 0 {
		quiet = DefaultQuiet
	}
	var (
		settle       <-chan time.Time // non-nil while a match waits for silence
		timer        *time.Timer
		pendingMatch candidate
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	ended := c.ended
	for grew := true; ; {
		if c.failed != nil {
			return Match{}, c.failed
		}
		// Checked on every turn: a device that never pauses must not keep
		// the read past its deadline.
		if ctx.Err() != nil {
			return Match{}, c.timeout(e.Patterns, ctx.Err())
		}
		if grew {
			grew = false
			settle = nil
			if c.page(ctx) {
				grew = true
				continue
			}
			if m, ok := c.match(e.Patterns); ok {
				switch v := c.judge(e, m.Match, m.at); {
				case v == Accept, v == Settle && c.eof:
					return c.accept(m), nil
				case v == Settle:
					pendingMatch = m
					if timer != nil {
						timer.Stop()
					}
					timer = time.NewTimer(quiet)
					settle = timer.C
				}
			}
		}
		if c.eof {
			return Match{}, c.closedError()
		}
		select {
		case b := <-c.chunks:
			c.take(b, false)
			grew = true
		case <-ended:
			ended = nil
			c.take(nil, true)
			grew = true
		case <-settle:
			pendingMatch.Settled = true
			return c.accept(pendingMatch), nil
		case <-ctx.Done():
			return Match{}, c.timeout(e.Patterns, ctx.Err())
		}
		if c.max > 0 && c.text.len() > c.max {
			c.fail(&OutputLimitError{Limit: c.max})
		}
	}
}

// judge applies e.Judge to m, which starts at offset at of the text.
func (c *Channel) judge(e Expect, m Match, at int) Verdict {
	if e.Judge == nil {
		return Accept
	}
	head := c.text.head(min(at, ExcerptLen+utf8.UTFMax))
	head = head[:runeStart(head, ExcerptLen, true)]
	tail := c.text.slice(max(at-ExcerptLen-utf8.UTFMax, 0), at)
	tail = tail[runeStart(tail, len(tail)-ExcerptLen, false):]
	v := e.Judge(m, Excerpt{Head: head, Tail: tail, Len: at})
	if v == Reject {
		c.log.Debug("prompt-like output", "text", c.redactLine(m.Prompt))
	}
	return v
}

// take decodes and cleans one read (b) or, at the end of the stream, what
// is left over.
func (c *Channel) take(b []byte, eof bool) {
	if eof {
		c.eof = true
	}
	c.flow.add(len(b))
	text := c.cl.clean(c.dec.decode(b, eof))
	if len(text) == 0 {
		return
	}
	c.tr.received(text)
	c.text.add(text)
}

// fail ends the session: the connection is closed and the text collected so
// far is dropped, so that its memory is released.
func (c *Channel) fail(err error) {
	c.log.Debug("session ended", "reason", err.Error())
	c.failed = err
	c.text.reset()
	_ = c.Close() // the error that ends the session is err
}

// maxPagerLine is the longest last line that can be a pager marker.
const maxPagerLine = 256

// page answers a pager marker at the end of the text; it reports whether
// one was found.
func (c *Channel) page(ctx context.Context) bool {
	if c.pager == nil || c.eof || len(c.text.line) > maxPagerLine {
		return false
	}
	loc := c.pager.FindIndex(c.text.line)
	if loc == nil || loc[0] != 0 {
		return false
	}
	c.log.Debug("pager", "marker", string(c.text.line))
	c.pages++
	c.text.line = c.text.line[:0]
	c.cl.startErase()
	c.tr.sent(c.key)
	// A failed write surfaces as a timeout or a closed connection.
	_ = c.write(ctx, c.key)
	return true
}

// runeStart returns the offset in s nearest to i (at or before it if down,
// else at or after it) at which a character starts; i is clamped to s.
func runeStart(s string, i int, down bool) int {
	i = min(max(i, 0), len(s))
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		if down {
			i--
		} else {
			i++
		}
	}
	return i
}

// candidate is a match whose Output is not built yet: it is the text
// before offset at.
type candidate struct {
	Match
	at int
}

// match tries patterns against the end of the text. Only a window at the
// end is searched, which keeps long outputs linear; a match may start at
// the window's first byte only if a line starts there.
func (c *Channel) match(patterns []*regexp.Regexp) (candidate, bool) {
	tail, start := c.text.tail(window)
	lineStart := start == 0 || c.text.slice(start-1, start) == "\n"
	for i, p := range patterns {
		loc := c.anchor(p).FindStringSubmatchIndex(tail)
		if loc == nil || loc[0] == 0 && !lineStart {
			continue
		}
		groups := make([]string, len(loc)/2)
		for g := range groups {
			if loc[2*g] >= 0 {
				groups[g] = tail[loc[2*g]:loc[2*g+1]]
			}
		}
		return candidate{Match{Prompt: groups[0], Index: i, Groups: groups}, start + loc[0]}, true
	}
	return candidate{}, false
}

// anchor returns p anchored at the end of the text.
func (c *Channel) anchor(p *regexp.Regexp) *regexp.Regexp {
	a, ok := c.anchored[p]
	if !ok {
		a = regexp.MustCompile(`(?:` + p.String() + `)\z`)
		c.anchored[p] = a
	}
	return a
}

// accept ends the read with m: the text before it becomes its Output.
func (c *Channel) accept(m candidate) Match {
	c.log.Debug("matched", "prompt", c.redactLine(m.Prompt), "pattern", m.Index)
	m.Output = c.text.head(m.at)
	c.text.reset()
	return m.Match
}

// tail returns the last characters received (at most tailLen), secrets
// redacted. Redaction sees whole lines: a line cut by the start of the
// excerpt is left out unless it is all there is.
func (c *Channel) tail() string {
	text, start := c.text.tail(tailLen*utf8.UTFMax + window)
	if i := strings.IndexByte(text, '\n'); start > 0 && i >= 0 {
		text = text[i+1:]
	}
	text = c.redact(text)
	if n := utf8.RuneCountInString(text); n > tailLen {
		r := []rune(text)
		text = string(r[n-tailLen:])
	}
	return text
}

// A read that times out was cut off while the device kept sending when the
// device sent at least floodBytes in the flow window before the deadline, the
// last of them less than a second before it: a slow command that echoed
// and then went quiet is not that.
const (
	flowWindow = time.Second
	floodBytes = 4096
)

// flow counts the bytes the device sent in the current flow window.
type flow struct {
	start time.Time // the window's start
	bytes int
	last  time.Time // when the last bytes came
}

// add counts n bytes received now.
func (f *flow) add(n int) {
	now := time.Now()
	if now.Sub(f.start) > flowWindow {
		f.start, f.bytes = now, 0
	}
	f.bytes += n
	f.last = now
}

// sending reports whether the device is still sending in earnest.
func (f *flow) sending() bool {
	now := time.Now()
	return f.bytes >= floodBytes && now.Sub(f.start) < 2*flowWindow && now.Sub(f.last) < flowWindow
}

// timeout returns the error of a read whose context ended with err. When
// the device was still sending, the session ends: what follows cannot be
// read to a prompt in any useful time.
func (c *Channel) timeout(patterns []*regexp.Regexp, err error) error {
	te := &TimeoutError{Want: want(patterns), Tail: c.tail(), Err: err}
	if c.flow.sending() {
		te.Sending = true
		c.fail(te)
	}
	return te
}

func (c *Channel) closedError() error {
	err := fmt.Errorf("connection closed while waiting for the router (last received: %q): %w", c.tail(), io.ErrUnexpectedEOF)
	if c.rerr != nil && !errors.Is(c.rerr, io.EOF) && !errors.Is(c.rerr, net.ErrClosed) {
		err = fmt.Errorf("%w: %w", err, c.rerr)
	}
	return err
}

func want(patterns []*regexp.Regexp) string {
	s := make([]string, len(patterns))
	for i, p := range patterns {
		s[i] = p.String()
	}
	return strings.Join(s, " | ")
}
