package logfile

import (
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		level slog.Level
		want  []string
	}{
		{name: "info", level: slog.LevelInfo, want: []string{`level=INFO msg=confirmed host=127.0.0.1`}},
		{name: "debug", level: slog.LevelDebug, want: []string{`level=DEBUG msg=detail`, `level=INFO msg=confirmed host=127.0.0.1`}},
	}
	stamp := regexp.MustCompile(`^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := DefaultPath(filepath.Join(t.TempDir(), "state"))
			for range 2 {
				logger, closeLog, err := Open(path, tt.level)
				if err != nil {
					t.Fatal(err)
				}
				logger.Debug("detail")
				logger.Info("confirmed", "host", "127.0.0.1")
				if err := closeLog(); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(lines) != 2*len(tt.want) {
				t.Fatalf("log has %d lines, want %d:\n%s", len(lines), 2*len(tt.want), data)
			}
			for i, l := range lines {
				if !stamp.MatchString(l) || !strings.Contains(l, tt.want[i%len(tt.want)]) {
					t.Errorf("line %d = %q, want a timestamp and %q", i, l, tt.want[i%len(tt.want)])
				}
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode = %v, want 0600", st.Mode().Perm())
			}
		})
	}
}
