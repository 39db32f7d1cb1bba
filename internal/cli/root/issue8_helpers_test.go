//go:build linux

package root

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildRtxctl builds the rtxctl binary, without the race detector, into a
// temporary directory of t and returns its path: the memory a test measures
// is then the memory an operator's rtxctl uses.
func buildRtxctl(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build rtxctl: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "rtxctl")
	cmd := exec.CommandContext(t.Context(), goTool, "build", "-o", bin, "./cmd/rtxctl")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/rtxctl: %v\n%s", err, out)
	}
	return bin
}

// binRun is how one run of the rtxctl binary ended.
type binRun struct {
	code           int
	stdout, stderr string
	took           time.Duration
	maxRSS         int64 // peak resident set size in bytes (the child's rusage)
}

// binLimit bounds one run of the binary, so that a run that never ends
// fails the test instead of hanging it.
const binLimit = 2 * time.Minute

// exec runs the binary bin with verb (such as "tunnel on") followed by the
// connection flags and extra, in a's environment plus env ("NAME=value"),
// and returns how it ended.
func (a *acceptanceRouter) exec(t *testing.T, bin, verb string, env []string, extra ...string) binRun {
	t.Helper()
	args := append(strings.Fields(verb), a.conn...)
	args = append(args, extra...)
	ctx, cancel := context.WithTimeout(t.Context(), binLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
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
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) << 10 // KiB on Linux
	}
	return r
}

// mib formats n bytes in MiB for test messages.
func mib(n int64) float64 { return float64(n) / (1 << 20) }
