package build

import (
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	embedded := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Version: "v0.1.0"},
		Settings:  []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abc"}},
	}
	tests := []struct {
		name            string
		version, commit string
		bi              *debug.BuildInfo
		want            Info
	}{
		{"linker values win", "v9.9.9", "fff", embedded, Info{Version: "v9.9.9", Commit: "fff", GoVersion: "go1.26.0"}},
		{"embedded values", "", "", embedded, Info{Version: "v0.1.0", Commit: "0123abc", GoVersion: "go1.26.0"}},
		{"nothing known", "", "", nil, Info{Version: "(devel)", Commit: "unknown", GoVersion: "unknown"}},
		{"empty build info", "", "", &debug.BuildInfo{GoVersion: "go1.26.0"}, Info{Version: "(devel)", Commit: "unknown", GoVersion: "go1.26.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := fromBuildInfo(tt.version, tt.commit, tt.bi)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fromBuildInfo(%q, %q) mismatch (-want +got):\n%s", tt.version, tt.commit, diff)
			}
		})
	}
}
