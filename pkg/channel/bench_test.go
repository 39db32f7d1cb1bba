package channel_test

import (
	"fmt"
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
