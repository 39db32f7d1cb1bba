package root

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel"
)

// TestHintFlood: a router that flooded rtxctl gets advice about the output
// limit and the deadline, not about the address.
func TestHintFlood(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			name: "output limit",
			err:  fmt.Errorf("run %q: %w", "show config", &channel.OutputLimitError{Limit: 16 << 20}),
			want: "if the command's output really is that long, raise --max-output",
		},
		{
			name: "deadline while sending",
			err:  fmt.Errorf("run %q: %w", "show config", &channel.TimeoutError{Err: context.DeadlineExceeded, Sending: true}),
			want: "the router kept sending without a prompt; if the output really is that long, raise --timeout (and --max-output)",
		},
		{
			name: "deadline in silence",
			err:  fmt.Errorf("run %q: %w", "show config", &channel.TimeoutError{Err: context.DeadlineExceeded}),
			want: "the router did not answer in time; check the address or raise --timeout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, hint(tt.err, nil)); diff != "" {
				t.Errorf("hint(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}
