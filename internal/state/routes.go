package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"
)

const (
	routesFile = "routes.json"
	routesLock = "routes.lock"
)

// Identity is what a router is, whatever route reaches it: its model and
// serial number.
type Identity struct {
	Model  string `json:"model"`
	Serial string `json:"serial"`
}

// Key names the router's directory under the root: "MODEL_SERIAL" in lower
// case, e.g. "rtx1210_s4h024020". A host name or address never contains
// '_', so a key never names a host's directory.
func (id Identity) Key() string {
	return dirName(id.Model + "_" + id.Serial)
}

// String returns "MODEL serial SERIAL", for messages.
func (id Identity) String() string { return id.Model + " serial " + id.Serial }

// ErrOtherRouter is wrapped by the error of [Store.Learn] when a route known to
// reach one router now reaches another.
var ErrOtherRouter = errors.New("the route reaches another router")

// Routes maps each route (an address as dialled, "host:port") to the identity
// of the router it reached last.
type Routes map[string]Identity

// routes reads routes.json; a missing file is no routes.
func (s *Store) routes() (Routes, error) {
	data, err := readIfExists(filepath.Join(s.Root, routesFile))
	if err != nil || len(data) == 0 {
		return Routes{}, err
	}
	r := Routes{}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read %s: %w", routesFile, err)
	}
	return r, nil
}

// Key returns the name of the directory that holds the records of the router
// reached by route ("host:port" as dialled) or named host: the router's
// identity key once a run has learned it ([Store.Learn]), else host itself (a
// router never reached yet, or state kept before routers had identities).
// A bare host (route == host, as status and history are given) resolves when
// every known route of that host reaches one router.
func (s *Store) Key(route, host string) string {
	routes, err := s.routes()
	if err != nil {
		return host
	}
	if id, ok := routes[route]; ok {
		return id.Key()
	}
	if route != host {
		// A route never taken: another router may share the host.
		return host
	}
	var found []Identity
	for r, id := range routes {
		if h, _, err := net.SplitHostPort(r); err == nil && strings.EqualFold(h, strings.Trim(host, "[]")) && !containsIdentity(found, id) {
			found = append(found, id)
		}
	}
	if len(found) == 1 {
		return found[0].Key()
	}
	return host
}

func containsIdentity(ids []Identity, id Identity) bool {
	for _, o := range ids {
		if o == id {
			return true
		}
	}
	return false
}

// Learn records that route reaches the router id and returns the router's
// key. On first contact through route, the records kept under host's
// directory (before routers had identities, or made before this first
// contact, such as the lock file) move to the router's directory, unless it
// already exists; moved reports that they did. When route was known to reach
// another router, the route is updated and the error wraps [ErrOtherRouter],
// naming both: the caller must not use records of the other router for this
// one.
func (s *Store) Learn(route, host string, id Identity) (key string, moved bool, err error) {
	if s.Root == "" || route == "" || id.Serial == "" {
		return "", false, fmt.Errorf("learn router identity: %w", ErrNoHost)
	}
	if err := os.MkdirAll(s.Root, dirMode); err != nil {
		return "", false, fmt.Errorf("learn router identity: %w", err)
	}
	lk := flock.New(filepath.Join(s.Root, routesLock), flock.SetPermissions(fileMode))
	if err := lk.Lock(); err != nil {
		return "", false, fmt.Errorf("learn router identity: lock: %w", err)
	}
	defer lk.Unlock()
	routes, err := s.routes()
	if err != nil {
		return "", false, fmt.Errorf("learn router identity: %w", err)
	}
	key = id.Key()
	old, known := routes[route]
	if known && old == id {
		return key, false, nil
	}
	if !known {
		if moved, err = s.migrate(host, key); err != nil {
			return "", false, fmt.Errorf("learn router identity: %w", err)
		}
	}
	routes[route] = id
	data, err := json.MarshalIndent(routes, "", "  ")
	if err != nil {
		return "", moved, fmt.Errorf("learn router identity: %w", err)
	}
	if err := writeFile(filepath.Join(s.Root, routesFile), append(data, '\n')); err != nil {
		return "", moved, fmt.Errorf("learn router identity: %w", err)
	}
	if known {
		return key, moved, fmt.Errorf("%s reached %s before and now reaches %s: %w", route, old, id, ErrOtherRouter)
	}
	return key, moved, nil
}

// migrate moves the directory of host to the router's key, when there is one
// and the router has none yet, and reports whether it did.
func (s *Store) migrate(host, key string) (bool, error) {
	from, err := HostDir(s.Root, host)
	if err != nil {
		return false, err
	}
	to := filepath.Join(s.Root, key)
	if _, err := os.Stat(from); err != nil {
		return false, nil
	}
	if _, err := os.Stat(to); err == nil {
		return false, nil
	}
	if err := os.Rename(from, to); err != nil {
		return false, err
	}
	return true, nil
}

// writeFile replaces path atomically with data (mode 0600), synced.
func writeFile(path string, data []byte) error {
	tmp, err := writeTemp(filepath.Dir(path), string(data))
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
