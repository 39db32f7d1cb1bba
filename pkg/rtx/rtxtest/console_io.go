package rtxtest

import (
	"context"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// maxLine is the longest command line the console accepts.
const maxLine = 4095

// readByte returns the next input byte. It flushes pending output first, and fails with
// errIdle when the login timer expires, ErrDropped when the router restarted, ctx.Err()
// on cancellation, or the read error. While it waits, schedules and rollback timers fire
// when the clock reaches them.
func (s *session) readByte(ctx context.Context) (byte, error) {
	r := s.r
	for len(s.pending) == 0 {
		if err := s.flush(); err != nil {
			return 0, err
		}
		r.mu.Lock()
		r.tickLocked()
		now := r.now()
		restarted := s.restarts != r.restarts
		wait := s.lastInput.Add(r.loginTimer()).Sub(now)
		idle := wait <= 0
		if next := r.nextEventLocked(); !next.IsZero() && next.Sub(now) < wait {
			wait = next.Sub(now) // wake to fire a schedule or rollback timer on time
		}
		moved := r.clockMove
		r.mu.Unlock()
		switch {
		case restarted:
			return 0, ErrDropped
		case idle:
			return 0, errIdle
		}
		t := time.NewTimer(wait)
		select {
		case b := <-s.in:
			s.pending = b
		case err := <-s.inErr:
			t.Stop()
			return 0, err
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		case <-t.C:
			r.reportConfig() // a schedule or rollback timer was due
		case <-moved:
			r.reportConfig()
		}
		t.Stop()
	}
	b := s.pending[0]
	s.pending = s.pending[1:]
	r.mu.Lock()
	s.lastInput = r.now()
	r.mu.Unlock()
	return b, nil
}

// readLine reads one input line ended by CR or LF (each is one Enter), echoing typed
// characters when echo is set and handling backspace. Enter always moves to a new line.
func (s *session) readLine(ctx context.Context, echo bool) (string, error) {
	var buf []byte
	redraw := echo && s.faults().EchoRedraw
	for {
		b, err := s.readByte(ctx)
		if err != nil {
			return "", err
		}
		switch {
		case b == '\r' || b == '\n':
			s.writeLine("")
			return string(buf), nil
		case b == 0x08 || b == 0x7f:
			if len(buf) > 0 {
				buf = buf[:len(buf)-1]
				if echo {
					s.out.WriteString("\b \b")
					s.col = max(s.col-1, 0)
				}
			}
		case b < 0x20:
			// Other control characters (and escape sequences' ESC) are ignored.
		case len(buf) < maxLine:
			buf = append(buf, b)
			if echo {
				s.echo(b, redraw)
			}
		}
	}
}

// echo writes a typed character, wrapping like output: the prompt and the echo share the
// physical line.
func (s *session) echo(b byte, redraw bool) {
	width, eager := s.wrapWidth()
	if s.col >= width {
		s.out.WriteString("\r\n")
		s.col = 0
	}
	s.out.WriteByte(b)
	if redraw {
		s.out.WriteString("\b")
		s.out.WriteByte(b)
		s.out.WriteString("\x1b[K")
	}
	s.col++
	if eager && s.col >= width {
		s.out.WriteString("\r\n")
		s.col = 0
	}
}

// prompt writes the prompt: the console prompt prefix and `> ` or `# `.
func (s *session) prompt() {
	r := s.r
	r.mu.Lock()
	p := r.promptPrefix() + "> "
	if s.admin {
		p = r.promptPrefix() + "# "
	}
	r.mu.Unlock()
	s.write(p)
	s.col = textWidth(p)
}

// promptPrefix is the `console prompt` setting.
func (r *Router) promptPrefix() string {
	for _, line := range r.running.withPrefix("console") {
		if ws := tokenize(line); len(ws) >= 3 && strings.EqualFold(ws[1].text, "prompt") {
			return ws[2].text
		}
	}
	return ""
}

// wrapWidth is how many display columns a physical line holds: `console columns` - 1, or
// `console columns` with the wrap_width variant "columns". eager reports the wrap_exact
// variant "blank": the router breaks the line as soon as it is full, so a line exactly as
// wide as a physical line is followed by an empty one.
func (s *session) wrapWidth() (width int, eager bool) {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	width = 80
	if v, ok := s.r.running.get("console columns"); ok && len(v) > 0 {
		if n, err := strconv.Atoi(v[0]); err == nil && n > 0 {
			width = n
		}
	}
	v := s.r.sc.Variants
	if v.WrapWidth != "columns" {
		width--
	}
	return width, v.WrapExact == "blank"
}

// pageLines is the `console lines` setting; 0 = infinity.
func (s *session) pageLines() int {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if v, ok := s.r.running.get("console lines"); ok && len(v) > 0 {
		if strings.EqualFold(v[0], "infinity") {
			return 0
		}
		if n, err := strconv.Atoi(v[0]); err == nil {
			return n
		}
	}
	return 24
}

// write queues text in the current console character encoding.
func (s *session) write(text string) {
	s.r.mu.Lock()
	cs := s.r.charset()
	s.r.mu.Unlock()
	s.out.Write(cs.encode(text))
}

// writeLine queues text and a CRLF.
func (s *session) writeLine(text string) {
	s.write(text + "\r\n")
	s.col = 0
}

// errorLine queues the error line for a failed command.
func (s *session) errorLine(err error) {
	s.r.mu.Lock()
	text := s.r.errorText(err)
	s.r.mu.Unlock()
	s.writeLine(text)
}

// flush sends queued output in one write.
func (s *session) flush() error {
	if s.out.Len() == 0 {
		return nil
	}
	_, err := s.rw.Write(s.out.Bytes())
	s.out.Reset()
	return err
}

// runeWidth is a character's width on the console: 2 for East Asian wide and full-width
// characters, 1 otherwise.
func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// wrap hard-wraps a line into physical lines of at most width display columns (wide
// characters count 2; one that does not fit moves whole to the next physical line). When
// eager is set, a last physical line that is exactly full is followed by an empty one.
func wrap(line string, width int, eager bool) []string {
	var out []string
	var cur strings.Builder
	w := 0
	for _, r := range line {
		rw := runeWidth(r)
		if w+rw > width && w > 0 {
			out = append(out, cur.String())
			cur.Reset()
			w = 0
		}
		cur.WriteRune(r)
		w += rw
	}
	out = append(out, cur.String())
	if eager && w == width {
		out = append(out, "")
	}
	return out
}

// wrapLines returns the physical lines of output lines, wrapped as the console wraps them.
func (s *session) wrapLines(lines []string) []string {
	width, eager := s.wrapWidth()
	var physical []string
	for _, line := range lines {
		physical = append(physical, wrap(line, width, eager)...)
	}
	return physical
}

// printPhysical writes physical lines as they are, stopping every `console lines` - 1
// lines at the pager marker: SPACE shows the next page, Enter the next line, q or Ctrl-C
// stops the output. Before the line end of a line a pause fault selects, it sends what it
// has and waits.
func (s *session) printPhysical(ctx context.Context, lines []string, pauses []PauseFault) error {
	page := s.pageLines()
	shown := 0
	for _, line := range lines {
		if page > 0 && shown >= page-1 {
			next, err := s.pager(ctx)
			if err != nil || next < 0 {
				return err
			}
			shown = page - 1 - next
		}
		if d, ok := pauseAfter(pauses, line); ok {
			s.write(line)
			if err := s.wait(ctx, d); err != nil {
				return err
			}
			line = ""
		}
		s.writeLine(line)
		shown++
	}
	return nil
}

// pager shows the marker and waits for a key; it returns how many lines to show before
// the next stop (the page size for SPACE, 1 for Enter) or -1 to stop the output.
func (s *session) pager(ctx context.Context) (int, error) {
	r := s.r
	r.mu.Lock()
	marker := r.text("pager_marker")
	if v := r.sc.Variants.PagerMarkerJapanese; r.charset().japanese && v != "" {
		marker = v
	}
	if v := r.sc.Variants.PagerMarkerEnglish; !r.charset().japanese && v != "" {
		marker = v
	}
	backspaces := r.sc.Variants.PagerErase == "backspaces"
	r.mu.Unlock()
	s.write(marker)
	n := textWidth(marker)
	erase := "\r" + strings.Repeat(" ", n) + "\r"
	if backspaces {
		erase = strings.Repeat("\b", n) + strings.Repeat(" ", n) + strings.Repeat("\b", n)
	}
	for {
		b, err := s.readByte(ctx)
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ':
			s.out.WriteString(erase)
			return s.pageLines() - 1, nil
		case '\r', '\n':
			s.out.WriteString(erase)
			return 1, nil
		case 'q', 'Q', 0x03:
			s.out.WriteString(erase)
			return -1, nil
		}
	}
}
