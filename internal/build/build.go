// Package build reports the version of the running rtxctl binary.
//
// Release builds set Version and Commit with the linker:
//
//	go build -ldflags "-X github.com/rtxctl/rtxctl/internal/build.Version=v1.2.3 -X github.com/rtxctl/rtxctl/internal/build.Commit=abc1234" ./cmd/rtxctl
//
// Otherwise they are taken from the module and VCS information that the Go
// toolchain embeds in the binary.
package build

import "runtime/debug"

// Version is the release version, e.g. "v1.2.3"; empty means "take it from
// the embedded build information".
var Version string

// Commit is the VCS revision the binary was built from; empty means "take it
// from the embedded build information".
var Commit string

// Info describes a binary: its version, the commit it was built from and the
// Go toolchain that built it.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
}

// Current returns the Info of the running binary: the linker-set Version and
// Commit when present, else the values recorded by the Go toolchain, else
// "(devel)" and "unknown".
func Current() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(Version, Commit, bi)
}

func fromBuildInfo(version, commit string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Commit: commit, GoVersion: "unknown"}
	if bi != nil {
		info.GoVersion = bi.GoVersion
		if info.Version == "" && bi.Main.Version != "" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && info.Commit == "" {
				info.Commit = s.Value
			}
		}
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}
