// Package iostreams gives commands their standard input, output and error
// streams, tells whether input comes from a terminal, and reads secrets
// without echo.
package iostreams

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// ErrNotTerminal is returned by [IOStreams.ReadPassword] when standard input
// is not a terminal, so no one can be asked.
var ErrNotTerminal = errors.New("standard input is not a terminal")

// IOStreams holds the streams of one rtxctl invocation. Commands write
// results to Out and everything else (prompts, notes, warnings) to ErrOut.
// The zero value is not usable: use [System] or [Test].
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY     bool
	readPassword func() ([]byte, error)
}

// System returns the process's standard streams.
func System() *IOStreams {
	fd := int(os.Stdin.Fd())
	return &IOStreams{
		In:           os.Stdin,
		Out:          os.Stdout,
		ErrOut:       os.Stderr,
		stdinTTY:     term.IsTerminal(fd),
		readPassword: func() ([]byte, error) { return term.ReadPassword(fd) },
	}
}

// Test returns streams backed by buffers, for tests: standard input is not a
// terminal until [IOStreams.SetStdinTTY] says otherwise.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetStdinTTY makes the streams behave as if standard input were (or were
// not) a terminal; a simulated terminal answers password prompts with the
// next line of In. It is meant for tests.
func (s *IOStreams) SetStdinTTY(tty bool) {
	s.stdinTTY = tty
	s.readPassword = func() ([]byte, error) { return readLine(s.In) }
}

// ReadPassword writes prompt to ErrOut and reads one line from the terminal
// without echoing it. It fails with [ErrNotTerminal] when standard input is
// not a terminal.
func (s *IOStreams) ReadPassword(prompt string) (string, error) {
	if !s.stdinTTY || s.readPassword == nil {
		return "", ErrNotTerminal
	}
	fmt.Fprint(s.ErrOut, prompt)
	b, err := s.readPassword()
	fmt.Fprintln(s.ErrOut)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

// readLine reads up to and without the next newline, one byte at a time so
// that nothing after it is consumed.
func readLine(r io.Reader) ([]byte, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return bytes.TrimSuffix(line, []byte("\r")), nil
			}
			line = append(line, b[0])
		}
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return line, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
