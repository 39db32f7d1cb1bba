package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitExitStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, long, wantDesc, wantExit string
	}{
		{
			name:     "at the end",
			long:     "Runs it.\n\nEXIT STATUS\n  0  ran\n  2  usage error",
			wantDesc: "Runs it.", wantExit: "  0  ran\n  2  usage error",
		},
		{
			name:     "text after",
			long:     "Runs it.\n\nEXIT STATUS\n  0  ran\n     still 0\n\nMore text.",
			wantDesc: "Runs it.\n\nMore text.", wantExit: "  0  ran\n     still 0",
		},
		{name: "none", long: "Runs it.", wantDesc: "Runs it."},
	}
	for _, tt := range tests {
		desc, exit := splitExitStatus(tt.long)
		if diff := cmp.Diff(tt.wantDesc, desc); diff != "" {
			t.Errorf("%s: description mismatch (-want +got):\n%s", tt.name, diff)
		}
		if diff := cmp.Diff(tt.wantExit, exit); diff != "" {
			t.Errorf("%s: exit status mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestGenerate writes the pages and checks that every page whose help has
// exit statuses shows them as an EXIT STATUS section of its own, between
// OPTIONS and EXAMPLE.
func TestGenerate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rtxctl-show.1", "rtxctl-tunnel-on.1", "rtxctl-rollback.1", "rtxctl-status.1"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		if n := strings.Count(page, "EXIT STATUS"); n != 1 {
			t.Errorf("%s: EXIT STATUS %d times, want once", name, n)
		}
		exit, options, example := strings.Index(page, ".SH EXIT STATUS\n"), strings.Index(page, ".SH OPTIONS\n"), strings.Index(page, ".SH EXAMPLE\n")
		if exit < 0 || options > exit || example >= 0 && example < exit {
			t.Errorf("%s: EXIT STATUS section at %d, OPTIONS at %d, EXAMPLE at %d: want an own section after OPTIONS and before EXAMPLE", name, exit, options, example)
		}
		if !strings.Contains(page, "130 interrupted") {
			t.Errorf("%s: exit status 130 missing", name)
		}
	}
}
