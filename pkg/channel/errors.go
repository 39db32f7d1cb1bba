package channel

import (
	"errors"
	"fmt"
)

// TimeoutError reports that the awaited pattern did not appear before the
// context ended. It unwraps to the context's error
// ([context.DeadlineExceeded] or [context.Canceled]).
type TimeoutError struct {
	Want string // the awaited patterns, joined by " | "
	Tail string // the last characters received (at most about 200), secrets redacted
	Err  error  // the context's error
}

// Error names the awaited patterns and shows the tail received.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("waiting for %s: %v (last received: %q)", e.Want, e.Err, e.Tail)
}

// Unwrap returns the context's error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// ErrNotQuiet is returned by [Channel.SetEncoding] when part of a character
// or escape sequence is still pending, so switching would corrupt text.
var ErrNotQuiet = errors.New("channel not at a quiet point")
