//go:build linux

package root

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/fakertx"
	"github.com/rtxctl/rtxctl/internal/iostreams"
)

// fleetBenchRouters is the largest fleet of BenchmarkFleet.
const fleetBenchRouters = 500

// fleetBenchWaves bounds a case of BenchmarkFleet: a command is run on n
// routers at --parallel p only when n/p (the rounds of sessions) is at most
// this, so that the 500-router cases take a few minutes on 2 cores.
var fleetBenchWaves = map[string]int{"status": 50, "tunnel on": 5}

// BenchmarkFleet runs `status` and `tunnel on` over 1, 10, 100 and 500
// fake routers answering every console command after 20 ms, at --parallel
// 1, 10 and 100 (cases of more than fleetBenchWaves rounds left out), and
// reports each run's time as a ratio to the one-router run of the same
// command, the peak memory of the rtxctl process and per concurrent
// session, and the goroutines and descriptors left after an in-process run
// of 100 routers. It runs once whatever -benchtime says (make bench).
func BenchmarkFleet(b *testing.B) {
	bin := buildRtxctl(b)
	dir := b.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan int)
	go func() {
		stopped <- fakertx.Run(ctx, []string{"--routers", fmt.Sprint(fleetBenchRouters), "--slow", fmt.Sprint(fleetBenchRouters),
			"--slow-delay", "20ms", "--fleet-dir", dir, "--ready-file", filepath.Join(dir, "ready")}, io.Discard, io.Discard)
	}()
	b.Cleanup(func() { cancel(); <-stopped })
	waitReady(b, filepath.Join(dir, "ready"))
	fleet := &acceptanceRouter{
		env:  map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state")},
		conn: []string{"--config", filepath.Join(dir, "config.yaml")},
	}
	names := make([]string, fleetBenchRouters)
	for i := range names {
		names[i] = fmt.Sprintf("rtx%03d", i+1)
	}

	for _, verb := range []string{"status", "tunnel on"} {
		var base time.Duration
		for _, n := range []int{1, 10, 100, 500} {
			for _, p := range []int{1, 10, 100} {
				if p > n && p != 1 || n/p > fleetBenchWaves[verb] {
					continue
				}
				if verb == "tunnel on" {
					reset := fleet.exec(b, bin, "tunnel off", nil, slices.Concat(names[:n], []string{"--parallel", "100", "-q"})...)
					if reset.code != 0 {
						b.Fatalf("tunnel off: exit %d\n%s", reset.code, reset.stdout)
					}
				}
				r := fleet.exec(b, bin, verb, nil, slices.Concat(names[:n], []string{"--parallel", fmt.Sprint(p)})...)
				if r.code != 0 {
					b.Fatalf("%s on %d routers: exit %d\n%s%s", verb, n, r.code, r.stdout, r.stderr)
				}
				if base == 0 {
					base = r.took
				}
				b.Logf("%-9s routers=%3d parallel=%3d  %6.2fs  %5.1fx one router  peak RSS %5.1f MiB",
					verb, n, p, r.took.Seconds(), float64(r.took)/float64(base), mib(r.maxRSS))
				b.ReportMetric(r.took.Seconds(), fmt.Sprintf("s/%s-%d-p%d", strings.ReplaceAll(verb, " ", "-"), n, p))
				if n == 500 && p == 100 {
					one := fleet.exec(b, bin, verb, nil, names[0])
					b.Logf("%-9s peak RSS per concurrent session: %.2f MiB ((%.1f - %.1f MiB) / 100)",
						verb, mib(r.maxRSS-one.maxRSS)/100, mib(r.maxRSS), mib(one.maxRSS))
				}
			}
		}
	}
	checkFleetLeaks(b, dir, names[:100])
}

// waitReady waits for the ready file of a fake fleet.
func waitReady(b *testing.B, path string) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("fake fleet not ready after a minute")
		}
		time.Sleep(20 * time.Millisecond) // polling a file the fake writes
	}
}

// checkFleetLeaks runs `status` over names at --parallel 100 in this
// process and reports the goroutines and descriptors left afterwards.
func checkFleetLeaks(b *testing.B, dir string, names []string) {
	b.Helper()
	goroutines, fds := runtime.NumGoroutine(), openFDs(b)
	f := cli.NewFactory()
	ios, _, _, _ := iostreams.Test()
	f.IO = ios
	f.LookupEnv = func(k string) (string, bool) {
		if k == "XDG_STATE_HOME" {
			return filepath.Join(dir, "state"), true
		}
		return "", false
	}
	args := slices.Concat([]string{"--config", filepath.Join(dir, "config.yaml"), "status", "--parallel", "100"}, names)
	if code := Execute(context.Background(), ios, NewCmdRoot(f), args); code != 0 {
		b.Fatalf("in-process status: exit %d", code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the fake's sessions end after the client's
	}
	b.Logf("after status over %d routers in process: goroutines %d (before %d), descriptors %d (before %d)",
		len(names), runtime.NumGoroutine(), goroutines, openFDs(b), fds)
	if n := runtime.NumGoroutine(); n > goroutines {
		b.Errorf("goroutines: %d before the run, %d after", goroutines, n)
	}
	if n := openFDs(b); n > fds {
		b.Errorf("descriptors: %d before the run, %d after", fds, n)
	}
}

// openFDs counts this process's open descriptors.
func openFDs(b *testing.B) int {
	b.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		b.Fatal(err)
	}
	return len(entries)
}
