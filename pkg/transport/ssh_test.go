package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

const testPassword = "s3cret-Pa55"

// dialSSH dials srv with cfg, trusting the server's RSA host key unless cfg
// names a known_hosts file or disables the check.
func dialSSH(t *testing.T, srv *sshServer, cfg SSHConfig) (io.ReadWriteCloser, error) {
	t.Helper()
	if cfg.KnownHostsFile == "" && !cfg.InsecureIgnoreHostKey {
		cfg.KnownHostsFile = knownHosts(t, srv.addr, mustSigner(t, testRSAKey()).PublicKey())
	}
	if cfg.User == "" {
		cfg.User = "admin"
	}
	conn, err := DialSSH(t.Context(), srv.addr, cfg)
	if conn != nil {
		t.Cleanup(func() { conn.Close() })
	}
	return conn, err
}

// mustDialSSH is dialSSH for a dial that must succeed.
func mustDialSSH(t *testing.T, srv *sshServer, cfg SSHConfig) io.ReadWriteCloser {
	t.Helper()
	conn, err := dialSSH(t, srv, cfg)
	if err != nil {
		t.Fatalf("DialSSH: %v", err)
	}
	return conn
}

// roundTrip checks that a line written to the shell comes back.
func roundTrip(t *testing.T, conn io.ReadWriter) {
	t.Helper()
	const line = "show config\n"
	if _, err := conn.Write([]byte(line)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if diff := cmp.Diff(line, string(readN(t, conn, len(line)))); diff != "" {
		t.Errorf("echo mismatch (-want +got):\n%s", diff)
	}
}

func TestDialSSHAuth(t *testing.T) {
	t.Parallel()
	clientKey := newEd25519Key(t)
	clientPub := mustSigner(t, clientKey).PublicKey()
	tests := []struct {
		name     string
		server   sshServerConfig
		cfg      func(t *testing.T) SSHConfig
		wantAuth bool // want *AuthError
	}{
		{
			name:   "password",
			server: sshServerConfig{password: testPassword},
			cfg:    func(*testing.T) SSHConfig { return SSHConfig{Password: testPassword} },
		},
		{
			name:   "keyboard-interactive with a zero-question round",
			server: sshServerConfig{kbdInteractive: testPassword},
			cfg:    func(*testing.T) SSHConfig { return SSHConfig{Password: testPassword} },
		},
		{
			name:   "key file",
			server: sshServerConfig{authorizedKeys: []ssh.PublicKey{clientPub}},
			cfg: func(t *testing.T) SSHConfig {
				return SSHConfig{KeyFiles: []string{writeKeyFile(t, clientKey, "")}}
			},
		},
		{
			name:   "agent",
			server: sshServerConfig{authorizedKeys: []ssh.PublicKey{clientPub}},
			cfg:    func(t *testing.T) SSHConfig { return SSHConfig{AgentSocket: startAgent(t, clientKey)} },
		},
		{
			name:   "unreachable agent skipped for password",
			server: sshServerConfig{password: testPassword},
			cfg: func(t *testing.T) SSHConfig {
				return SSHConfig{AgentSocket: filepath.Join(t.TempDir(), "none.sock"), Password: testPassword}
			},
		},
		{
			name:   "key refused then password",
			server: sshServerConfig{password: testPassword},
			cfg: func(t *testing.T) SSHConfig {
				return SSHConfig{KeyFiles: []string{writeKeyFile(t, newEd25519Key(t), "")}, Password: testPassword}
			},
		},
		{
			name:     "wrong password",
			server:   sshServerConfig{password: testPassword, kbdInteractive: testPassword},
			cfg:      func(*testing.T) SSHConfig { return SSHConfig{Password: "wrong"} },
			wantAuth: true,
		},
		{
			name:   "key not authorized",
			server: sshServerConfig{authorizedKeys: []ssh.PublicKey{clientPub}},
			cfg: func(t *testing.T) SSHConfig {
				return SSHConfig{KeyFiles: []string{writeKeyFile(t, newEd25519Key(t), "")}}
			},
			wantAuth: true,
		},
		{
			name:   "server hangs up after too many failures",
			server: sshServerConfig{password: testPassword, authorizedKeys: []ssh.PublicKey{clientPub}, maxAuthTries: 1},
			cfg: func(t *testing.T) SSHConfig {
				return SSHConfig{KeyFiles: []string{writeKeyFile(t, newEd25519Key(t), "")}, Password: "wrong"}
			},
			wantAuth: true,
		},
		{
			name:     "server wants a key, client has a password",
			server:   sshServerConfig{authorizedKeys: []ssh.PublicKey{clientPub}},
			cfg:      func(*testing.T) SSHConfig { return SSHConfig{Password: testPassword} },
			wantAuth: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSSHServer(t, tt.server)
			cfg := tt.cfg(t)
			cfg.User = "alice"
			conn, err := dialSSH(t, srv, cfg)
			if tt.wantAuth {
				var authErr *AuthError
				if !errors.As(err, &authErr) {
					t.Fatalf("DialSSH error = %v, want *AuthError", err)
				}
				if authErr.User != "alice" {
					t.Errorf("AuthError.User = %q, want %q", authErr.User, "alice")
				}
				if strings.Contains(err.Error(), testPassword) {
					t.Errorf("error %q reveals the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DialSSH: %v", err)
			}
			roundTrip(t, conn)
		})
	}
}

func TestDialSSHEncryptedKeyFile(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	path := writeKeyFile(t, newEd25519Key(t), "passphrase")
	_, err := dialSSH(t, srv, SSHConfig{KeyFiles: []string{path}, Password: testPassword})
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		t.Fatalf("DialSSH with an encrypted key = %v, want *ssh.PassphraseMissingError", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the key file", err)
	}
}

// checkHostKeyError fails the test unless err is a *HostKeyError equal to
// want but for its cause.
func checkHostKeyError(t *testing.T, err error, want *HostKeyError) {
	t.Helper()
	var hkErr *HostKeyError
	if !errors.As(err, &hkErr) {
		t.Fatalf("DialSSH error = %v, want *HostKeyError", err)
	}
	if diff := cmp.Diff(want, hkErr, cmpopts.IgnoreFields(HostKeyError{}, "Err")); diff != "" {
		t.Errorf("HostKeyError mismatch (-want +got):\n%s", diff)
	}
}

func TestDialSSHUnknownHost(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	hostKey := mustSigner(t, testRSAKey()).PublicKey()
	other := mustSigner(t, newEd25519Key(t)).PublicKey()
	tests := []struct {
		name     string
		contents string // "" = file missing
	}{
		{name: "file missing"},
		{name: "other hosts only", contents: knownhosts.Line([]string{"192.0.2.1"}, other) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "known_hosts")
			if tt.contents != "" {
				if err := os.WriteFile(path, []byte(tt.contents), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := dialSSH(t, srv, SSHConfig{Password: testPassword, KnownHostsFile: path})
			checkHostKeyError(t, err, &HostKeyError{
				Host:           srv.addr,
				KeyType:        hostKey.Type(),
				Fingerprint:    ssh.FingerprintSHA256(hostKey),
				KnownHostsFile: path,
				Unknown:        true,
			})
			got, err := os.ReadFile(path)
			if tt.contents == "" {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("known_hosts file created after a refused host: %v", err)
				}
				return
			}
			if diff := cmp.Diff(tt.contents, string(got)); diff != "" {
				t.Errorf("known_hosts changed after a refused host (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDialSSHAcceptNewHostKey(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	hostKey := mustSigner(t, testRSAKey()).PublicKey()
	tests := []struct {
		name     string
		existing string // "" = neither file nor directory exists
	}{
		{name: "creates file and directory"},
		{name: "appends after a line without newline", existing: "192.0.2.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMLm4ij0AVE2GEkW3p7GEdhvCfGD8s4EGpZ02LHZ2fVo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), ".ssh")
			path := filepath.Join(dir, "known_hosts")
			want := knownhosts.Line([]string{srv.addr}, hostKey) + "\n"
			if tt.existing != "" {
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.existing), 0o600); err != nil {
					t.Fatal(err)
				}
				want = tt.existing + "\n" + want
			}
			roundTrip(t, mustDialSSH(t, srv, SSHConfig{Password: testPassword, KnownHostsFile: path, AcceptNewHostKey: true}))
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("known_hosts mismatch (-want +got):\n%s", diff)
			}
			_, port, _ := net.SplitHostPort(srv.addr)
			if !strings.Contains(string(got), "[127.0.0.1]:"+port+" ssh-rsa ") {
				t.Errorf("known_hosts %q lacks the [127.0.0.1]:%s entry", got, port)
			}
			assertMode(t, path, 0o600)
			if tt.existing == "" {
				assertMode(t, dir, 0o700|fs.ModeDir)
			}
			if _, err := dialSSH(t, srv, SSHConfig{Password: testPassword, KnownHostsFile: path}); err != nil {
				t.Errorf("second DialSSH without AcceptNewHostKey: %v", err)
			}
		})
	}
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode() != want {
		t.Errorf("mode of %s = %v, want %v", path, st.Mode(), want)
	}
}

func TestDialSSHChangedHostKey(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	hostKey := mustSigner(t, testRSAKey()).PublicKey()
	for _, accept := range []bool{false, true} {
		t.Run(map[bool]string{false: "refused", true: "refused even with AcceptNewHostKey"}[accept], func(t *testing.T) {
			t.Parallel()
			recorded := mustSigner(t, newEd25519Key(t)).PublicKey()
			path := knownHosts(t, srv.addr, recorded)
			before, _ := os.ReadFile(path)
			_, err := dialSSH(t, srv, SSHConfig{Password: testPassword, KnownHostsFile: path, AcceptNewHostKey: accept})
			checkHostKeyError(t, err, &HostKeyError{
				Host:           srv.addr,
				KeyType:        hostKey.Type(),
				Fingerprint:    ssh.FingerprintSHA256(hostKey),
				KnownHostsFile: path,
			})
			var keyErr *knownhosts.KeyError
			if !errors.As(err, &keyErr) || len(keyErr.Want) == 0 {
				t.Errorf("HostKeyError does not unwrap to a knownhosts mismatch: %v", err)
			}
			after, _ := os.ReadFile(path)
			if diff := cmp.Diff(string(before), string(after)); diff != "" {
				t.Errorf("known_hosts changed (-want +got):\n%s", diff)
			}
		})
	}
}

// A host recorded with only its ed25519 key must not be asked for its RSA
// key, which x/crypto prefers by default and knownhosts would call a
// mismatch.
func TestDialSSHRecordedKeyTypeFirst(t *testing.T) {
	t.Parallel()
	edKey := mustSigner(t, newEd25519Key(t))
	rsaKey := mustSigner(t, testRSAKey())
	tests := []struct {
		name     string
		recorded ssh.Signer
	}{
		{name: "ed25519 recorded", recorded: edKey},
		{name: "rsa recorded", recorded: rsaKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSSHServer(t, sshServerConfig{password: testPassword, hostKeys: []ssh.Signer{rsaKey, edKey}})
			path := knownHosts(t, srv.addr, tt.recorded.PublicKey())
			roundTrip(t, mustDialSSH(t, srv, SSHConfig{Password: testPassword, KnownHostsFile: path}))
		})
	}
}

func TestDialSSHHostKeyConfig(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	t.Run("insecure ignore", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, mustDialSSH(t, srv, SSHConfig{Password: testPassword, InsecureIgnoreHostKey: true}))
	})
	t.Run("no known_hosts file", func(t *testing.T) {
		t.Parallel()
		_, err := DialSSH(t.Context(), srv.addr, SSHConfig{User: "admin", Password: testPassword})
		var hkErr *HostKeyError
		var dialErr *DialError
		if err == nil || errors.As(err, &hkErr) || errors.As(err, &dialErr) {
			t.Errorf("DialSSH without known_hosts = %v, want a configuration error", err)
		}
	})
}

func TestDialSSHLegacyAlgorithms(t *testing.T) {
	t.Parallel()
	rsaClient := testRSAClientKey()
	srv := newSSHServer(t, sshServerConfig{
		legacy:         true,
		password:       testPassword,
		authorizedKeys: []ssh.PublicKey{mustSigner(t, rsaClient).PublicKey()},
		pubKeyAlgos:    []string{ssh.KeyAlgoRSA},
	})
	t.Run("refused without the option", func(t *testing.T) {
		t.Parallel()
		_, err := dialSSH(t, srv, SSHConfig{Password: testPassword})
		var dialErr *DialError
		if !errors.As(err, &dialErr) {
			t.Fatalf("DialSSH to a legacy server = %v, want *DialError", err)
		}
	})
	t.Run("password", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, mustDialSSH(t, srv, SSHConfig{Password: testPassword, LegacyAlgorithms: true}))
	})
	t.Run("rsa key signed with ssh-rsa", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, mustDialSSH(t, srv, SSHConfig{KeyFiles: []string{writeKeyFile(t, rsaClient, "")}, LegacyAlgorithms: true}))
	})
}

func TestLegacySigners(t *testing.T) {
	t.Parallel()
	rsaSigner := mustSigner(t, testRSAClientKey())
	edSigner := mustSigner(t, newEd25519Key(t))
	got, err := legacySigners([]ssh.Signer{rsaSigner, edSigner})
	if err != nil {
		t.Fatalf("legacySigners: %v", err)
	}
	ms, ok := got[0].(ssh.MultiAlgorithmSigner)
	if !ok {
		t.Fatalf("legacySigners(rsa) = %T, want an ssh.MultiAlgorithmSigner", got[0])
	}
	if diff := cmp.Diff([]string{ssh.KeyAlgoRSA}, ms.Algorithms()); diff != "" {
		t.Errorf("RSA signature algorithms mismatch (-want +got):\n%s", diff)
	}
	if got[1] != edSigner {
		t.Errorf("legacySigners changed the ed25519 signer")
	}
}

func TestDialSSHPty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  SSHConfig
		want ptyRequest
	}{
		{name: "defaults", want: ptyRequest{Term: "vt100", Columns: 200, Rows: 24}},
		{name: "custom", cfg: SSHConfig{Term: "xterm", Columns: 80, Rows: 50}, want: ptyRequest{Term: "xterm", Columns: 80, Rows: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSSHServer(t, sshServerConfig{password: testPassword})
			tt.cfg.Password = testPassword
			mustDialSSH(t, srv, tt.cfg)
			if diff := cmp.Diff([]ptyRequest{tt.want}, srv.ptyRequests(), cmpopts.IgnoreFields(ptyRequest{}, "Width", "Height", "Modes")); diff != "" {
				t.Errorf("pty-req mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDialSSHPtyNeverAnswered(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword, ignorePty: true})
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	conn, err := DialSSH(ctx, srv.addr, SSHConfig{
		User:           "admin",
		Password:       testPassword,
		KnownHostsFile: knownHosts(t, srv.addr, mustSigner(t, testRSAKey()).PublicKey()),
	})
	if conn != nil {
		conn.Close()
	}
	var dialErr *DialError
	if !errors.As(err, &dialErr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("DialSSH to a server ignoring pty-req = %v, want *DialError wrapping context.DeadlineExceeded", err)
	}
}

func TestDialSSHRefused(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	_, err := DialSSH(t.Context(), addr, SSHConfig{InsecureIgnoreHostKey: true})
	var dialErr *DialError
	if !errors.As(err, &dialErr) || dialErr.Addr != addr || dialErr.Protocol != "ssh" {
		t.Fatalf("DialSSH(%s) = %v, want *DialError for that address", addr, err)
	}
}

func TestSSHConnRemoteEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		line string
	}{
		{name: "closed without exit status", line: "exit\n"},
		{name: "closed with exit status", line: "quit\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSSHServer(t, sshServerConfig{password: testPassword})
			conn := mustDialSSH(t, srv, SSHConfig{Password: testPassword})
			if _, err := conn.Write([]byte(tt.line)); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got, err := io.ReadAll(conn)
			if err != nil {
				t.Errorf("ReadAll until the router closes: %v, want io.EOF", err)
			}
			if diff := cmp.Diff(tt.line, string(got)); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
			if err := conn.Close(); err != nil {
				t.Errorf("Close after remote end: %v", err)
			}
		})
	}
}

func TestSSHConnCloseReleasesRead(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	checkCloseReleasesRead(t, mustDialSSH(t, srv, SSHConfig{Password: testPassword}))
}

func TestDialSSHLogsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword, kbdInteractive: testPassword})
	for _, pw := range []string{testPassword, "wrong-" + testPassword} {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		_, err := dialSSH(t, srv, SSHConfig{Password: pw, Logger: logger})
		if err != nil && !errors.As(err, new(*AuthError)) {
			t.Fatalf("DialSSH: %v", err)
		}
		if logs.Len() == 0 {
			t.Error("debug logger received nothing")
		}
		if strings.Contains(logs.String(), testPassword) {
			t.Errorf("log reveals the password:\n%s", logs.String())
		}
	}
}

// known_hosts is parsed once per process while it is unchanged; a file
// edited or replaced between two dials is read again.
func TestDialSSHKnownHostsChangedBetweenDials(t *testing.T) {
	t.Parallel()
	srv := newSSHServer(t, sshServerConfig{password: testPassword})
	hostKey := mustSigner(t, testRSAKey()).PublicKey()
	other := mustSigner(t, newEd25519Key(t)).PublicKey()
	path := knownHosts(t, srv.addr, hostKey)
	cfg := SSHConfig{Password: testPassword, KnownHostsFile: path}
	mustDialSSH(t, srv, cfg)
	mustDialSSH(t, srv, cfg) // from the parsed file
	replace := func(keys ...ssh.PublicKey) {
		t.Helper()
		if err := os.Rename(knownHosts(t, srv.addr, keys...), path); err != nil {
			t.Fatal(err)
		}
	}
	replace(other)
	_, err := dialSSH(t, srv, cfg)
	var keyErr *HostKeyError
	if !errors.As(err, &keyErr) || keyErr.Unknown {
		t.Fatalf("dial after the recorded key was replaced: %v, want a changed host key refused", err)
	}
	replace(hostKey)
	mustDialSSH(t, srv, cfg)
	if err := os.WriteFile(path, []byte(knownhosts.Line([]string{srv.addr}, other)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := dialSSH(t, srv, cfg); !errors.As(err, &keyErr) {
		t.Fatalf("dial after the file was edited in place: %v, want the host key refused", err)
	}
}
