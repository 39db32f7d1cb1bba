//go:build linux

package root

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// bigConfigRSSLimit is the most memory rtxctl may use to read a 50 MB
// configuration (issue 8).
const bigConfigRSSLimit = 150 << 20

// startBigConfigRouter starts the article's router with its configuration
// grown to about size bytes by IP filter lines, at `console lines
// infinity` (the fake pages a long output slowly otherwise).
func startBigConfigRouter(t testing.TB, size int) *acceptanceRouter {
	t.Helper()
	return startAcceptanceRouter(t, "ssh", "en", func(sc *rtxtest.Scenario) {
		var b strings.Builder
		b.Grow(size + len(sc.SavedConfig))
		b.WriteString(sc.SavedConfig)
		for i := 1; b.Len() < size; i++ {
			fmt.Fprintf(&b, "ip filter %d pass 10.%d.%d.0/24 192.168.100.0/24 tcp * %d\n", 100000+i, i>>16&255, i>>8&255, 1024+i%60000)
		}
		sc.SavedConfig = b.String()
		sc.Lines = "infinity"
		sc.Columns = 200
	})
}

// checkBigConfig runs `rtxctl show -- show config` against a router whose
// configuration is about size bytes and checks that the whole of it is
// printed with rtxctl's peak memory under bigConfigRSSLimit.
func checkBigConfig(t testing.TB, bin rtxctlBinary, size int) binRun {
	t.Helper()
	a := startBigConfigRouter(t, size)
	r := a.exec(t, bin, "show", nil, "--timeout", "60s", "--max-output", "128MiB", "--", "show", "config")
	if r.code != 0 {
		t.Fatalf("rtxctl show -- show config: exit status %d\n%s", r.code, r.stderr)
	}
	if got, want := strings.Count(r.stdout, "\n"), len(a.srv.Router.RunningConfig()); got < want {
		t.Errorf("rtxctl show -- show config printed %d lines, want at least %d", got, want)
	}
	if r.maxRSS > bigConfigRSSLimit {
		t.Errorf("rtxctl show -- show config of %d MB: peak RSS %.1f MiB, want under %.0f MiB", size/1e6, mib(r.maxRSS), mib(bigConfigRSSLimit))
	}
	return r
}

// TestIssue8BigConfig reads a 10 MB configuration with the rtxctl binary
// under the memory limit of a 50 MB one (the fake takes long to print 50 MB
// under the race detector: BenchmarkIssue8BigConfig, in make bench, reads
// 50 MB).
func TestIssue8BigConfig(t *testing.T) {
	t.Parallel()
	r := checkBigConfig(t, buildRtxctl(t), 10e6)
	t.Logf("rtxctl show -- show config of 10 MB: %v, peak RSS %.1f MiB", r.took.Round(time.Millisecond), mib(r.maxRSS))
}

// BenchmarkIssue8BigConfig reads a 50 MB configuration with the rtxctl
// binary (issue 8: under 150 MB of memory) and reports its peak memory
// (peak-MiB) and how long it took (rtxctl-s).
func BenchmarkIssue8BigConfig(b *testing.B) {
	bin := buildRtxctl(b)
	for b.Loop() {
		r := checkBigConfig(b, bin, 50e6)
		b.ReportMetric(mib(r.maxRSS), "peak-MiB")
		b.ReportMetric(r.took.Seconds(), "rtxctl-s")
	}
}
