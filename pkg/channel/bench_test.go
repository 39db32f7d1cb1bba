package channel_test

import (
	"fmt"
	"io"
	"strconv"
	"syscall"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
)

// BenchmarkReadUntilLongOutput reads a 10,000-line output delivered one line
// per read, as a slow console sends it; the cost per line must stay flat.
func BenchmarkReadUntilLongOutput(b *testing.B) {
	const lines = 10000
	reply := make([]string, 0, lines+1)
	for i := range lines {
		reply = append(reply, fmt.Sprintf("ip filter %d pass * * tcp * www\r\n", i))
	}
	reply = append(reply, "# ")
	for b.Loop() {
		conn := channeltest.NewConn(b, channeltest.Step{Reply: reply})
		ch := channel.New(conn, channel.Config{Encoding: channel.ShiftJIS})
		if _, err := ch.ReadUntil(b.Context(), adminPrompt); err != nil {
			b.Fatal(err)
		}
		ch.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
}

// generated is a device that sends size bytes of configuration lines, then
// a prompt, in reads of up to 32 KiB, without holding the output in memory.
type generated struct {
	size, sent int
	done       bool
}

func (g *generated) Read(p []byte) (int, error) {
	if g.done {
		return 0, io.EOF
	}
	if g.sent >= g.size {
		g.done = true
		return copy(p, "\r\n# "), nil
	}
	n := 0
	for n+64 <= len(p) && g.sent+n < g.size {
		line := strconv.AppendInt(append(p[n:n], "ip filter "...), int64(g.sent+n), 10)
		n += len(append(line, " pass * * tcp * www\r\n"...))
	}
	g.sent += n
	return n, nil
}

func (g *generated) Write(p []byte) (int, error) { return len(p), nil }
func (g *generated) Close() error                { return nil }

// BenchmarkReadUntilLargeOutput reads a 50 MB output (a large show config)
// and reports the bytes allocated per byte of output and the process's peak
// resident memory, which must stay well under three times the output.
func BenchmarkReadUntilLargeOutput(b *testing.B) {
	const size = 50 << 20
	for b.Loop() {
		ch := channel.New(&generated{size: size}, channel.Config{MaxOutput: -1})
		m, err := ch.ReadUntil(b.Context(), adminPrompt)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Output) < size*9/10 { // line ends lose their CR
			b.Fatalf("output is %d bytes, want about %d", len(m.Output), size)
		}
		ch.Close()
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
