package progress

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStatusAndNote checks the counts line of a run over several routers:
// redrawn in place on a terminal, a finished router's line written above
// it, nothing at all off a terminal or with -q or -v.
func TestStatusAndNote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"terminal", Options{TTY: true}, "0/2 done\r\x1b[2Krtx01: ok\n1/2 done\r\x1b[2K"},
		{"not a terminal", Options{}, ""},
		{"quiet", Options{TTY: true, Quiet: true}, ""},
		{"verbose", Options{TTY: true, Verbose: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w bytes.Buffer
			r := New(&w, tt.opts)
			r.Status("0/2 done")
			r.Note("rtx01: ok")
			r.Status("1/2 done")
			r.Clear()
			if diff := cmp.Diff(tt.want, w.String()); diff != "" {
				t.Errorf("drawn mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
