package channeltest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// Step is one exchange of a script: the client is expected to write Send
// (all of it, in one or more writes), then the device replies with the Reply
// chunks, each delivered by its own Read. An empty Send marks output the
// device sends without being asked (a greeting, or more output).
type Step struct {
	Send   string
	Reply  []string
	Delay  time.Duration // waited before each chunk of Reply; use inside testing/synctest
	Hangup bool          // after the reply, the device closes the connection
}

// Conn is a scripted [io.ReadWriteCloser]. Reads return the replies of the
// steps reached so far; a read with nothing to return blocks until a write
// completes the next step or the Conn is closed.
type Conn struct {
	t      testing.TB
	closed chan struct{}
	once   sync.Once
	queue  chan chunk

	mu      sync.Mutex
	steps   []Step
	written strings.Builder // writes not yet matched to a step
	log     strings.Builder // every write, for failure messages
	left    []byte          // unread part of the current chunk
}

type chunk struct {
	data  string
	delay time.Duration
	eof   bool
}

// NewConn returns a Conn that plays steps. Steps with an empty Send at the
// start are delivered at once. When the test ends, NewConn reports steps
// that were never reached.
func NewConn(t testing.TB, steps ...Step) *Conn {
	t.Helper()
	c := &Conn{t: t, closed: make(chan struct{}), queue: make(chan chunk, 1024), steps: steps}
	c.mu.Lock()
	c.advance()
	c.mu.Unlock()
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.steps) > 0 {
			t.Errorf("channeltest: script not finished: next write wanted %q; written so far %q", c.steps[0].Send, c.log.String())
		}
	})
	return c
}

// advance queues the replies of leading steps that need no write.
func (c *Conn) advance() {
	for len(c.steps) > 0 && c.steps[0].Send == "" {
		c.play(c.steps[0])
		c.steps = c.steps[1:]
	}
}

func (c *Conn) play(s Step) {
	for _, r := range s.Reply {
		c.queue <- chunk{data: r, delay: s.Delay}
	}
	if s.Hangup {
		c.queue <- chunk{eof: true}
	}
}

// Read returns the next reply chunk (or the rest of a chunk larger than p).
func (c *Conn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if len(c.left) > 0 {
		n := copy(p, c.left)
		c.left = c.left[n:]
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	select {
	case <-c.closed:
		return 0, io.EOF
	case ch := <-c.queue:
		if ch.delay > 0 {
			timer := time.NewTimer(ch.delay)
			select {
			case <-timer.C:
			case <-c.closed:
				timer.Stop()
				return 0, io.EOF
			}
		}
		if ch.eof {
			return 0, io.EOF
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		n := copy(p, ch.data)
		c.left = []byte(ch.data[n:])
		return n, nil
	}
}

// ErrUnexpectedWrite is returned by [Conn.Write] for bytes the script does
// not expect; the test has already been marked failed.
var ErrUnexpectedWrite = errors.New("unexpected write")

// Write matches p against the next expected Send; a completed Send releases
// that step's reply.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
		return 0, io.ErrClosedPipe
	default:
	}
	c.log.Write(p)
	c.written.Write(p)
	for c.written.Len() > 0 {
		got := c.written.String()
		if len(c.steps) == 0 {
			c.t.Errorf("channeltest: unexpected write %q after the script ended", got)
			return 0, fmt.Errorf("write %q: %w", got, ErrUnexpectedWrite)
		}
		want := c.steps[0].Send
		if !strings.HasPrefix(want, got) && !strings.HasPrefix(got, want) {
			c.t.Errorf("channeltest: write %q, want %q", got, want)
			return 0, fmt.Errorf("write %q: %w", got, ErrUnexpectedWrite)
		}
		if len(got) < len(want) {
			break
		}
		c.written.Reset()
		c.written.WriteString(got[len(want):])
		c.play(c.steps[0])
		c.steps = c.steps[1:]
		c.advance()
	}
	return len(p), nil
}

// Close makes blocked and later reads return io.EOF. It is idempotent.
func (c *Conn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}
