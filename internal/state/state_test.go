package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedNow is the clock of every test Store.
var fixedNow = time.Date(2026, 11, 25, 1, 30, 0, 123_000_000, time.UTC)

func newStore(t *testing.T) *Store {
	t.Helper()
	return &Store{Root: filepath.Join(t.TempDir(), "rtxctl"), Now: func() time.Time { return fixedNow }}
}

// checkMode fails the test unless path has the permission bits want.
func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %v, want %v", path, got, want)
	}
}

func TestDefaultRoot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, xdg, home, want string
		wantErr               error
	}{
		{name: "xdg", xdg: "/var/state", home: "/home/op", want: "/var/state/rtxctl"},
		{name: "no xdg", home: "/home/op", want: "/home/op/.local/state/rtxctl"},
		{name: "relative xdg ignored", xdg: "state", home: "/home/op", want: "/home/op/.local/state/rtxctl"},
		{name: "nothing", wantErr: ErrNoHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DefaultRoot(tt.xdg, tt.home)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("DefaultRoot(%q, %q) error = %v, want %v", tt.xdg, tt.home, err, tt.wantErr)
			}
			if diff := cmp.Diff(filepath.FromSlash(tt.want), got); diff != "" {
				t.Errorf("DefaultRoot(%q, %q) mismatch (-want +got):\n%s", tt.xdg, tt.home, diff)
			}
		})
	}
}

func TestDirName(t *testing.T) {
	t.Parallel()
	tests := []struct{ host, want string }{
		{"192.168.100.1", "192.168.100.1"},
		{"[::1]:2222", "[::1]_2222"},
		{"127.0.0.1:2222", "127.0.0.1_2222"},
		{"RTX-Tokyo_1", "rtx-tokyo_1"},
		{"../etc/passwd", "___etc_passwd"},
		{"..", "__"},
		{".hidden.host", "_hidden.host"},
		{`a b\c`, "a_b_c"},
		{"fe80::1%eth0", "fe80__1_eth0"},
		{"[fe80::1%eth0]:22", "[fe80::1_eth0]_22"},
		{"東京", "__"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, dirName(tt.host)); diff != "" {
				t.Errorf("dirName(%q) mismatch (-want +got):\n%s", tt.host, diff)
			}
		})
	}
}

func TestEnsureHostDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, host string
		wantDir    string
		wantErr    error
	}{
		{name: "address", host: "192.168.100.1", wantDir: "192.168.100.1"},
		{name: "address and port", host: "[::1]:2222", wantDir: "[::1]_2222"},
		{name: "empty host", host: "", wantErr: ErrNoHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := filepath.Join(t.TempDir(), "state", "rtxctl")
			dir, err := EnsureHostDir(root, tt.host)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("EnsureHostDir(%q) error = %v, want %v", tt.host, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if diff := cmp.Diff(filepath.Join(root, tt.wantDir), dir); diff != "" {
				t.Errorf("EnsureHostDir(%q) mismatch (-want +got):\n%s", tt.host, diff)
			}
			checkMode(t, dir, 0o700)
			checkMode(t, root, 0o700)
		})
	}
}

func TestLocalUser(t *testing.T) {
	t.Parallel()
	if LocalUser() == "" {
		t.Error("LocalUser() is empty")
	}
}
