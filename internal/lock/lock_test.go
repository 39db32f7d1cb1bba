package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rtxctl/rtxctl/internal/state"
)

const (
	host = "192.168.100.1"
	// childEnv makes the test binary hold the lock of host under the directory it
	// names until its stdin closes (see TestMain).
	childEnv = "RTXCTL_LOCK_TEST_CHILD_DIR"
	// long is a wait that a passing test never reaches.
	long = time.Minute
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(holdLock(dir))
	}
	os.Exit(m.Run())
}

// holdLock is the child process of TestCrossProcess: it takes the lock, says
// "locked" on stdout, and releases the lock when stdin is closed.
func holdLock(dir string) int {
	release, err := Acquire(context.Background(), dir, host, 0, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	if err := release(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// mustAcquire takes the lock of h under dir and releases it at the end of the test.
func mustAcquire(t *testing.T, dir, h string) func() error {
	t.Helper()
	release, err := Acquire(t.Context(), dir, h, 0, nil)
	if err != nil {
		t.Fatalf("Acquire(%q) error = %v", h, err)
	}
	t.Cleanup(func() {
		if err := release(); err != nil {
			t.Errorf("release() error = %v", err)
		}
	})
	return release
}

// checkMode fails the test unless path has the permission bits want.
func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %v, want %v", path, got, want)
	}
}

func TestAcquireRecordsHolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "rtxctl")
	release := mustAcquire(t, dir, host)

	locks := filepath.Join(dir, ".locks")
	checkMode(t, filepath.Join(locks, host), 0o600)
	checkMode(t, locks, 0o700)
	got, err := ReadHolder(dir, host)
	if err != nil {
		t.Fatalf("ReadHolder() error = %v", err)
	}
	hostname, _ := os.Hostname()
	want := Holder{PID: os.Getpid(), User: state.LocalUser(), Hostname: hostname}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Holder{}, "Started")); diff != "" {
		t.Errorf("ReadHolder() mismatch (-want +got):\n%s", diff)
	}
	if got.Started.IsZero() {
		t.Error("ReadHolder().Started is zero")
	}

	for i := range 2 {
		if err := release(); err != nil {
			t.Errorf("release() call %d error = %v", i+1, err)
		}
	}
	got, err = ReadHolder(dir, host)
	if err != nil || got != (Holder{}) {
		t.Errorf("ReadHolder() after release = %+v, %v, want zero Holder", got, err)
	}
}

func TestReadHolderNeverLocked(t *testing.T) {
	t.Parallel()
	got, err := ReadHolder(t.TempDir(), host)
	if err != nil || got != (Holder{}) {
		t.Errorf("ReadHolder() = %+v, %v, want zero Holder", got, err)
	}
}

func TestAcquireWhileHeld(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		wait       time.Duration
		cancel     bool // cancel the context from onWait
		deadline   bool // give the context a deadline shorter than the wait
		wantWaited int32
		wantErr    error // besides *HeldError
	}{
		{name: "no wait", wait: 0, wantWaited: 0},
		{name: "wait elapses", wait: 3 * retryDelay, wantWaited: 1},
		{name: "context canceled", wait: long, cancel: true, wantWaited: 1, wantErr: context.Canceled},
		{name: "context deadline", wait: long, deadline: true, wantWaited: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			mustAcquire(t, dir, host)

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.deadline {
				ctx, cancel = context.WithTimeout(ctx, 3*retryDelay)
				defer cancel()
			}
			var waited atomic.Int32
			onWait := func() {
				waited.Add(1)
				if tt.cancel {
					cancel()
				}
			}
			release, err := Acquire(ctx, dir, host, tt.wait, onWait)
			if err == nil {
				release()
				t.Fatal("Acquire() of a held lock succeeded")
			}
			var held *HeldError
			if !errors.As(err, &held) {
				t.Fatalf("Acquire() error = %v, want *HeldError", err)
			}
			if diff := cmp.Diff(HeldError{Host: host, Holder: Holder{PID: os.Getpid()}, Err: tt.wantErr}, *held,
				cmpopts.IgnoreFields(Holder{}, "User", "Hostname", "Started"), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("Acquire() HeldError mismatch (-want +got):\n%s", diff)
			}
			if tt.wantErr == nil && errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Acquire() error %v is context.DeadlineExceeded; want only *HeldError", err)
			}
			if got := waited.Load(); got != tt.wantWaited {
				t.Errorf("onWait called %d times, want %d", got, tt.wantWaited)
			}
		})
	}
}

func TestAcquireWaitsForRelease(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	releaseFirst := mustAcquire(t, dir, host)

	var waited atomic.Int32
	onWait := func() {
		// The second Acquire is now waiting: free the lock for it.
		waited.Add(1)
		if err := releaseFirst(); err != nil {
			t.Errorf("release() error = %v", err)
		}
	}
	release, err := Acquire(t.Context(), dir, host, long, onWait)
	if err != nil {
		t.Fatalf("Acquire() after release error = %v", err)
	}
	defer release()
	if got := waited.Load(); got != 1 {
		t.Errorf("onWait called %d times, want 1", got)
	}
}

func TestAcquireSeparateHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, first, second string
		wantHeld            bool
	}{
		{name: "other router", first: host, second: "[::1]:2222", wantHeld: false},
		{name: "same router", first: "rtx-tokyo", second: "rtx-tokyo", wantHeld: true},
		{name: "name case differs", first: "RTX-Tokyo", second: "rtx-tokyo", wantHeld: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			mustAcquire(t, dir, tt.first)
			release, err := Acquire(t.Context(), dir, tt.second, 0, nil)
			var held *HeldError
			if gotHeld := errors.As(err, &held); gotHeld != tt.wantHeld {
				t.Errorf("Acquire(%q) while %q is locked: error = %v, want held %t", tt.second, tt.first, err, tt.wantHeld)
			}
			if err == nil {
				release()
			}
		})
	}
}

func TestAcquireErrors(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		host    string
		wantErr error
	}{
		{name: "canceled context", ctx: canceled, host: host, wantErr: context.Canceled},
		{name: "empty host", ctx: t.Context(), host: "", wantErr: state.ErrNoHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Acquire(tt.ctx, t.TempDir(), tt.host, 0, nil)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Acquire() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestHeldErrorMessage(t *testing.T) {
	t.Parallel()
	started := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		err  *HeldError
		want string
	}{
		{
			name: "known holder",
			err:  &HeldError{Host: host, Holder: Holder{PID: 4242, User: "alice", Hostname: "ws1", Started: started}},
			want: "router 192.168.100.1 is locked by pid 4242 (alice@ws1) since 2026-11-25T01:30:00Z",
		},
		{
			name: "unknown holder",
			err:  &HeldError{Host: host},
			want: "router 192.168.100.1 is locked by an unknown process",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
				t.Errorf("Error() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCrossProcess runs this test binary as a child process that holds the lock and
// checks that the parent is excluded until the child lets go.
func TestCrossProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("child process: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("child process said %q, %v; want \"locked\"", line, err)
	}

	_, err = Acquire(t.Context(), dir, host, retryDelay, nil)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire() while the child holds the lock: error = %v, want *HeldError", err)
	}
	if held.Holder.PID != cmd.Process.Pid {
		t.Errorf("HeldError.Holder.PID = %d, want the child's %d", held.Holder.PID, cmd.Process.Pid)
	}

	// Closing stdin makes the child release the lock; a waiting Acquire then gets it.
	var waited atomic.Int32
	release, err := Acquire(t.Context(), dir, host, long, func() {
		waited.Add(1)
		stdin.Close()
	})
	if err != nil {
		t.Fatalf("Acquire() after the child let go: error = %v", err)
	}
	if err := release(); err != nil {
		t.Errorf("release() error = %v", err)
	}
	if got := waited.Load(); got != 1 {
		t.Errorf("onWait called %d times, want 1", got)
	}
}
