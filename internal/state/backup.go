package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// backupStamp formats backup times: fixed width, so names sort by time.
const backupStamp = "20060102T150405.000Z"

// maxSameStamp bounds the suffixes tried when backups share a millisecond.
const maxSameStamp = 1000

// Backup writes showConfig, the full `show config` text of host, to
// <root>/<HOST>/config-<UTC time>.txt (e.g. config-20261125T013000.123Z.txt) with
// mode 0600 and returns the file's path. The file appears atomically, complete or not
// at all, and an existing backup is never replaced: a second backup within the same
// millisecond gets a "_2" (then "_3", …) suffix, which sorts after the first.
func (s *Store) Backup(host, showConfig string) (string, error) {
	dir, err := EnsureHostDir(s.Root, host)
	if err != nil {
		return "", fmt.Errorf("back up %s: %w", host, err)
	}
	tmp, err := writeTemp(dir, showConfig)
	if err != nil {
		return "", fmt.Errorf("back up %s: %w", host, err)
	}
	defer os.Remove(tmp)

	base := "config-" + s.now().Format(backupStamp)
	for n := 1; n <= maxSameStamp; n++ {
		name := base + ".txt"
		if n > 1 {
			name = fmt.Sprintf("%s_%d.txt", base, n)
		}
		path := filepath.Join(dir, name)
		// A hard link, unlike a rename, fails instead of replacing an existing file.
		err := os.Link(tmp, path)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("back up %s: %w", host, err)
		}
	}
	return "", fmt.Errorf("back up %s: %d backups named %s*: %w", host, maxSameStamp, base, fs.ErrExist)
}

// writeTemp writes data to a new hidden file in dir, flushed to disk, and returns its
// path. os.CreateTemp creates the file with mode 0600.
func writeTemp(dir, data string) (string, error) {
	f, err := os.CreateTemp(dir, ".config-*.tmp")
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	_, err = f.WriteString(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}
