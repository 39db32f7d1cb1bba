package transport

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// plainHostKeyAlgorithms is x/crypto's default host-key preference without
// certificate algorithms. It follows the key types recorded for a host in
// [hostKeyChecker.algorithms].
var plainHostKeyAlgorithms = []string{
	ssh.KeyAlgoECDSA256,
	ssh.KeyAlgoECDSA384,
	ssh.KeyAlgoECDSA521,
	ssh.KeyAlgoRSASHA256,
	ssh.KeyAlgoRSASHA512,
	ssh.KeyAlgoRSA,
	ssh.KeyAlgoED25519,
}

// hostKeyChecker verifies the server's host key against an OpenSSH
// known_hosts file and, on request, records the key of an unknown host.
type hostKeyChecker struct {
	addr   string             // address as dialled, the name the key is filed under
	file   string             // known_hosts file; "" when checking is disabled
	accept bool               // trust on first use
	added  func(AddedHostKey) // told about a key recorded by trust on first use; nil = no one
	known  ssh.HostKeyCallback
	log    *slog.Logger

	mu       sync.Mutex    // guards accepted
	accepted ssh.PublicKey // key appended during this connection, for re-keying

	failure atomic.Pointer[HostKeyError] // last refusal, read after the handshake
}

// newHostKeyChecker prepares the host-key check for one dial of addr. A
// missing known_hosts file counts as an empty one.
func newHostKeyChecker(addr string, cfg SSHConfig, log *slog.Logger) (*hostKeyChecker, error) {
	hk := &hostKeyChecker{addr: addr, log: log}
	if cfg.InsecureIgnoreHostKey {
		log.Warn("ssh host key not checked")
		return hk, nil
	}
	if cfg.KnownHostsFile == "" {
		return nil, errors.New("check ssh host key: no known_hosts file configured")
	}
	hk.file = cfg.KnownHostsFile
	hk.accept, hk.added = cfg.AcceptNewHostKey, cfg.HostKeyAdded
	known, err := loadKnownHosts(cfg.KnownHostsFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		log.Debug("known_hosts file missing, every host is unknown", "file", cfg.KnownHostsFile)
	case err != nil:
		return nil, fmt.Errorf("check ssh host key: %w", err)
	default:
		hk.known = known
	}
	return hk, nil
}

// callback returns the ssh.HostKeyCallback to put in the client config.
func (hk *hostKeyChecker) callback() ssh.HostKeyCallback {
	if hk.file == "" {
		return ssh.InsecureIgnoreHostKey()
	}
	return hk.check
}

// algorithms returns the host-key algorithms to negotiate: the types already
// recorded for the host first, so a host filed with only its ed25519 key is
// not asked for its RSA key (which knownhosts would report as a mismatch),
// then the usual defaults. It returns nil (x/crypto's defaults) when nothing
// is recorded for the host.
func (hk *hostKeyChecker) algorithms() []string {
	if hk.known == nil {
		return nil
	}
	// knownhosts has no lookup by host; checking a key the file cannot hold
	// yields a KeyError listing every key recorded for the host.
	var keyErr *knownhosts.KeyError
	if err := hk.known(hk.addr, probeAddr{}, probeKey()); !errors.As(err, &keyErr) || len(keyErr.Want) == 0 {
		return nil
	}
	var algos []string
	for _, k := range keyErr.Want {
		if k.Key.Type() == ssh.KeyAlgoRSA {
			algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
			continue
		}
		algos = append(algos, k.Key.Type())
	}
	algos = append(algos, plainHostKeyAlgorithms...)
	return uniqueInOrder(algos)
}

// uniqueInOrder drops repeated strings, keeping the first occurrence.
func uniqueInOrder(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// check is the host-key callback proper. It runs on every key exchange of
// the connection, including re-keying.
func (hk *hostKeyChecker) check(hostname string, remote net.Addr, key ssh.PublicKey) error {
	err := errUnknownHost
	if hk.known != nil {
		err = hk.known(hostname, remote, key)
	}
	var keyErr *knownhosts.KeyError
	switch {
	case err == nil:
		hk.log.Debug("ssh host key verified", "type", key.Type(), "fingerprint", ssh.FingerprintSHA256(key))
		return nil
	case errors.Is(err, errUnknownHost), errors.As(err, &keyErr) && len(keyErr.Want) == 0:
		return hk.unknown(key, err)
	case isRevoked(err):
		e := hk.refuse(key, false, err)
		e.Revoked = true
		return e
	case keyErr != nil:
		return hk.refuse(key, false, err)
	default:
		return fmt.Errorf("check ssh host key: %w", err)
	}
}

// unknown handles a key for a host the file does not list.
func (hk *hostKeyChecker) unknown(key ssh.PublicKey, cause error) error {
	hk.mu.Lock()
	defer hk.mu.Unlock()
	if hk.accepted != nil && bytes.Equal(hk.accepted.Marshal(), key.Marshal()) {
		return nil
	}
	if !hk.accept {
		return hk.refuse(key, true, cause)
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(hk.addr)}, key)
	if err := appendLine(hk.file, line); err != nil {
		return fmt.Errorf("record new ssh host key: %w", err)
	}
	hk.accepted = key
	hk.log.Info("new ssh host key recorded", "file", hk.file, "type", key.Type(), "fingerprint", ssh.FingerprintSHA256(key))
	if hk.added != nil {
		hk.added(AddedHostKey{Host: knownhosts.Normalize(hk.addr), KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), KnownHostsFile: hk.file})
	}
	return nil
}

// refuse records and returns the HostKeyError for key.
func (hk *hostKeyChecker) refuse(key ssh.PublicKey, unknown bool, cause error) *HostKeyError {
	e := &HostKeyError{
		Host:           hk.addr,
		KeyType:        key.Type(),
		Fingerprint:    ssh.FingerprintSHA256(key),
		KnownHostsFile: hk.file,
		Unknown:        unknown,
		Err:            cause,
	}
	hk.failure.Store(e)
	hk.log.Debug("ssh host key refused", "type", e.KeyType, "fingerprint", e.Fingerprint, "unknown", unknown)
	return e
}

// errUnknownHost stands for the knownhosts "key is unknown" error when the
// known_hosts file does not exist.
var errUnknownHost = errors.New("known_hosts file does not exist")

func isRevoked(err error) bool {
	var revoked *knownhosts.RevokedError
	return errors.As(err, &revoked)
}

// appendLine appends line to the known_hosts file path, creating the file
// (0600) and its directory (0700) when missing, and starting on a fresh line
// when the file does not end with a newline.
func appendLine(path, line string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	prefix, err := missingNewline(f)
	if err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(prefix + line + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// missingNewline returns "\n" when f is not empty and does not end with one.
func missingNewline(f *os.File) (string, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return "", err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if last[0] == '\n' {
		return "", nil
	}
	return "\n", nil
}

// probeKey returns a fixed ed25519 public key derived from an all-zero seed,
// which no real known_hosts file records.
func probeKey() ssh.PublicKey {
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	if err != nil {
		panic(fmt.Sprintf("derive probe key: %v", err)) // ed25519 public keys always convert
	}
	return pub
}

// probeAddr is the remote address passed with probeKey; knownhosts prefers
// the dialled host name and only needs this to parse.
type probeAddr struct{}

func (probeAddr) Network() string { return "tcp" }
func (probeAddr) String() string  { return "0.0.0.0:0" }
