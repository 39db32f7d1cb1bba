package pending

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// ErrWrongRouter is wrapped by the error of [CheckRouter]: the router reached
// is not the one a pending change was made on.
var ErrWrongRouter = errors.New("not the router of the change")

// Identify reads the identity (model and serial number) of the router r
// reaches through route, the address as dialled, and records it in store
// ([state.Store.Learn]; host names the router's records before its identity
// was known). It returns the router's key and whether host's records moved
// there. A route that reached another router before is an error wrapping
// [state.ErrOtherRouter]: nothing may be done on the strength of the other
// router's records.
func Identify(ctx context.Context, r rtx.Commander, store *state.Store, route, host string) (key string, moved bool, err error) {
	id, err := rtx.ReadIdentity(ctx, r)
	if err != nil {
		return "", false, err
	}
	return store.Learn(route, host, state.Identity{Model: id.Model, Serial: id.Serial})
}

// CheckRouter refuses to act on the pending change e through a session with
// the router whose key is key when e was made on another router (an entry
// made before routers had identities belongs to any).
func CheckRouter(e state.Entry, key string) error {
	if e.Router == "" || e.Router == key {
		return nil
	}
	return fmt.Errorf("%s (journal entry %d) was made on router %s, but this connection reaches router %s: %w",
		e.Action, e.ID, e.Router, key, ErrWrongRouter)
}

// Rekey identifies the router r reaches through route ([Identify]) for a run
// that so far kept its records and lock under key (from [state.Store.Key]
// before connecting) and returns the router's key from now on. On first
// contact through route, when the router's records were already kept under
// its key (learned through another route), it takes that lock too with lock;
// release releases it (a no-op otherwise).
func Rekey(ctx context.Context, r rtx.Commander, store *state.Store, route, host, key string, lock func(key string) (func() error, error)) (newKey string, release func() error, err error) {
	newKey, moved, err := Identify(ctx, r, store, route, host)
	if err != nil {
		return "", nil, fmt.Errorf("identify the router: %w", err)
	}
	release = func() error { return nil }
	if newKey != key && !moved {
		if release, err = lock(newKey); err != nil {
			return "", nil, err
		}
	}
	return newKey, release, nil
}
