package channel

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// text is the cleaned text received since the last match. Complete lines
// are kept in blocks of at most blockSize bytes and joined only once, when
// a match hands them out (a short text, in a single block, is handed out
// without a copy), so collecting a long output costs about twice its size at
// most. Only the last, unterminated line stays editable: backspaces and
// pager markers only ever change that line.
type text struct {
	blocks  []string        // full blocks of complete lines
	cur     strings.Builder // the block being filled
	doneLen int             // bytes in blocks and cur
	line    []byte          // the unterminated last line
}

// blockSize is the size of one block of complete lines.
const blockSize = 1 << 20

// maxKeptLine is the capacity above which the buffer of the last line is
// dropped rather than reused after a match.
const maxKeptLine = 64 * 1024

// len returns the length of the text in bytes.
func (t *text) len() int { return t.doneLen + len(t.line) }

// add appends cleaned text, applying backspaces to the last line.
func (t *text) add(s []byte) {
	for {
		i := bytes.IndexByte(s, '\b')
		if i < 0 {
			t.addLines(s)
			return
		}
		t.addLines(s[:i])
		if _, size := utf8.DecodeLastRune(t.line); size > 0 {
			t.line = t.line[:len(t.line)-size]
		}
		s = s[i+1:]
	}
}

// addLines appends text without backspaces.
func (t *text) addLines(s []byte) {
	i := bytes.LastIndexByte(s, '\n')
	if i < 0 {
		t.line = append(t.line, s...)
		return
	}
	t.write(t.line)
	t.write(s[:i+1])
	t.line = append(t.line[:0], s[i+1:]...)
}

// write appends complete lines to the blocks.
func (t *text) write(p []byte) {
	t.doneLen += len(p)
	for len(p) > 0 {
		if t.cur.Len() == blockSize {
			t.blocks = append(t.blocks, t.cur.String())
			t.cur = strings.Builder{}
		}
		k := min(blockSize-t.cur.Len(), len(p))
		if len(t.blocks) > 0 {
			// A long text: take whole blocks at once.
			t.cur.Grow(blockSize - t.cur.Len())
		} else {
			t.cur.Grow(k) // doubles the capacity when it must grow
		}
		t.cur.Write(p[:k])
		p = p[k:]
	}
}

// parts returns the complete lines as strings, in order, without copying.
func (t *text) parts() []string {
	return append(t.blocks[:len(t.blocks):len(t.blocks)], t.cur.String())
}

// slice returns the bytes from offset from to offset to, copying only when
// they span more than one part.
func (t *text) slice(from, to int) string {
	if from >= t.doneLen {
		return string(t.line[from-t.doneLen : to-t.doneLen])
	}
	var b strings.Builder
	off := 0
	for _, p := range t.parts() {
		lo, hi := max(from-off, 0), min(to-off, len(p))
		off += len(p)
		if lo >= hi {
			continue
		}
		if b.Len() == 0 && hi-lo == to-from {
			return p[lo:hi]
		}
		b.Grow(to - from - b.Len())
		b.WriteString(p[lo:hi])
	}
	if to > t.doneLen {
		b.Write(t.line[max(from-t.doneLen, 0) : to-t.doneLen])
	}
	return b.String()
}

// head returns the first n bytes of the text.
func (t *text) head(n int) string { return t.slice(0, min(n, t.len())) }

// tail returns the last n bytes of the text (fewer if it is shorter), and
// the offset at which they start.
func (t *text) tail(n int) (string, int) {
	start := max(t.len()-n, 0)
	return t.slice(start, t.len()), start
}

// reset empties the text; a large buffer is released rather than kept.
func (t *text) reset() {
	t.blocks = nil
	t.cur = strings.Builder{}
	t.doneLen = 0
	if cap(t.line) > maxKeptLine {
		t.line = nil
	}
	t.line = t.line[:0]
}
