package rtx_test

import (
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// BenchmarkRunWithLatency runs commands against a fake router that delays
// every response by latency. The metric latency-ratio is the elapsed time
// divided by (commands × latency): about 1.0 shows that Run waits for the
// prompt and for nothing else (no fixed sleeps, no quiet periods).
func BenchmarkRunWithLatency(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, tr := range transports {
		b.Run(tr, func(b *testing.B) {
			srv := rtxtest.NewServer(rtxtest.DefaultScenario())
			b.Cleanup(srv.Close)
			c := dial(b, clientConfig(b, srv, tr))
			srv.Router.SetFaults(rtxtest.Faults{ResponseDelay: latency})
			ctx := b.Context()
			start := time.Now()
			for b.Loop() {
				if _, err := c.Run(ctx, "show config | grep bgp"); err != nil {
					b.Fatal(err)
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(elapsed)/(float64(b.N)*float64(latency)), "latency-ratio")
		})
	}
}
