package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/iostreams"
)

func TestReadSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile := func(name, content string, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	private := writeFile("private", "from-file\n", 0o600)
	crlf := writeFile("crlf", "from-file\r\n", 0o600)
	shared := writeFile("shared", "shared-secret\n", 0o644)
	env := map[string]string{"RTXCTL_PASSWORD": "from-env", "EMPTY": ""}
	lookupEnv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	tests := []struct {
		name      string
		secret    Secret
		tty       bool
		stdin     string
		want      string
		wantUsage bool   // a *FlagError is expected
		wantInErr string // the error must name this
		wantWarn  bool
	}{
		{name: "file wins over env", secret: Secret{File: private, Env: "RTXCTL_PASSWORD"}, want: "from-file"},
		{name: "file with crlf", secret: Secret{File: crlf}, want: "from-file"},
		{name: "readable file warns", secret: Secret{File: shared}, want: "shared-secret", wantWarn: true},
		{name: "missing file", secret: Secret{File: filepath.Join(dir, "nope")}, wantUsage: true},
		{name: "env", secret: Secret{Env: "RTXCTL_PASSWORD"}, want: "from-env"},
		{name: "empty env is a value", secret: Secret{Env: "EMPTY"}, want: ""},
		{name: "prompt on terminal", secret: Secret{What: "login password", Env: "UNSET"}, tty: true, stdin: "typed\n", want: "typed"},
		{name: "optional is not asked", secret: Secret{Env: "UNSET", Optional: true}, tty: true, stdin: "typed\n", want: ""},
		{
			name:      "no terminal names the variable",
			secret:    Secret{What: "administrator password", Env: "RTXCTL_ADMIN_PASSWORD", FileFlag: "--admin-password-file"},
			wantUsage: true, wantInErr: "RTXCTL_ADMIN_PASSWORD",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, in, _, errOut := iostreams.Test()
			in.WriteString(tt.stdin)
			if tt.tty {
				ios.SetStdinTTY(true)
			}
			got, err := ReadSecret(ios, lookupEnv, tt.secret)
			var flagErr *FlagError
			if tt.wantUsage != errors.As(err, &flagErr) {
				t.Fatalf("ReadSecret() error = %v, want usage error: %v", err, tt.wantUsage)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("ReadSecret() error = %q, want it to mention %q", err, tt.wantInErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadSecret() mismatch (-want +got):\n%s", diff)
			}
			if gotWarn := strings.Contains(errOut.String(), "warning:"); gotWarn != tt.wantWarn {
				t.Errorf("ReadSecret() stderr = %q, want warning: %v", errOut, tt.wantWarn)
			}
			if tt.want != "" && strings.Contains(errOut.String(), tt.want) {
				t.Errorf("ReadSecret() stderr leaks the secret: %q", errOut)
			}
		})
	}
}
