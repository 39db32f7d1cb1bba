// Package lock gives one rtxctl process at a time, machine-wide, the right to change a
// router. The lock is an flock(2)-style lock on <dir>/.locks/<NAME> ([state.LockPath]),
// NAME being the router's key (its model and serial, see [state.Store.Key]), so that
// every address reaching one router shares one lock, or, until a run knows which router
// its address reaches, the route's ([state.RouteLock]). Lock files never move: a waiting
// run never finds its lock file gone. The kernel drops a lock when the holding process exits, however
// it exits, so there are no stale locks. The file also records who holds the lock
// ([Holder]), for messages only: the file lock, not the file's content, is the truth.
package lock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/rtxctl/rtxctl/internal/state"
)

const (
	dirMode  = 0o700
	fileMode = 0o600
	// retryDelay is how often a waiting Acquire tries the lock again.
	retryDelay = 100 * time.Millisecond
)

// Holder describes the process that holds, or last held, a router's lock.
type Holder struct {
	// PID is the holder's process id; 0 = unknown.
	PID int `json:"pid"`
	// User is the operating-system user running the holder.
	User string `json:"user,omitempty"`
	// Hostname is the machine the holder runs on.
	Hostname string `json:"hostname,omitempty"`
	// Started is when the holder acquired the lock.
	Started time.Time `json:"started,omitzero"`
}

// String describes h for messages, e.g. "pid 4242 (alice@ws1) since
// 2026-11-25T01:30:00Z", or "an unknown process" when nothing is recorded.
func (h Holder) String() string {
	if h.PID == 0 {
		return "an unknown process"
	}
	return fmt.Sprintf("pid %d (%s@%s) since %s", h.PID, h.User, h.Hostname, h.Started.UTC().Format(time.RFC3339))
}

// HeldError is returned by [Acquire] when another process (or another [Acquire] in
// this one) keeps the lock for longer than the caller would wait. The CLI maps it
// to exit status 6.
type HeldError struct {
	// Host is the router as passed to Acquire.
	Host string
	// Holder is who holds the lock, as recorded in the lock file; zero if unknown.
	Holder Holder
	// Err is context.Canceled when the caller's context was cancelled (an
	// interrupt) before the lock was free; nil when the wait time or the
	// context's deadline elapsed, so that a lock held too long never reads as a
	// timeout talking to the router.
	Err error
}

// Error reports the router and the holder.
func (e *HeldError) Error() string {
	return fmt.Sprintf("router %s is locked by %s", e.Host, e.Holder)
}

// Unwrap returns Err, so errors.Is(err, context.Canceled) tells an interrupt apart.
func (e *HeldError) Unwrap() error {
	return e.Err
}

// Acquire takes the lock named host (a router's key or a route's lock name) under
// the state directory dir, creating its file ([state.LockPath], mode 0600,
// directories 0700) if needed, and records this
// process as its [Holder]. If the lock is held, Acquire calls onWait (if not nil)
// once, then keeps trying until the lock is free, wait has elapsed or ctx ends, and
// then returns a [*HeldError]. With wait <= 0 it does not wait and does not call
// onWait.
//
// The returned release function clears the holder record and unlocks; it is safe to
// call more than once and from any goroutine. The lock is also released when the
// process exits. Two Acquire calls in one process exclude each other like two
// processes do.
func Acquire(ctx context.Context, dir, host string, wait time.Duration, onWait func()) (release func() error, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lock %s: %w", host, err)
	}
	path, err := state.LockPath(dir, host)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", host, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return nil, fmt.Errorf("lock %s: %w", host, err)
	}
	fl := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR), flock.SetPermissions(fileMode))

	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", host, err)
	}
	if !ok {
		if wait <= 0 {
			return nil, held(ctx, host, path)
		}
		if onWait != nil {
			onWait()
		}
		waitCtx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		if ok, err = fl.TryLockContext(waitCtx, retryDelay); !ok {
			if waitCtx.Err() != nil {
				return nil, held(ctx, host, path)
			}
			return nil, fmt.Errorf("lock %s: %w", host, err)
		}
	}

	info, err := writeHolder(path)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("lock %s: %w", host, err), fl.Unlock())
	}
	var (
		once       sync.Once
		releaseErr error
	)
	return func() error {
		once.Do(func() {
			// Clear the record before unlocking, so that nobody reads it as the next
			// holder's; close the second descriptor only after unlocking, because on
			// file systems that emulate flock with fcntl locks closing any descriptor
			// drops the lock.
			releaseErr = errors.Join(info.Truncate(0), fl.Unlock(), info.Close())
			if releaseErr != nil {
				releaseErr = fmt.Errorf("unlock %s: %w", host, releaseErr)
			}
		})
		return releaseErr
	}, nil
}

// held builds the HeldError for host from the lock file at path.
func held(ctx context.Context, host, path string) *HeldError {
	// The record is informational: a holder that has not written it yet is unknown.
	h, _ := readHolder(path)
	e := &HeldError{Host: host, Holder: h}
	if errors.Is(ctx.Err(), context.Canceled) {
		e.Err = context.Canceled
	}
	return e
}

// writeHolder records this process in the lock file at path through a second
// descriptor, which it returns open.
func writeHolder(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, fileMode)
	if err != nil {
		return nil, err
	}
	hostname, _ := os.Hostname()
	h := Holder{PID: os.Getpid(), User: state.LocalUser(), Hostname: hostname, Started: time.Now().UTC()}
	if err := json.NewEncoder(f).Encode(h); err != nil {
		return nil, errors.Join(fmt.Errorf("write %s: %w", path, err), f.Close())
	}
	return f, nil
}

// ReadHolder returns the holder recorded for host's lock under dir, for example to
// name it in the onWait message of [Acquire]. A lock never taken, a free lock, or one
// whose holder has not yet recorded itself gives the zero Holder.
func ReadHolder(dir, host string) (Holder, error) {
	path, err := state.LockPath(dir, host)
	if err != nil {
		return Holder{}, fmt.Errorf("read lock holder of %s: %w", host, err)
	}
	h, err := readHolder(path)
	if err != nil {
		return Holder{}, fmt.Errorf("read lock holder of %s: %w", host, err)
	}
	return h, nil
}

func readHolder(path string) (Holder, error) {
	var h Holder
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil || len(data) == 0 {
		return h, err
	}
	err = json.Unmarshal(data, &h)
	return h, err
}
