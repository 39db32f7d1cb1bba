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
	ready  chan struct{} // one token: chunks were queued

	mu      sync.Mutex
	queue   []chunk // replies not yet read
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
	c := &Conn{t: t, closed: make(chan struct{}), ready: make(chan struct{}, 1), steps: steps}
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
		c.queue = append(c.queue, chunk{data: r, delay: s.Delay})
	}
	if s.Hangup {
		c.queue = append(c.queue, chunk{eof: true})
	}
	select {
	case c.ready <- struct{}{}:
	default:
	}
}

// Read returns the next reply chunk (or the rest of a chunk larger than p).
func (c *Conn) Read(p []byte) (int, error) {
	ch, err := c.next()
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch != nil {
		c.left = []byte(ch.data)
	}
	n := copy(p, c.left)
	c.left = c.left[n:]
	return n, nil
}

// next waits for the next chunk; it returns nil while part of the previous
// chunk is unread.
func (c *Conn) next() (*chunk, error) {
	for {
		c.mu.Lock()
		if len(c.left) > 0 {
			c.mu.Unlock()
			return nil, nil
		}
		if len(c.queue) > 0 {
			ch := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			return &ch, c.wait(ch)
		}
		c.mu.Unlock()
		select {
		case <-c.closed:
			return nil, io.EOF
		case <-c.ready:
		}
	}
}

// wait applies a chunk's delay and end of stream.
func (c *Conn) wait(ch chunk) error {
	if ch.delay > 0 {
		timer := time.NewTimer(ch.delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-c.closed:
			return io.EOF
		}
	}
	if ch.eof {
		return io.EOF
	}
	return nil
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
