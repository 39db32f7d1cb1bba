package channel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
}

// DefaultQuiet is the silence after which an ambiguous match is accepted when
// [Expect].Quiet is zero.
const DefaultQuiet = 150 * time.Millisecond

// tailLen is how many characters of received text a TimeoutError carries.
const tailLen = 200

// window is how far back from the end of the received text patterns are
// searched; prompts and pager markers are short.
const window = 1024

// Match is the result of a successful read.
type Match struct {
	Output string   // text received before the match
	Prompt string   // the matched text
	Index  int      // index of the matching pattern
	Groups []string // submatches of the matching pattern; Groups[0] == Prompt
}

// Expect describes what [Channel.Expect] waits for.
type Expect struct {
	// Patterns are tried in order; the first one that matches at the very
	// end of the received text wins. They are applied to decoded, cleaned
	// text.
	Patterns []*regexp.Regexp
	// Ambiguous, if not nil, flags matches that may be ordinary output
	// rather than a prompt. Such a match is accepted only after Quiet passes
	// with no further bytes from the device; any new byte resumes the read.
	Ambiguous func(Match) bool
	// Quiet is the silence that settles an ambiguous match; zero means
	// [DefaultQuiet].
	Quiet time.Duration
}

// Channel is a prompt-aware console session over an [io.ReadWriteCloser].
// It owns the connection and one reader goroutine; [Channel.Close] closes
// both. Methods other than Close must not be called concurrently.
type Channel struct {
	conn   io.ReadWriteCloser
	log    *slog.Logger
	pager  *regexp.Regexp
	key    string
	sec    *secrets
	tr     *transcript
	notify chan struct{} // one token: new bytes or end of stream
	done   chan struct{} // closed when the reader goroutine exits

	mu   sync.Mutex // guards raw and rerr, shared with the reader goroutine
	raw  []byte
	rerr error

	closeOnce sync.Once
	closeErr  error

	// Owned by the caller's goroutine.
	enc      Encoding
	dec      decoder
	cl       cleaner
	buf      []byte // cleaned text since the last match
	eof      bool   // the reader has finished and everything was decoded
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
	sec := &secrets{}
	c := &Channel{
		conn:     conn,
		log:      log,
		key:      key,
		sec:      sec,
		tr:       &transcript{w: cfg.Transcript, sec: sec},
		notify:   make(chan struct{}, 1),
		done:     make(chan struct{}),
		enc:      cfg.Encoding,
		dec:      newDecoder(cfg.Encoding),
		anchored: make(map[*regexp.Regexp]*regexp.Regexp),
	}
	if cfg.Pager != nil {
		c.pager = regexp.MustCompile(`(?:` + cfg.Pager.String() + `) *\z`)
	}
	go c.readLoop()
	return c
}

func (c *Channel) readLoop() {
	defer close(c.done)
	buf := make([]byte, 32*1024)
	for {
		n, err := c.conn.Read(buf)
		c.mu.Lock()
		c.raw = append(c.raw, buf[:n]...)
		if err != nil {
			c.rerr = err
		}
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// Close closes the connection, waits for the reader goroutine and flushes
// the transcript. It is idempotent and safe to call from any goroutine; a
// blocked read then fails.
func (c *Channel) Close() error {
	c.closeOnce.Do(func() {
		c.closeErr = c.conn.Close()
		<-c.done
		c.tr.flush()
	})
	return c.closeErr
}

// Redact registers secret so that it is replaced by [Redacted] in the
// transcript, logs and errors from now on.
func (c *Channel) Redact(secret string) { c.sec.add(secret) }

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
	red, _ := c.sec.redact(s)
	c.log.Debug("send", "line", red)
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
			return &TimeoutError{Want: "send", Tail: c.tail(), Err: context.DeadlineExceeded}
		}
		// A stream that refuses writes is gone for good.
		return fmt.Errorf("send: connection lost: %w: %w", io.ErrUnexpectedEOF, err)
	}
	return nil
}

// ReadUntil waits until one of patterns matches at the very end of the text
// received so far and returns that text. See [Channel.Expect].
func (c *Channel) ReadUntil(ctx context.Context, patterns ...*regexp.Regexp) (Match, error) {
	return c.Expect(ctx, Expect{Patterns: patterns})
}

// Expect reads until one of e.Patterns matches at the end of the received
// text, answering pager markers on the way. It returns as soon as the match
// appears (after e.Quiet of silence for a match e.Ambiguous flags).
//
// When ctx ends first it returns a [*TimeoutError]; when the peer closes the
// connection first it returns an error wrapping [io.ErrUnexpectedEOF]. After
// a timeout the text received so far stays buffered for the next read.
func (c *Channel) Expect(ctx context.Context, e Expect) (Match, error) {
	quiet := e.Quiet
	if quiet <= 0 {
		quiet = DefaultQuiet
	}
	var (
		settle       <-chan time.Time // non-nil while an ambiguous match waits for silence
		timer        *time.Timer
		pendingMatch Match
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		grew := c.pull()
		if grew || settle == nil {
			settle = nil
			if c.page(ctx) {
				continue
			}
			if m, ok := c.match(e.Patterns); ok {
				if c.eof || e.Ambiguous == nil || !e.Ambiguous(m) {
					return c.accept(m), nil
				}
				pendingMatch = m
				if timer != nil {
					timer.Stop()
				}
				timer = time.NewTimer(quiet)
				settle = timer.C
			}
		}
		if c.eof {
			return Match{}, c.closedError(e.Patterns)
		}
		select {
		case <-c.notify:
		case <-settle:
			return c.accept(pendingMatch), nil
		case <-ctx.Done():
			return Match{}, &TimeoutError{Want: want(e.Patterns), Tail: c.tail(), Err: ctx.Err()}
		}
	}
}

// pull decodes and cleans all bytes received so far and reports whether the
// text grew or the stream ended.
func (c *Channel) pull() bool {
	c.mu.Lock()
	raw, rerr := c.raw, c.rerr
	c.raw = nil
	c.mu.Unlock()
	if len(raw) == 0 && (rerr == nil || c.eof) {
		return false
	}
	text := c.dec.decode(raw, rerr != nil)
	if rerr != nil {
		c.eof = true
	}
	c.append(c.cl.clean(text))
	return true
}

// append adds cleaned text to the buffer, applying backspaces.
func (c *Channel) append(text string) {
	c.tr.received(strings.ReplaceAll(text, "\b", ""))
	for _, r := range text {
		if r != bs {
			c.buf = utf8.AppendRune(c.buf, r)
			continue
		}
		if last, size := utf8.DecodeLastRune(c.buf); size > 0 && last != '\n' {
			c.buf = c.buf[:len(c.buf)-size]
		}
	}
}

// page answers a pager marker at the end of the text; it reports whether
// one was found.
func (c *Channel) page(ctx context.Context) bool {
	if c.pager == nil || c.eof {
		return false
	}
	start := bytes.LastIndexByte(c.buf, '\n') + 1
	loc := c.pager.FindIndex(c.buf[start:])
	if loc == nil || loc[0] != 0 {
		return false
	}
	c.log.Debug("pager", "marker", string(c.buf[start:]))
	c.buf = c.buf[:start]
	c.cl.startErase()
	c.tr.sent(c.key)
	// A failed write surfaces as a timeout or a closed connection.
	_ = c.write(ctx, c.key)
	return true
}

// match tries patterns against the end of the text. Only a window at the
// end is searched (starting at a line end, so that line anchors work), which
// keeps long outputs linear.
func (c *Channel) match(patterns []*regexp.Regexp) (Match, bool) {
	start := 0
	if len(c.buf) > window {
		start = max(bytes.LastIndexByte(c.buf[:len(c.buf)-window], '\n'), 0)
	}
	tail := c.buf[start:]
	for i, p := range patterns {
		loc := c.anchor(p).FindSubmatchIndex(tail)
		if loc == nil {
			continue
		}
		groups := make([]string, len(loc)/2)
		for g := range groups {
			if loc[2*g] >= 0 {
				groups[g] = string(tail[loc[2*g]:loc[2*g+1]])
			}
		}
		return Match{Output: string(c.buf[:start+loc[0]]), Prompt: groups[0], Index: i, Groups: groups}, true
	}
	return Match{}, false
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

func (c *Channel) accept(m Match) Match {
	red, _ := c.sec.redact(m.Prompt)
	c.log.Debug("matched", "prompt", red, "pattern", m.Index)
	c.buf = c.buf[:0]
	return m
}

func (c *Channel) tail() string {
	text := string(c.buf)
	if n := utf8.RuneCountInString(text); n > tailLen {
		r := []rune(text)
		text = string(r[n-tailLen:])
	}
	red, _ := c.sec.redact(text)
	return red
}

func (c *Channel) closedError(patterns []*regexp.Regexp) error {
	c.mu.Lock()
	rerr := c.rerr
	c.mu.Unlock()
	err := fmt.Errorf("connection closed while waiting for %s (last received: %q): %w", want(patterns), c.tail(), io.ErrUnexpectedEOF)
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		err = fmt.Errorf("%w: %w", err, rerr)
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
