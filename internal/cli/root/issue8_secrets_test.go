//go:build linux

package root

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// secretsConfig returns configuration lines carrying a distinctive secret
// of each kind, and the secrets. The pre-shared key is long enough to wrap
// at the router's 80 columns.
func secretsConfig() (lines string, secrets []string) {
	var psk strings.Builder
	psk.WriteString("PSKx")
	for i := 0; psk.Len() < 120; i++ {
		fmt.Fprintf(&psk, "%c%02d", 'a'+i%26, i)
	}
	secrets = []string{psk.String(), "LuSecret8F3a9", "EncLuSecret77QQ", "PmSecret41zz", "PuSecret92yy", "ApSecret5xkW", "LpSecret0plM"}
	lines = fmt.Sprintf(`login password encrypted %[7]s
administrator password encrypted %[6]s
login user opsuser %[2]s
login user audit encrypted %[3]s
pp select 1
 pp auth myname ispname %[4]s
 pp auth username peeruser %[5]s
tunnel select 1
 ipsec tunnel 101
 ipsec ike pre-shared-key 1 text %[1]s
`, secrets[0], secrets[1], secrets[2], secrets[3], secrets[4], secrets[5], secrets[6])
	return lines, secrets
}

// TestIssue8Secrets runs rtxctl against a router whose configuration holds
// a secret of each kind: status, tunnel on --rollback-in and confirm, with
// --debug and --transcript, history, and show: no secret (nor the
// passwords rtxctl typed) appears on standard output or error, in a
// transcript or in the state directory but for the configuration backups,
// which keep them for a restore, readable by the user only. `show
// --reveal-secrets` prints them.
func TestIssue8Secrets(t *testing.T) {
	t.Parallel()
	bin := buildRtxctl(t)
	for _, transport := range []string{"ssh", "telnet"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			checkSecrets(t, bin, transport)
		})
	}
}

// checkSecrets runs the commands of TestIssue8Secrets over transport.
func checkSecrets(t *testing.T, bin rtxctlBinary, transport string) {
	extra, secrets := secretsConfig()
	var typed []string
	a := startAcceptanceRouter(t, transport, "en", func(sc *rtxtest.Scenario) {
		sc.SavedConfig += extra
		typed = []string{sc.Users[0].Password, sc.AdminPassword, sc.LoginPassword}
	})
	dir := t.TempDir()
	transcript := func(name string) []string { return []string{"--debug", "--transcript", filepath.Join(dir, name)} }
	runs := []struct {
		verb  string
		extra []string
	}{
		{"status", transcript("status.txt")},
		{"tunnel on", append(transcript("tunnel-on.txt"), "--rollback-in", "15m", "--verify-timeout", "10s")},
		{"confirm", transcript("confirm.txt")},
		{"history", []string{"-o", "json"}},
		{"show", append(transcript("show.txt"), "--", "show", "config")},
	}
	var outputs []string
	// history reads the state directory only: it takes the router's address alone.
	local := *a
	local.conn = []string{"--host", "127.0.0.1"}
	for _, run := range runs {
		at := a
		if run.verb == "history" {
			at = &local
		}
		r := at.exec(t, bin, run.verb, nil, run.extra...)
		if r.code != 0 {
			t.Fatalf("rtxctl %s: exit status %d\n%s", run.verb, r.code, r.stderr)
		}
		checkNoSecrets(t, "rtxctl "+run.verb+" standard output", r.stdout, secrets, typed)
		checkNoSecrets(t, "rtxctl "+run.verb+" standard error", r.stderr, secrets, typed)
		outputs = append(outputs, r.stdout)
	}
	if show := outputs[len(outputs)-1]; !strings.Contains(show, " ipsec ike pre-shared-key 1 text <redacted>\n") {
		t.Errorf("rtxctl show -- show config does not show the redacted key:\n%s", show)
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		checkNoSecrets(t, "transcript "+f.Name(), string(b), secrets, typed)
		if f.Name() != "confirm.txt" && !strings.Contains(string(b), " ipsec ike pre-shared-key 1 text <redacted>\n") {
			t.Errorf("transcript %s does not show the configuration read, its key redacted:\n%s", f.Name(), b)
		}
	}
	checkStateSecrets(t, a.env["XDG_STATE_HOME"], secrets, typed)

	r := a.exec(t, bin, "show", nil, "--reveal-secrets", "--", "show", "config")
	for _, s := range secrets {
		if r.code != 0 || !strings.Contains(r.stdout, s) {
			t.Errorf("rtxctl show --reveal-secrets -- show config: exit status %d, stdout lacks %q:\n%s", r.code, s, r.stdout)
		}
	}
}

// checkStateSecrets checks the state directory: the configuration backups
// keep every secret in files of mode 0600 in directories of mode 0700;
// the other files (journal, pending changes, routes) hold none.
func checkStateSecrets(t *testing.T, state string, secrets, typed []string) {
	t.Helper()
	backups := 0
	err := filepath.WalkDir(state, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(state, path)
		if d.IsDir() {
			if perm := info.Mode().Perm(); perm != 0o700 && path != state {
				t.Errorf("state directory %s has mode %v, want 0700", name, perm)
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(d.Name(), "config-") {
			checkNoSecrets(t, "state file "+name, string(b), secrets, typed)
			return nil
		}
		backups++
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("backup %s has mode %v, want 0600", name, perm)
		}
		for _, s := range secrets {
			if !strings.Contains(string(b), s) {
				t.Errorf("backup %s lacks the secret %q: a restore would lose it", name, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if backups == 0 {
		t.Errorf("no configuration backup in %s", state)
	}
}

// checkNoSecrets fails t if text (named what) holds any of the secrets,
// whole or the first or last 12 characters of one (a secret cut by a line
// wrap), or a typed password.
func checkNoSecrets(t *testing.T, what, text string, secrets, typed []string) {
	t.Helper()
	for _, s := range secrets {
		for _, part := range []string{s, s[:min(12, len(s))], s[max(0, len(s)-12):]} {
			if strings.Contains(text, part) {
				t.Errorf("%s holds the secret %q (%q):\n%s", what, s, part, text)
				break
			}
		}
	}
	for _, p := range typed {
		if p != "" && strings.Contains(text, p) {
			t.Errorf("%s holds the password %q", what, p)
		}
	}
}
