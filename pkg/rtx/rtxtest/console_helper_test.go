package rtxtest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"
)

// expectTimeout bounds every wait so a broken console fails the test instead of hanging it.
const expectTimeout = 10 * time.Second

// outputBuffer collects what the console writes and wakes waiters.
type outputBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func (b *outputBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	close(b.changed)
	b.changed = make(chan struct{})
	return len(p), nil
}

// pipeConn is the router's side of an in-memory console connection.
type pipeConn struct {
	io.Reader
	io.Writer
}

// testConsole drives one console session over in-memory pipes.
type testConsole struct {
	t      *testing.T
	router *Router
	in     *io.PipeWriter
	out    *outputBuffer
	pos    int
	done   chan error
}

// startConsole starts a session on router r; it is ended at cleanup.
func startConsole(t *testing.T, r *Router, info SessionInfo) *testConsole {
	t.Helper()
	pr, pw := io.Pipe()
	c := &testConsole{t: t, router: r, in: pw, out: &outputBuffer{changed: make(chan struct{})}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { c.done <- r.ServeConsole(ctx, pipeConn{pr, c.out}, info) }()
	t.Cleanup(func() {
		cancel()
		pw.Close()
		<-c.done
	})
	return c
}

// sshConsole starts an SSH-style session for user and reads the banner up to the prompt.
func sshConsole(t *testing.T, r *Router, user string) *testConsole {
	t.Helper()
	c := startConsole(t, r, SessionInfo{Transport: "ssh", User: user, RemoteAddr: "127.0.0.1:50000"})
	c.expect("> ")
	return c
}

// adminConsole starts an SSH session and enters administrator mode.
func adminConsole(t *testing.T, r *Router) *testConsole {
	t.Helper()
	c := sshConsole(t, r, "rtxctl")
	c.send("administrator\r")
	c.expect("Password: ")
	c.send(r.Scenario().AdminPassword + "\r")
	c.expect("# ")
	return c
}

// send types s.
func (c *testConsole) send(s string) {
	c.t.Helper()
	if _, err := c.in.Write([]byte(s)); err != nil {
		c.t.Fatalf("send %q: %v", s, err)
	}
}

// expect waits until the output contains want after what was already consumed, and
// returns the raw output up to and including it.
func (c *testConsole) expect(want string) string {
	c.t.Helper()
	return c.await(want, func(data string) int {
		if i := strings.Index(data, want); i >= 0 {
			return i + len(want)
		}
		return -1
	})
}

// expectEnd waits until the output ends with suffix (a prompt is the last thing the
// console sends before it waits for input) and returns everything up to it.
func (c *testConsole) expectEnd(suffix string) string {
	c.t.Helper()
	return c.await(suffix, func(data string) int {
		if strings.HasSuffix(data, suffix) {
			return len(data)
		}
		return -1
	})
}

// await waits until match finds an end offset in the unconsumed output.
func (c *testConsole) await(want string, match func(string) int) string {
	c.t.Helper()
	deadline := time.NewTimer(expectTimeout)
	defer deadline.Stop()
	ended := false
	for {
		c.out.mu.Lock()
		data := c.out.buf.String()[c.pos:]
		changed := c.out.changed
		c.out.mu.Unlock()
		if n := match(data); n >= 0 {
			c.pos += n
			return data[:n]
		}
		if ended {
			c.t.Fatalf("session ended before %q; output since last match:\n%q", want, data)
		}
		select {
		case <-changed:
		case err := <-c.done:
			c.done <- err
			ended = true
		case <-deadline.C:
			c.t.Fatalf("timed out waiting for %q; output since last match:\n%q", want, data)
		}
	}
}

// run sends a command and returns its output lines (between the echo and the next prompt).
func (c *testConsole) run(cmd, prompt string) []string {
	c.t.Helper()
	c.send(cmd + "\r")
	got := c.expectEnd("\r\n" + prompt)
	got = strings.TrimSuffix(got, "\r\n"+prompt)
	_, body, found := strings.Cut(got, "\r\n")
	if !found {
		return nil
	}
	return strings.Split(body, "\r\n")
}

// wait waits for the session to end and returns ServeConsole's result.
func (c *testConsole) wait() error {
	c.t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-time.After(expectTimeout):
		c.t.Fatal("session did not end")
		return nil
	}
}

// sjis encodes a UTF-8 text to Shift_JIS as the console sends it.
func sjis(t *testing.T, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// englishScenario is the default scenario in English.
func englishScenario() *Scenario {
	sc := DefaultScenario()
	sc.Language = "en"
	return sc
}

// longSessionScenario is the English article scenario with a login timer long enough for
// the fake clock jumps of the test.
func longSessionScenario() *Scenario {
	sc := englishScenario()
	sc.LoginTimer = 21474836
	return sc
}

// editScenario applies edit, when not nil, to sc and returns sc.
func editScenario(sc *Scenario, edit func(*Scenario)) *Scenario {
	if edit != nil {
		edit(sc)
	}
	return sc
}
