package rtx

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// TestFloodAgainstFake: a router that answers a command with endless output
// and no prompt ends the session with an *OutputLimitError once the limit
// is passed, and with a timeout at the command's deadline when the limit is
// higher than what arrives in time.
func TestFloodAgainstFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		transport string
		max       int
		timeout   time.Duration
		wantLimit bool
	}{
		{"limit over ssh", "ssh", 1 << 20, time.Minute, true},
		{"limit over telnet", "telnet", 1 << 20, time.Minute, true},
		{"deadline over ssh", "ssh", 256 << 20, 300 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, func(sc *rtxtest.Scenario) {
				sc.Faults.Floods = []rtxtest.FloodFault{{Command: "show status bgp neighbor"}}
			})
			cfg := fakeConfig(t, srv, tt.transport)
			cfg.MaxOutput = tt.max
			c, err := Dial(ctx, cfg)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			t.Cleanup(func() { c.Close() })
			cmdCtx, cancel := context.WithTimeout(ctx, tt.timeout)
			defer cancel()
			start := time.Now()
			_, err = c.Run(cmdCtx, "show status bgp neighbor")
			took := time.Since(start)
			var le *channel.OutputLimitError
			if got := errors.As(err, &le); got != tt.wantLimit {
				t.Fatalf("Run error = %v, want an output limit error: %v", err, tt.wantLimit)
			}
			if !tt.wantLimit && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Run error = %v, want the deadline", err)
			}
			if took > tt.timeout+5*time.Second {
				t.Errorf("Run returned after %v, want within %v", took, tt.timeout+5*time.Second)
			}
		})
	}
}
