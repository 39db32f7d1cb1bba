package progress

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestWaiting checks a wait shown reading by reading: the status line
// redrawn and erased on a terminal, with -v a line only when what is
// missing changes, with --debug one per reading, nothing off a terminal
// or with -q; the next wait starts afresh.
func TestWaiting(t *testing.T) {
	t.Parallel()
	const (
		learn  = "waiting for Azure to learn the default route: the gateway has not learned it yet"
		follow = "waiting for Azure to learn the default route: 1 NIC does not send it to the gateway yet"
		done   = "Azure has learned the default route after 30s"
		stamp  = "2026-12-06T15:04:05Z "
	)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"terminal", Options{TTY: true},
			learn + " … 0s of 2m0s" + erase + learn + " … 10s of 2m0s" + erase + follow + " … 20s of 2m0s" + erase +
				learn + " … 0s of 2m0s" + erase},
		{"terminal too narrow", Options{TTY: true, Width: 21},
			learn[:20] + erase + learn[:20] + erase + follow[:20] + erase + learn[:20] + erase},
		{"verbose", Options{Verbose: true},
			stamp + learn + " (0s of 2m0s)\n" + stamp + follow + " (20s of 2m0s)\n" + stamp + done + "\n" +
				stamp + learn + " (0s of 2m0s)\n" + stamp + done + "\n"},
		{"debug", Options{Debug: true},
			stamp + learn + " (0s of 2m0s)\n" + stamp + learn + " (10s of 2m0s)\n" + stamp + follow + " (20s of 2m0s)\n" +
				stamp + done + "\n" + stamp + learn + " (0s of 2m0s)\n" + stamp + done + "\n"},
		{"not a terminal", Options{}, ""},
		{"quiet", Options{TTY: true, Quiet: true, Verbose: true, Debug: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w bytes.Buffer
			tt.opts.Now = func() time.Time { return clock }
			r := New(&w, tt.opts)
			r.Waiting(learn, 0, 2*time.Minute)
			r.Waiting(learn, 10*time.Second, 2*time.Minute)
			r.Waiting(follow, 20*time.Second, 2*time.Minute)
			r.Finish(done)
			// A second wait shows its first reading again.
			r.Waiting(learn, 0, 2*time.Minute)
			r.Finish(done)
			if diff := cmp.Diff(tt.want, w.String()); diff != "" {
				t.Errorf("shown mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
