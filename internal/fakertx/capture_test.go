package fakertx

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// captureFile is a small file written by `rtxctl capture`.
const captureFile = `rtxctl capture: console output of a YAMAHA RTX router (docs/capture.md)
format: 1
model: RTX830
revision: 15.02.31
console-columns: default
console-lines: default
console-character: en.ascii
-- show config --
# RTX830 Rev.15.02.31 (Mon Apr  1 00:00:00 2024)
console character en.ascii
bgp use on
ipsec ike pre-shared-key 1 text <redacted>
-- show status bgp neighbor --
BGP neighbor is 10.0.0.1, remote AS 65521, local AS 65530, external link
  BGP state = Active
`

func TestRunServesCapture(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	capture := filepath.Join(dir, "router.txtar")
	if err := os.WriteFile(capture, []byte(captureFile), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "saved.conf")
	f := start(t, []string{"ssh"}, "--telnet", "off", "--capture", capture, "--saved-config-out", out)
	if code := f.stop(); code != exitOK {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitOK, f.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "console character en.ascii\nbgp use on\nipsec ike pre-shared-key 1 text <redacted>\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("saved config of the captured router mismatch (-want +got):\n%s", diff)
	}

	for _, args := range [][]string{
		{"--capture", capture, "--scenario", capture},
		{"--capture", filepath.Join(dir, "missing.txtar")},
	} {
		var stdout, stderr bytes.Buffer
		if code := Run(t.Context(), args, &stdout, &stderr); code != exitUsage {
			t.Errorf("Run(%q) = %d, want %d; stderr %q", args, code, exitUsage, stderr.String())
		}
	}
}
