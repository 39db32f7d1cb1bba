// Package logfile writes rtxctl's log file: one timestamped line per record,
// appended to $XDG_STATE_HOME/rtxctl/rtxctl.log (or the file given with
// --log-file), so that runs from cron leave a trace without printing.
package logfile

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// Name is the log file's name in the state directory.
const Name = "rtxctl.log"

// DefaultPath returns the log file in the state directory stateDir.
func DefaultPath(stateDir string) string {
	return filepath.Join(stateDir, Name)
}

// Open opens path for appending (creating it and its directory, modes 0600
// and 0700) and returns a logger writing records at level and above as
// lines `time=... level=... msg=... key=value ...`. Several processes may
// append to one file: each record is one write. The caller must call close.
func Open(path string, level slog.Level) (logger *slog.Logger, close func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	h := slog.NewTextHandler(f, &slog.HandlerOptions{Level: level})
	return slog.New(h), f.Close, nil
}
