package channel_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
)

// flood is a device that answers with endless output and never a prompt.
type flood struct {
	line   []byte
	sent   atomic.Int64 // bytes handed out by Read
	after  func(sent int64)
	closed chan struct{}
	once   sync.Once
}

func newFlood(line string, after func(sent int64)) *flood {
	return &flood{line: []byte(line), after: after, closed: make(chan struct{})}
}

func (f *flood) Read(p []byte) (int, error) {
	select {
	case <-f.closed:
		return 0, io.EOF
	default:
	}
	n := 0
	for n < len(p) {
		n += copy(p[n:], f.line)
	}
	sent := f.sent.Add(int64(n))
	if f.after != nil {
		f.after(sent)
	}
	return n, nil
}

func (f *flood) Write(p []byte) (int, error) { return len(p), nil }

func (f *flood) Close() error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

// slack is how far the connection may be read ahead of the session: one
// read being taken, one waiting, one more in the connection's own buffer.
const slack = 3 * 32 * 1024

// TestOutputLimit: a device that floods ends the read with an
// *OutputLimitError once the limit is passed; the session is closed, and
// memory stays bounded because the connection is not read ahead.
// Not parallel, so that the allocation count is this test's own.
func TestOutputLimit(t *testing.T) {
	const limit = 1 << 20
	f := newFlood("ip filter 1 pass * * tcp * www # > \r\n", nil)
	ch := channel.New(f, channel.Config{MaxOutput: limit})
	defer ch.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ch.ReadUntil(t.Context(), adminPrompt)
	runtime.ReadMemStats(&after)
	var le *channel.OutputLimitError
	if !errors.As(err, &le) {
		t.Fatalf("ReadUntil error = %v, want *OutputLimitError", err)
	}
	if diff := cmp.Diff("router sent more than 1 MiB without a prompt", err.Error()); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
	if sent := f.sent.Load(); sent > limit+slack {
		t.Errorf("the flood was read to %d bytes, want at most %d (limit + read-ahead)", sent, limit+slack)
	}
	// Kept text grows by doubling, each read is decoded once: a small
	// multiple of the limit, whatever the device sends.
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes", alloc)
	if alloc > 8*limit {
		t.Errorf("allocated %d bytes for a %d-byte limit, want at most %d", alloc, limit, 8*limit)
	}
	select {
	case <-f.closed:
	default:
		t.Error("connection still open after the output limit was passed")
	}
	if _, err := ch.ReadUntil(t.Context(), adminPrompt); !errors.As(err, &le) {
		t.Errorf("second ReadUntil error = %v, want *OutputLimitError", err)
	}
	if err := ch.WriteLine(t.Context(), "show config"); !errors.As(err, &le) {
		t.Errorf("WriteLine error = %v, want *OutputLimitError", err)
	}
}

// TestDeadlineWhileFlooding: the context ends while the device keeps
// sending; the read stops at once instead of draining the flood, and the
// session is closed.
func TestDeadlineWhileFlooding(t *testing.T) {
	t.Parallel()
	const cancelAt = 256 * 1024
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := newFlood("x\r\n", func(sent int64) {
		if sent >= cancelAt {
			cancel()
		}
	})
	ch := newChannel(t, f, channel.Config{MaxOutput: -1})
	_, err := ch.ReadUntil(ctx, adminPrompt)
	var te *channel.TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadUntil error = %v, want a *TimeoutError wrapping context.Canceled", err)
	}
	if sent := f.sent.Load(); sent > cancelAt+slack {
		t.Errorf("the flood was read to %d bytes, want at most %d (cancelled at %d)", sent, cancelAt+slack, cancelAt)
	}
	if !te.Sending {
		t.Errorf("TimeoutError.Sending = false, want true")
	}
	select {
	case <-f.closed:
	default:
		t.Error("connection still open after a timeout while the device kept sending")
	}
	if _, err := ch.ReadUntil(t.Context(), adminPrompt); !errors.As(err, &te) {
		t.Errorf("second ReadUntil error = %v, want the *TimeoutError again", err)
	}
}

// TestDeadlineHoldsWhileDataArrives: a real deadline ends the read on time
// while data keeps arriving without a pause.
func TestDeadlineHoldsWhileDataArrives(t *testing.T) {
	t.Parallel()
	f := newFlood("show config line without end ", nil)
	ch := newChannel(t, f, channel.Config{MaxOutput: -1})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ch.ReadUntil(ctx, adminPrompt)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadUntil error = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("ReadUntil returned after %v, want about 100ms", took)
	}
}

// TestTimeoutAfterLongOutput: a long reply read to its prompt says nothing
// about the next command. Cancelled while the device sent only the next
// command's echo, the read is an ordinary timeout and the session stays
// open.
func TestTimeoutAfterLongOutput(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ip filter 1 pass * * * * *\r\n", 1024)
	conn := channeltest.NewConn(t,
		channeltest.Step{Send: "show config\r", Reply: []string{"show config\r\n" + long + "# "}},
		channeltest.Step{Send: "bgp configure refresh\r", Reply: []string{"bgp configure refresh\r\n"}},
	)
	ch := newChannel(t, conn, channel.Config{})
	if err := ch.WriteLine(t.Context(), "show config"); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.ReadUntil(t.Context(), adminPrompt); err != nil {
		t.Fatalf("ReadUntil after show config: %v", err)
	}
	if err := ch.WriteLine(t.Context(), "bgp configure refresh"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := ch.ReadUntil(ctx, adminPrompt)
	var te *channel.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("ReadUntil error = %v, want a *TimeoutError", err)
	}
	if te.Sending {
		t.Errorf("TimeoutError.Sending = true after a quiet echo, want false")
	}
}
