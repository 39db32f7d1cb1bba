package transport

import (
	"os"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// knownHostsCache keeps each known_hosts file parsed once per process while
// it stays unchanged: a fleet run dials hundreds of routers checked against
// one file of hundreds of lines, and parsing it per dial was a third of the
// client's CPU time. A file that changes (a key appended by trust on first
// use, an edit by another program) is parsed again on the next dial.
var knownHostsCache = struct {
	sync.Mutex
	files map[string]parsedKnownHosts
}{files: map[string]parsedKnownHosts{}}

// parsedKnownHosts is one parsed known_hosts file and the file's
// information when it was read.
type parsedKnownHosts struct {
	info  os.FileInfo
	check ssh.HostKeyCallback
}

// unchanged reports whether now describes the file read as before, with the
// same size and modification time.
func unchanged(before, now os.FileInfo) bool {
	return os.SameFile(before, now) && before.Size() == now.Size() && before.ModTime().Equal(now.ModTime())
}

// loadKnownHosts returns the host-key check of the known_hosts file at
// path, parsing it only when it changed since the last call. The file is
// examined before it is read, so content that changes during the read is
// parsed again next time rather than kept as current.
func loadKnownHosts(path string) (ssh.HostKeyCallback, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	knownHostsCache.Lock()
	cached, ok := knownHostsCache.files[path]
	knownHostsCache.Unlock()
	if ok && unchanged(cached.info, fi) {
		return cached.check, nil
	}
	check, err := knownhosts.New(path)
	if err != nil {
		return nil, err
	}
	knownHostsCache.Lock()
	knownHostsCache.files[path] = parsedKnownHosts{info: fi, check: check}
	knownHostsCache.Unlock()
	return check, nil
}
