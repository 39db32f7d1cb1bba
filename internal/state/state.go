package state

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	dirMode  = 0o700
	fileMode = 0o600
)

// ErrNoHost is returned when a host name or the root directory is empty.
var ErrNoHost = errors.New("empty host or state directory")

// Store reads and writes the backups and journals under one root directory.
// The zero value is not usable: Root must be set. A Store holds no open files, so
// one value may be shared by goroutines and copied freely; concurrent processes
// using the same root are coordinated through lock files.
type Store struct {
	// Root is the state directory, e.g. the result of [DefaultRoot]. Required.
	Root string
	// Now returns the current time for backup names and journal timestamps;
	// nil means time.Now.
	Now func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// DefaultRoot returns rtxctl's state directory following the XDG base directory
// specification: xdgStateHome/rtxctl when xdgStateHome (the value of
// $XDG_STATE_HOME) is an absolute path, else home/.local/state/rtxctl. The caller
// reads the environment; an empty home with no usable xdgStateHome is an error.
func DefaultRoot(xdgStateHome, home string) (string, error) {
	if filepath.IsAbs(xdgStateHome) {
		return filepath.Join(xdgStateHome, "rtxctl"), nil
	}
	if home == "" {
		return "", fmt.Errorf("locate state directory: %w", ErrNoHost)
	}
	return filepath.Join(home, ".local", "state", "rtxctl"), nil
}

// EnsureHostDir creates root/<HOST> (and root itself) with mode 0700 if needed and
// returns its path. HOST is host lower-cased, with every character other than
// letters, digits, '.', '-', '_', '[' and ']' (and ':' between brackets, as in an IPv6
// address) replaced by '_', and leading dots replaced by '_': "192.168.100.1" stays
// as is, "[::1]:2222" becomes "[::1]_2222". Lower-casing makes "RTX1" and "rtx1"
// share one directory, and therefore one lock.
func EnsureHostDir(root, host string) (string, error) {
	dir, err := HostDir(root, host)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return "", fmt.Errorf("create state directory for %s: %w", host, err)
	}
	return dir, nil
}

// HostDir returns root/<HOST> for host, named as described at [EnsureHostDir],
// without creating it. An empty root or host is an error wrapping [ErrNoHost].
func HostDir(root, host string) (string, error) {
	if root == "" || host == "" {
		return "", fmt.Errorf("state directory for %q: %w", host, ErrNoHost)
	}
	return filepath.Join(root, dirName(host)), nil
}

// locksDir is the directory of the lock files under the root. A host's
// directory never starts with '.' (see [EnsureHostDir]), so no host's is it.
const locksDir = ".locks"

// LockPath returns root/.locks/<NAME>, the lock file named name (a router's
// key, see [Store.Key], or a route's, see [RouteLock]), NAME made safe as a
// host's directory name at [EnsureHostDir], without creating it. Lock files
// live apart from the routers' directories, because a host's directory moves
// to the router's on first contact ([Store.Learn]) while other runs may wait
// on a lock. An empty root or name is an error wrapping [ErrNoHost].
func LockPath(root, name string) (string, error) {
	if root == "" || name == "" {
		return "", fmt.Errorf("lock file for %q: %w", name, ErrNoHost)
	}
	return filepath.Join(root, locksDir, dirName(name)), nil
}

// RouteLock names the lock of route ("host:port" as dialled), which a run
// holds until it knows which router the route reaches; it then takes the
// router's own lock, named by the router's key, as well. Runs through
// different ports of one address (routers behind one NAT) do not wait for
// each other before that.
func RouteLock(route string) string { return "route-" + route }

// dirName maps a host to a name safe as one path element.
func dirName(host string) string {
	var b strings.Builder
	leading, inBrackets := true, false
	for _, r := range strings.ToLower(host) {
		dot := r == '.'
		switch {
		case dot && leading:
			r = '_'
		case r == '[':
			inBrackets = true
		case r == ']':
			inBrackets = false
		case r == ':' && inBrackets: // kept: part of an IPv6 address
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			r = '_'
		}
		leading = leading && dot
		b.WriteRune(r)
	}
	return b.String()
}

// LocalUser returns the login name of the user running this process, falling back
// to the numeric user id when the name cannot be looked up (e.g. in a container
// without a passwd entry).
func LocalUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return strconv.Itoa(os.Getuid())
}
