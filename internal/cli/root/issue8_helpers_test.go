//go:build linux

package root

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rtxctlBinary is the rtxctl binary built for a test, and the program that
// measures its memory (testdata/maxrss).
type rtxctlBinary struct {
	rtxctl, maxrss string
}

// buildRtxctl builds the rtxctl binary, without the race detector, and
// testdata/maxrss into a temporary directory of t: the memory a test
// measures is then the memory an operator's rtxctl uses.
func buildRtxctl(t testing.TB) rtxctlBinary {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build rtxctl: %v", err)
	}
	dir := t.TempDir()
	b := rtxctlBinary{rtxctl: filepath.Join(dir, "rtxctl"), maxrss: filepath.Join(dir, "maxrss")}
	for _, p := range []struct{ out, pkg string }{{b.rtxctl, "./cmd/rtxctl"}, {b.maxrss, "./internal/cli/root/testdata/maxrss"}} {
		cmd := exec.CommandContext(t.Context(), goTool, "build", "-o", p.out, p.pkg)
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", p.pkg, err, out)
		}
	}
	return b
}

// binRun is how one run of the rtxctl binary ended.
type binRun struct {
	code           int
	stdout, stderr string
	took           time.Duration
	maxRSS         int64 // peak resident set size in bytes, from rtxctl's rusage
}

// binLimit bounds one run of the binary, so that a run that never ends
// fails the test instead of hanging it.
const binLimit = 2 * time.Minute

// exec runs bin's rtxctl with verb (such as "tunnel on") followed by the
// connection flags and extra, in a's environment plus env ("NAME=value"),
// and returns how it ended.
func (a *acceptanceRouter) exec(t testing.TB, bin rtxctlBinary, verb string, env []string, extra ...string) binRun {
	t.Helper()
	args := append(strings.Fields(verb), a.conn...)
	args = append(args, extra...)
	ctx, cancel := context.WithTimeout(t.Context(), binLimit)
	defer cancel()
	rss := filepath.Join(t.TempDir(), "maxrss")
	cmd := exec.CommandContext(ctx, bin.maxrss, append([]string{rss, bin.rtxctl}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
	for k, v := range a.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := binRun{took: time.Since(start), stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("rtxctl %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("rtxctl %s still running after %v\nstderr:\n%s", strings.Join(args, " "), binLimit, &stderr)
	}
	b, err := os.ReadFile(rss)
	if err != nil {
		t.Fatalf("rtxctl %s: peak memory not measured: %v\nstderr:\n%s", strings.Join(args, " "), err, &stderr)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	r.maxRSS = kib << 10 // KiB on Linux
	return r
}

// mib formats n bytes in MiB for test messages.
func mib(n int64) float64 { return float64(n) / (1 << 20) }
