package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/lock"
	"github.com/rtxctl/rtxctl/internal/state"
)

// DefaultLockWait is how long a mutating command waits for another rtxctl
// changing the same router (--lock-wait).
const DefaultLockWait = 30 * time.Second

// StateDir returns rtxctl's state directory (backups, journals, locks and
// the log file): $XDG_STATE_HOME/rtxctl, else ~/.local/state/rtxctl. The
// error is a *[FlagError].
func (f *Factory) StateDir() (string, error) {
	var xdg string
	if f.LookupEnv != nil {
		xdg, _ = f.LookupEnv("XDG_STATE_HOME")
	}
	home, _ := os.UserHomeDir()
	dir, err := state.DefaultRoot(xdg, home)
	if err != nil {
		return "", FlagErrorf("no state directory for backups and the journal: set XDG_STATE_HOME or HOME: %w", err)
	}
	return dir, nil
}

// LockRouter takes, in the state directory dir, the lock of the router
// whose records are kept under key ([state.Store.Key] of route and name),
// or, while key is name itself (the router reached through route is not
// known yet), the lock of route ([state.RouteLock]); see pending.Rekey
// for the router's lock then. It waits up to wait, saying once on standard
// error that it waits for the lock of name (the router as the user named
// it). The error is a *lock.HeldError (exit status 6) when the lock stays
// held.
func LockRouter(ctx context.Context, ios *iostreams.IOStreams, dir, route, key, name string, wait time.Duration) (release func() error, err error) {
	if key == name {
		key = state.RouteLock(route)
	}
	release, err = lock.Acquire(ctx, dir, key, wait, func() {
		holder, _ := lock.ReadHolder(dir, key)
		fmt.Fprintf(ios.ErrOut, "waiting up to %s for the lock of %s, held by %s\n", wait, name, holder)
	})
	var held *lock.HeldError
	if errors.As(err, &held) {
		held.Host = name
	}
	return release, err
}
