package state

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sampleConfig = "# RTX1210 Rev.14.01.42 (Fri Jan 15 10:22:51 2021)\r\n" +
	"bgp use on\r\nbgp autonomous-system 65000\r\nbgp import filter 1 equal 10.0.0.0/16\r\n"

func TestBackup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		configs   []string
		wantNames []string
	}{
		{
			name:      "one",
			configs:   []string{sampleConfig},
			wantNames: []string{"config-20261125T013000.123Z.txt"},
		},
		{
			name:    "same millisecond",
			configs: []string{sampleConfig, "second\n", "third\n"},
			wantNames: []string{
				"config-20261125T013000.123Z.txt",
				"config-20261125T013000.123Z_2.txt",
				"config-20261125T013000.123Z_3.txt",
			},
		},
		{
			name:      "empty config",
			configs:   []string{""},
			wantNames: []string{"config-20261125T013000.123Z.txt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			var gotNames []string
			for _, cfg := range tt.configs {
				path, err := s.Backup("192.168.100.1", cfg)
				if err != nil {
					t.Fatalf("Backup() error = %v", err)
				}
				gotNames = append(gotNames, filepath.Base(path))
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(cfg, string(data)); diff != "" {
					t.Errorf("backup %s content mismatch (-want +got):\n%s", path, diff)
				}
				checkMode(t, path, 0o600)
				checkMode(t, filepath.Dir(path), 0o700)
			}
			if diff := cmp.Diff(tt.wantNames, gotNames); diff != "" {
				t.Errorf("backup names mismatch (-want +got):\n%s", diff)
			}
			if !slices.IsSorted(gotNames) {
				t.Errorf("backup names %q do not sort in creation order", gotNames)
			}
			// Only the backups remain: no temporary files.
			files, err := os.ReadDir(filepath.Join(s.Root, "192.168.100.1"))
			if err != nil {
				t.Fatal(err)
			}
			var onDisk []string
			for _, f := range files {
				onDisk = append(onDisk, f.Name())
			}
			if diff := cmp.Diff(tt.wantNames, onDisk); diff != "" {
				t.Errorf("files in host directory mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBackupNoHost(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	if _, err := s.Backup("", sampleConfig); !errors.Is(err, ErrNoHost) {
		t.Errorf("Backup(\"\") error = %v, want %v", err, ErrNoHost)
	}
}
