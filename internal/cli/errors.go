package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagError reports a usage problem: a bad flag, argument or configuration
// value. rtxctl exits with status 2 and shows the command's usage.
type FlagError struct {
	Err error
}

func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying cause.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf formats a [FlagError]; a %w verb wraps its operand as usual.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitError gives err a command-specific exit status (see docs/exit-codes.md).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying cause.
func (e *ExitError) Unwrap() error { return e.Err }

// WrapFlagError is a cobra flag error function: it makes flag parsing
// errors *[FlagError]s, so that they exit with status 2.
func WrapFlagError(_ *cobra.Command, err error) error {
	var valueErr *pflag.InvalidValueError
	if errors.As(err, &valueErr) {
		name, value := valueErr.GetFlag().Name, valueErr.GetValue()
		if want, ok := flagValueKinds[valueErr.GetFlag().Value.Type()]; ok {
			// Say what the flag takes instead of the Go parser's error.
			err = fmt.Errorf("invalid --%s %q: want %s", name, value, want)
		} else {
			err = fmt.Errorf("invalid --%s %q: %w", name, value, valueErr.Unwrap())
		}
	}
	return &FlagError{Err: err}
}

// flagValueKinds says what a flag of each pflag type takes, for the
// message of a value that does not parse.
var flagValueKinds = map[string]string{
	"int":      "a whole number",
	"int64":    "a whole number",
	"uint":     "a whole number of 0 or more",
	"duration": "a duration such as 90s, 15m or 1h30m",
	"bool":     "true or false",
	"float64":  "a number",
}

// NoArgs is a cobra.PositionalArgs that accepts no arguments; an argument
// is reported as an unknown command, as a [FlagError], with the closest
// subcommand when one is near ("did you mean").
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which it sets only for its own message
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return FlagErrorf("unknown command %q for %q (did you mean %q?)", args[0], cmd.CommandPath(), s[0])
	}
	return FlagErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
}
