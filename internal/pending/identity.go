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

// Rekey reads the identity (model and serial number) of the router r
// reaches through route, the address as dialled, for a run that so far kept
// its records and lock under key (from [state.Store.Key] before connecting),
// records it in store ([state.Store.Learn]; host names the router's records
// before its identity was known) and returns the router's key from now on.
// On first contact through route (key is host) it first takes the router's
// lock with lock, so that the host's records move to the router's directory
// under both the route's lock and the router's, always taken in this order;
// release releases it (a no-op otherwise). A route that reached another
// router before is an error wrapping [state.ErrOtherRouter]: nothing may be
// done on the strength of the other router's records.
func Rekey(ctx context.Context, r rtx.Commander, store *state.Store, route, host, key string, lock func(key string) (func() error, error)) (newKey string, release func() error, err error) {
	rid, err := rtx.ReadIdentity(ctx, r)
	if err != nil {
		return "", nil, fmt.Errorf("identify the router: %w", err)
	}
	id := state.Identity{Model: rid.Model, Serial: rid.Serial}
	release = func() error { return nil }
	if key == host {
		if release, err = lock(id.Key()); err != nil {
			return "", nil, err
		}
	}
	if newKey, _, err = store.Learn(route, host, id); err != nil {
		return "", nil, errors.Join(fmt.Errorf("identify the router: %w", err), release())
	}
	return newKey, release, nil
}
