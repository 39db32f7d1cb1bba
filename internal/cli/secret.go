package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/rtxctl/rtxctl/internal/iostreams"
)

// Environment variables that carry secrets.
const (
	PasswordEnv      = "RTXCTL_PASSWORD"
	AdminPasswordEnv = "RTXCTL_ADMIN_PASSWORD"
)

// Secret says where one secret may come from.
type Secret struct {
	What     string // human name, e.g. "login password"
	File     string // file holding the secret (flag or config file); "" = none
	FileFlag string // flag that names such a file, for messages
	Env      string // environment variable holding the secret
	Optional bool   // a missing secret is not an error, and no one is asked
}

// ReadSecret returns a secret from, in this order: s.File (trailing newline
// removed; a warning goes to ios.ErrOut when the file is readable by group
// or others), the environment variable s.Env (looked up with lookupEnv; set
// but empty means an empty secret), or a no-echo prompt when standard input
// is a terminal. Otherwise it fails with a [FlagError] naming the variable
// to set, or returns "" when s.Optional. The secret never appears in an
// error.
func ReadSecret(ios *iostreams.IOStreams, lookupEnv func(string) (string, bool), s Secret) (string, error) {
	if s.File != "" {
		return readSecretFile(ios, s)
	}
	if v, ok := lookupEnv(s.Env); ok {
		return v, nil
	}
	if s.Optional {
		return "", nil
	}
	if !ios.IsStdinTTY() {
		return "", FlagErrorf("no %s: set %s or use %s (standard input is not a terminal, so rtxctl cannot ask)", s.What, s.Env, s.FileFlag)
	}
	v, err := ios.ReadPassword(strings.ToUpper(s.What[:1]) + s.What[1:] + ": ")
	if err != nil {
		return "", fmt.Errorf("read %s: %w", s.What, err)
	}
	return v, nil
}

func readSecretFile(ios *iostreams.IOStreams, s Secret) (string, error) {
	st, err := os.Stat(s.File)
	if err != nil {
		return "", &FlagError{Err: fmt.Errorf("read %s: %w", s.What, err)}
	}
	if st.Mode().Perm()&0o044 != 0 {
		fmt.Fprintf(ios.ErrOut, "warning: %s file %s is readable by other users; run: chmod 600 %s\n", s.What, s.File, s.File)
	}
	data, err := os.ReadFile(s.File)
	if err != nil {
		return "", &FlagError{Err: fmt.Errorf("read %s: %w", s.What, err)}
	}
	v := strings.TrimSuffix(string(data), "\n")
	return strings.TrimSuffix(v, "\r"), nil
}
