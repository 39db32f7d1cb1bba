package driver_test

import (
	"io"
	"strconv"
	"syscall"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// configDevice answers `show config` with size bytes of configuration lines
// and a prompt, in reads of up to 32 KiB, without holding them in memory.
type configDevice struct {
	size, sent int
	asked      chan struct{} // closed by the command
	done       bool
}

func (c *configDevice) Read(p []byte) (int, error) {
	<-c.asked
	switch {
	case c.done:
		return 0, io.EOF
	case c.sent == 0:
		c.sent = 1
		return copy(p, "show config\r\n"), nil
	case c.sent >= c.size:
		c.done = true
		return copy(p, "\r\n# "), nil
	}
	n := 0
	for n+64 <= len(p) && c.sent < c.size {
		line := strconv.AppendInt(append(p[n:n], "ip filter "...), int64(c.sent), 10)
		k := len(append(line, " pass * * tcp * www\r\n"...))
		n += k
		c.sent += k
	}
	return n, nil
}

func (c *configDevice) Write(p []byte) (int, error) {
	close(c.asked)
	return len(p), nil
}

func (c *configDevice) Close() error { return nil }

// BenchmarkRunLargeShowConfig runs `show config` on a 50 MB configuration
// and reports the process's peak resident memory; run it alone
// (-benchtime 1x) for a meaningful peak.
func BenchmarkRunLargeShowConfig(b *testing.B) {
	const size = 50 << 20
	for b.Loop() {
		dev := &configDevice{size: size, asked: make(chan struct{})}
		ch := channel.New(dev, channel.Config{MaxOutput: -1})
		d, err := driver.New(ch, platform(200), "admin", nil)
		if err != nil {
			b.Fatal(err)
		}
		out, err := d.Run(b.Context(), "show config")
		if err != nil {
			b.Fatal(err)
		}
		if len(out) < size*9/10 {
			b.Fatalf("output is %d bytes, want about %d", len(out), size)
		}
		ch.Close()
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
