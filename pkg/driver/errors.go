package driver

import (
	"errors"
	"fmt"
	"strings"
)

// CommandError reports a command the device refused: its output contained
// an error line.
type CommandError struct {
	Command string // the command as sent
	Output  string // the whole output, echo and prompt removed
	Message string // the device's error line, e.g. "Error: Invalid command name"
}

// Error returns the command and the device's error line.
func (e *CommandError) Error() string {
	return fmt.Sprintf("command %q refused: %s", e.Command, e.Message)
}

// ErrBadPassword reports that the device rejected the password for a
// privilege level: after it was sent, the prompt stayed at the old level or
// the password question was repeated.
var ErrBadPassword = errors.New("password rejected")

// PrivilegeError reports a failed change of privilege level. Err is
// [ErrBadPassword], a [*CommandError] (the device refused the command) or a
// read or write failure.
type PrivilegeError struct {
	From, To string // level names
	Err      error
}

// Error names both levels and the cause.
func (e *PrivilegeError) Error() string {
	return fmt.Sprintf("change privilege from %s to %s: %v", e.From, e.To, e.Err)
}

// Unwrap returns Err.
func (e *PrivilegeError) Unwrap() error { return e.Err }

// PasswordError reports that a command asked for passwords (a [Question]
// with Secrets) and the device did not accept the answers: an error line
// followed them, or the question was asked again. It matches
// [ErrBadPassword] with errors.Is. It never contains a secret.
type PasswordError struct {
	Command string   // the command as sent
	Secrets []string // names of the secrets sent, in order
	Missing []string // names of those that were not set and went as empty lines
	Message string   // the device's error line; "" when it asked again instead
}

// Error names the command, the secrets sent and the device's message.
func (e *PasswordError) Error() string {
	s := fmt.Sprintf("command %q: %s password rejected", e.Command, strings.Join(e.Secrets, " and "))
	if len(e.Missing) > 0 {
		s += fmt.Sprintf(" (no %s password configured)", strings.Join(e.Missing, " or "))
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns [ErrBadPassword].
func (e *PasswordError) Unwrap() error { return ErrBadPassword }
