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

// checkBigConfig runs `rtxctl show -- show config` (read "show") or
// `rtxctl status` (read "status", which reads the saved configuration)
// against a router whose configuration is about size bytes and checks that
// it read the whole of it with rtxctl's peak memory under
// bigConfigRSSLimit.
func checkBigConfig(t testing.TB, bin rtxctlBinary, size int, read string) binRun {
	t.Helper()
	a := startBigConfigRouter(t, size)
	var extra []string
	if read == "show" {
		extra = []string{"--", "show", "config"}
	}
	r := a.exec(t, bin, read, nil, append([]string{"--timeout", "60s", "--max-output", "128MiB"}, extra...)...)
	if r.code != 0 {
		t.Fatalf("rtxctl %s: exit status %d\n%s", read, r.code, r.stderr)
	}
	if got, want := strings.Count(r.stdout, "\n"), len(a.srv.Router.RunningConfig()); read == "show" && got < want {
		t.Errorf("rtxctl show -- show config printed %d lines, want at least %d", got, want)
	}
	if want := "saved:              yes"; read == "status" && !strings.Contains(r.stdout, want) {
		t.Errorf("rtxctl status does not say %q:\n%s", want, r.stdout)
	}
	if r.maxRSS > bigConfigRSSLimit {
		t.Errorf("rtxctl %s of a %d MB configuration: peak RSS %.1f MiB, want under %.0f MiB", read, size/1e6, mib(r.maxRSS), mib(bigConfigRSSLimit))
	}
	return r
}

// TestIssue8BigConfig reads a 10 MB configuration with the rtxctl binary
// under the memory limit of a 50 MB one (the fake takes long to print 50 MB
// under the race detector: BenchmarkIssue8BigConfig, in make bench, reads
// 50 MB, and with status too).
func TestIssue8BigConfig(t *testing.T) {
	t.Parallel()
	r := checkBigConfig(t, buildRtxctl(t), 10e6, "show")
	t.Logf("rtxctl show -- show config of 10 MB: %v, peak RSS %.1f MiB", r.took.Round(time.Millisecond), mib(r.maxRSS))
}

// BenchmarkIssue8BigConfig reads a 50 MB configuration with the rtxctl
// binary, with show and with status (issue 8: under 150 MB of memory), and
// reports its peak memory (peak-MiB) and how long it took (rtxctl-s).
func BenchmarkIssue8BigConfig(b *testing.B) {
	bin := buildRtxctl(b)
	for _, read := range []string{"show", "status"} {
		b.Run(read, func(b *testing.B) {
			for b.Loop() {
				r := checkBigConfig(b, bin, 50e6, read)
				b.ReportMetric(mib(r.maxRSS), "peak-MiB")
				b.ReportMetric(r.took.Seconds(), "rtxctl-s")
			}
		})
	}
}
