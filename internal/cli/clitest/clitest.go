// Package clitest supports the tests of the command packages under
// internal/cli: it runs a command's flag parsing the way the root command
// runs it, without touching the process environment.
package clitest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
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

// RefuseConnect returns a ConnectFunc for a command that must decide
// without the router: it fails t and returns an error.
func RefuseConnect(t testing.TB) cli.ConnectFunc {
	return func(context.Context, cli.Target) (*rtx.Client, error) {
		t.Error("command connected to the router")
		return nil, errors.New("no router")
	}
}

// AppendInterrupted appends to store the entry a run interrupted in the
// middle of a change leaves: action at host, pending until deadline, failed.
func AppendInterrupted(t testing.TB, store *state.Store, host string, action state.Action, deadline time.Time) {
	t.Helper()
	if _, err := store.Append(state.Entry{Host: host, Action: action, Pending: true, Deadline: deadline, Result: state.ResultFailed}); err != nil {
		t.Fatal(err)
	}
}

// CheckEntryState fails t unless entry id of host's journal in store is in
// state want.
func CheckEntryState(t testing.TB, store *state.Store, host string, id int, want state.State) {
	t.Helper()
	e, _, err := store.Entry(host, id)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != want {
		t.Errorf("%s entry %d: state = %q, want %q", host, id, e.State, want)
	}
}
