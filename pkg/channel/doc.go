// Package channel turns a raw console byte stream into a prompt-aware session.
//
// It sits between pkg/transport (which yields an [io.ReadWriteCloser] carrying
// the console's bytes over SSH or Telnet) and pkg/driver (which runs commands).
// It imports only the standard library and golang.org/x/text; it never prints,
// reads the environment or calls os.Exit.
//
// A [Channel] owns one reader goroutine and one streaming decoder per session.
// Received bytes are decoded (Shift_JIS, EUC-JP, UTF-8 or ASCII) before any
// matching, because raw Shift_JIS trail bytes include '\' and '|'. The decoded
// text is cleaned: ANSI/VT100 escape sequences are removed, line ends
// ("\r\r\n", "\r\n", "\r\x00" and a bare "\r") become "\n", and backspaces erase the previous
// character of the current line.
//
// [Channel.ReadUntil] returns as soon as one of its patterns matches at the
// very end of the text received so far: a prompt is the last thing a device
// sends before it waits for input. Pager markers (see [Config].Pager) are
// answered with a key and removed together with the device's erase sequence.
//
// Text that looks like a prompt but may be ordinary output (for example a
// "# " comment line of a configuration listing when the administrator prompt
// is a bare "# ") is resolved by [Expect].Judge: the caller may reject a
// match as output, or have it settled: only for matches the caller settles,
// the channel waits for Quiet with no further bytes before accepting the
// match; any new byte proves it was output. Unambiguous matches are
// accepted immediately, so no fixed delay is ever added.
//
// Reads are bounded. The reader goroutine hands each read over and waits
// until it is taken, so a device that sends faster than the session reads
// is held back by the connection's flow control rather than buffered; only
// the cleaned text since the last match is kept (raw bytes are decoded as
// they are taken), and patterns are tried on the last kilobyte only. A read
// fails with an [*OutputLimitError] and closes the session once that text
// exceeds [Config].MaxOutput (16 MiB by default), and with a
// [*TimeoutError] when its context ends, even while the device keeps
// sending.
//
// Secrets are never written: values registered with [Channel.Redact] and,
// through [Config].RedactLine, secrets recognised by their form are hidden
// in the transcript, in logged lines and in the text errors carry. The
// transcript redacts whole lines (hard-wrapped lines joined), so a secret
// split across reads or across a wrap is still found.
//
// Usage:
//
//	ch := channel.New(conn, channel.Config{Encoding: channel.ShiftJIS})
//	defer ch.Close()
//	if err := ch.WriteLine(ctx, "show config | grep console"); err != nil { ... }
//	m, err := ch.ReadUntil(ctx, regexp.MustCompile(`\n# `))
//
// A Channel is not safe for concurrent use, except that [Channel.Close] may be
// called from another goroutine to abort a blocked read.
package channel
