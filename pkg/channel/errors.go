package channel

import (
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/pkg/transport"
)

// TimeoutError reports that the awaited pattern did not appear before the
// context ended. It unwraps to the context's error
// ([context.DeadlineExceeded] or [context.Canceled]).
type TimeoutError struct {
	Want string // the awaited patterns, joined by " | "; "send" for a write
	Tail string // the last characters received (at most about 200), secrets redacted
	Err  error  // the context's error
	// Sending says that the device was still sending when the context
	// ended (kilobytes within the last second or two): the channel closed
	// the session, as it would not reach a prompt in any useful time.
	Sending bool
}

// Error says what timed out and shows the tail received, in words for
// operators (the patterns are left to Want).
func (e *TimeoutError) Error() string {
	why := transport.ContextCause(e.Err)
	switch {
	case e.Want == wantSend:
		return fmt.Sprintf("sending to the router: %s", why)
	case e.Sending:
		return fmt.Sprintf("router still sending without a prompt when the time ran out (%s; last received: %q); session closed", why, e.Tail)
	case e.Tail == "":
		return fmt.Sprintf("waiting for the router: %s, nothing received", why)
	}
	return fmt.Sprintf("waiting for the router: %s (last received: %q)", why, e.Tail)
}

// wantSend is the Want of a TimeoutError of a write.
const wantSend = "send"

// Unwrap returns the context's error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// ErrNotQuiet is returned by [Channel.SetEncoding] when part of a character
// or escape sequence is still pending, so switching would corrupt text.
var ErrNotQuiet = errors.New("channel not at a quiet point")

// OutputLimitError reports that the device sent more text than
// [Config].MaxOutput while a read waited for its pattern (a prompt). The
// session is closed: what follows cannot be told apart from the rest of
// the flood.
type OutputLimitError struct {
	Limit int // the limit in bytes
}

// Error says how much the router sent, in words for operators.
func (e *OutputLimitError) Error() string {
	return fmt.Sprintf("router sent more than %s without a prompt", size(e.Limit))
}

// size formats n bytes in the largest binary unit that divides it.
func size(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
