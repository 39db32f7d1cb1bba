package channel

import "unicode/utf8"

// cleaner removes terminal control sequences from decoded text and
// normalises line ends. It is streaming: an escape sequence or a carriage
// return at the end of one chunk is held until the next chunk shows how it
// ends.
type cleaner struct {
	crs     int    // carriage returns seen but not yet resolved
	esc     []rune // escape sequence in progress, starting with ESC
	erasing bool   // a pager key was sent: the next CR/BS/space run is the marker's erase sequence
	hold    []rune // candidate erase sequence while erasing
	out     []byte // cleaned text, reused
}

const (
	esc = '\x1b'
	bel = '\a'
	bs  = '\b'
)

// startErase tells the cleaner that the device is about to erase a pager
// marker, so a leading run of CR, backspace and space characters ending in
// CR or backspace is dropped.
func (c *cleaner) startErase() {
	c.erasing = true
	c.hold = c.hold[:0]
}

// pending reports whether the cleaner holds unresolved input.
func (c *cleaner) pending() bool {
	return c.crs > 0 || len(c.esc) > 0 || (c.erasing && len(c.hold) > 0)
}

// clean returns the cleaned form of the UTF-8 text p. Backspaces are passed
// through for the caller to apply to the text already collected. The result
// is valid until the next call.
func (c *cleaner) clean(p []byte) []byte {
	c.out = c.out[:0]
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		p = p[size:]
		c.put(r)
	}
	return c.out
}

func (c *cleaner) put(r rune) {
	if len(c.esc) > 0 {
		c.escape(r)
		return
	}
	if c.crs > 0 {
		switch r {
		case '\r':
			c.crs++
			return
		case '\n', 0:
			if c.erasing {
				// An empty line right after the erased marker: the CR ends the erase run.
				c.hold = append(c.hold, '\r')
			}
			c.crs = 0
			c.emit('\n')
			return
		}
		// A lone carriage return is part of a pager erase sequence, or a
		// line end from a device (or Telnet layer) that sends bare CR.
		if c.erasing {
			for ; c.crs > 0; c.crs-- {
				c.hold = append(c.hold, '\r')
			}
		} else {
			c.crs = 0
			c.emit('\n')
		}
	}
	switch {
	case r == '\r':
		c.crs = 1
	case r == esc:
		c.esc = append(c.esc[:0], r)
	case r == '\n' || r == '\t' || r == bs || r >= ' ' && r != 0x7f:
		c.emit(r)
	}
	// Other control characters (NUL, BEL, DEL, ...) carry no text.
}

// emit writes r, first resolving a pending pager erase sequence.
func (c *cleaner) emit(r rune) {
	if c.erasing {
		if r == ' ' || r == bs {
			c.hold = append(c.hold, r)
			return
		}
		last := -1
		for i, h := range c.hold {
			if h == '\r' || h == bs {
				last = i
			}
		}
		// Spaces after the last CR or backspace are real text (an indented
		// line that follows the erased marker).
		for _, h := range c.hold[last+1:] {
			c.out = utf8.AppendRune(c.out, h)
		}
		c.erasing = false
		c.hold = c.hold[:0]
	}
	c.out = utf8.AppendRune(c.out, r)
}

// escape consumes one rune of an escape sequence: CSI (ESC [ ... final),
// OSC (ESC ] ... BEL or ESC \), charset selection (ESC ( X) or a two-rune
// sequence (ESC X).
func (c *cleaner) escape(r rune) {
	c.esc = append(c.esc, r)
	n := len(c.esc)
	if n == 2 {
		switch r {
		case '[', ']', '(', ')':
			return
		}
		c.esc = c.esc[:0]
		return
	}
	switch c.esc[1] {
	case '[':
		if r >= 0x40 && r <= 0x7e {
			c.esc = c.esc[:0]
		}
	case ']':
		if r == bel || (r == '\\' && c.esc[n-2] == esc) {
			c.esc = c.esc[:0]
		}
	default:
		c.esc = c.esc[:0]
	}
	// Guard against a runaway sequence swallowing all output.
	if len(c.esc) > 64 {
		c.esc = c.esc[:0]
	}
}
