package rtx_test

import (
	"bytes"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateTranscript = flag.Bool("update-transcript", false, "rewrite the session transcripts in testdata/TestTranscript")

// TestTranscript records a whole session (login, administrator, read,
// change, save, logout) over each transport and compares it with a golden
// transcript: the exact lines sent and received, passwords redacted.
func TestTranscript(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, nil)
			cfg := clientConfig(t, srv, tr)
			var buf, logs bytes.Buffer
			cfg.Transcript = &buf
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := dial(t, cfg)
			mustAdmin(t, c)
			mustRun(t, c, "show config | grep bgp")
			mustRun(t, c, forcedFilter)
			if err := c.Save(testContext(t)); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			got := buf.String()
			for _, secret := range []string{loginPassword, adminPassword} {
				if strings.Contains(got, secret) || strings.Contains(logs.String(), secret) {
					t.Errorf("transcript or debug log reveals %q", secret)
				}
			}
			if !strings.Contains(logs.String(), "privilege level changed") {
				t.Errorf("debug log lacks the privilege change:\n%s", logs.String())
			}
			path := filepath.Join("testdata", "TestTranscript", tr+".golden")
			if *updateTranscript {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden transcript (run with -update-transcript to create it): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("transcript mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
