package rtxtest

import (
	"bytes"
	"context"
	"strings"
	"time"
)

// occurs reports whether a fault for occurrence want (0 = every time) applies to the nth
// time a command line was entered.
func occurs(want, n int) bool {
	return want == 0 || want == n
}

// dropFault reports whether a drop fault applies to the nth entry of line at the given
// moment ("before" or "after" the command runs).
func dropFault(drops []DropFault, line string, n int, when string) bool {
	for _, d := range drops {
		w := d.When
		if w == "" {
			w = "before"
		}
		if d.Command == line && w == when && occurs(d.Occurrence, n) {
			return true
		}
	}
	return false
}

// failFault returns the error line for the nth entry of line when a fault makes it fail
// ("" = the invalid-command error).
func failFault(fails []CommandFault, line string, n int) (string, bool) {
	for _, f := range fails {
		if f.Command == line && occurs(f.Occurrence, n) {
			return f.Error, true
		}
	}
	return "", false
}

// floodFault returns the flood fault for the nth entry of line starting at the given
// moment ("" = after the echo, "output" = after the command's output).
func floodFault(floods []FloodFault, line string, n int, after string) (FloodFault, bool) {
	for _, f := range floods {
		if f.Command == line && f.After == after && occurs(f.Occurrence, n) {
			return f, true
		}
	}
	return FloodFault{}, false
}

// floodChunk is roughly how many bytes a flood sends per write: memory stays bounded
// whatever the flood's length, and a client that stops reading blocks the flood.
const floodChunk = 32 << 10

// floodLine is the line a flood repeats when the fault names none.
const floodLine = "ip filter 500000 pass * * * * *"

// flood sends f's output and never a prompt: f.Bytes bytes and then silence (input is
// read and ignored) until the client leaves or the login timer expires, or, when Bytes is
// 0, until the connection fails or ctx is cancelled.
func (s *session) flood(ctx context.Context, f FloodFault) error {
	if err := s.flush(); err != nil {
		return err
	}
	line := f.Line
	if line == "" {
		line = floodLine
	}
	s.r.mu.Lock()
	unit := s.r.charset().encode(line + "\r\n")
	s.r.mu.Unlock()
	chunk := bytes.Repeat(unit, max(1, floodChunk/len(unit)))
	for left := f.Bytes; f.Bytes == 0 || left > 0; {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := chunk
		if f.Bytes > 0 && int64(len(b)) > left {
			b = b[:left]
		}
		if _, err := s.rw.Write(b); err != nil {
			return err
		}
		left -= int64(len(b))
	}
	for {
		if _, err := s.readByte(ctx); err != nil {
			return err
		}
	}
}

// pauseFaults returns the pause faults for the nth entry of line.
func pauseFaults(pauses []PauseFault, line string, n int) []PauseFault {
	var out []PauseFault
	for _, p := range pauses {
		if p.Command == line && occurs(p.Occurrence, n) {
			out = append(out, p)
		}
	}
	return out
}

// pauseAfter returns how long to pause after a physical output line, if a pause selects it.
func pauseAfter(pauses []PauseFault, line string) (time.Duration, bool) {
	for _, p := range pauses {
		if strings.HasSuffix(line, p.After) {
			if p.Delay == 0 {
				return time.Second, true
			}
			return p.Delay, true
		}
	}
	return 0, false
}
