// Package clitest supports the tests of the command packages under
// internal/cli: it runs a command's flag parsing the way the root command
// runs it, without touching the process environment.
package clitest

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
)

// NewFactory returns a Factory over test streams whose config file is cfg
// and whose environment holds only XDG_STATE_HOME, set to stateHome; an
// empty stateHome leaves the environment empty.
func NewFactory(cfg *config.Config, stateHome string) *cli.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cli.Factory{
		IO:     ios,
		Config: func() (*config.Config, error) { return cfg, nil },
		LookupEnv: func(k string) (string, bool) {
			if k != "XDG_STATE_HOME" || stateHome == "" {
				return "", false
			}
			return stateHome, true
		},
	}
}

// Execute builds a command with newCmd and f and runs it with args, as the
// root runs its subcommands: help and errors go to f.IO.ErrOut, and flag
// parsing errors become *cli.FlagError. It returns the options the command
// handed to its action, nil if it did not get that far, and the error of
// the run.
func Execute[O any](f *cli.Factory, newCmd func(*cli.Factory, func(*O) error) *cobra.Command, args []string) (*O, error) {
	var got *O
	cmd := newCmd(f, func(o *O) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(f.IO.ErrOut)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetFlagErrorFunc(cli.WrapFlagError)
	err := cmd.Execute()
	return got, err
}

// CheckUsage fails t unless err is a *cli.FlagError when wantUsage is set,
// or nil when it is not. It reports whether the test goes on to check the
// parsed options, that is whether wantUsage is unset.
func CheckUsage(t testing.TB, err error, wantUsage bool) bool {
	t.Helper()
	var flagErr *cli.FlagError
	if wantUsage {
		if !errors.As(err, &flagErr) {
			t.Fatalf("error = %v, want a *cli.FlagError", err)
		}
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}
