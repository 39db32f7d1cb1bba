package channel

import (
	"io"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces every registered secret in transcripts, logs and errors.
const Redacted = "<redacted>"

// secrets is the set of strings that must never be written anywhere.
type secrets struct {
	mu   sync.Mutex
	list []string // longest first, so a secret containing another is replaced whole
	rep  *strings.Replacer
}

func (s *secrets) add(secret string) {
	if secret == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.list {
		if have == secret {
			return
		}
	}
	s.list = append(s.list, secret)
	sort.Slice(s.list, func(i, j int) bool { return len(s.list[i]) > len(s.list[j]) })
	pairs := make([]string, 0, 2*len(s.list))
	for _, l := range s.list {
		pairs = append(pairs, l, Redacted)
	}
	s.rep = strings.NewReplacer(pairs...)
}

// redact returns text with every secret replaced.
func (s *secrets) redact(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rep == nil {
		return text
	}
	return s.rep.Replace(text)
}

// maxHeld bounds the text the transcript holds back while it waits for the
// end of a line (or of a hard-wrapped logical line); RTX command lines are at
// most 4095 characters.
const maxHeld = 16 * 1024

// transcript records a session in the golden-transcript format: one
// "> " line per line sent and one "< " line per line received. Received text
// is redacted on the assembled stream: a line is written only once it is
// complete (its line end arrived, or a line is sent), and a line as wide as
// the console is held until the next one shows whether it continues there,
// so that a secret split across reads or across a hard wrap is still seen
// whole. A wrapped line in which a secret was found is written joined.
type transcript struct {
	mu      sync.Mutex
	w       io.Writer
	redact  func(line string) string
	columns int             // console width; 0 = no line is taken as wrapped
	line    strings.Builder // received, unterminated
	held    []string        // complete physical lines of one logical line
	heldLen int
}

func (t *transcript) setColumns(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.columns = n
}

// received records cleaned text; backspaces are dropped.
func (t *transcript) received(b []byte) {
	if t.w == nil {
		return
	}
	text := strings.ReplaceAll(string(b), "\b", "")
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			t.line.WriteString(text)
			if t.line.Len() > maxHeld {
				t.endLine()
			}
			return
		}
		t.line.WriteString(text[:i])
		t.endLine()
		text = text[i+1:]
	}
}

// endLine ends the current physical line and writes the logical line it
// belongs to unless it may continue on the next.
func (t *transcript) endLine() {
	l := t.hold()
	// A line's length in bytes is at least its width on the console (a
	// character two columns wide takes three bytes), so every line that
	// fills the console is held; holding more only joins lines that are
	// then written as they were when they hold no secret.
	if t.columns > 0 && len(l) >= t.columns-1 && t.heldLen < maxHeld {
		return
	}
	t.writeHeld()
}

// writeHeld writes the held physical lines, redacted as one line.
func (t *transcript) writeHeld() {
	if len(t.held) == 0 {
		return
	}
	joined := strings.Join(t.held, "")
	if red := t.redact(joined); red != joined {
		t.put("< " + red)
	} else {
		for _, l := range t.held {
			t.put("< " + l)
		}
	}
	t.held = t.held[:0]
	t.heldLen = 0
}

// sent flushes everything received so far and records line as sent.
func (t *transcript) sent(line string) {
	if t.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
	t.put("> " + t.redact(line))
}

func (t *transcript) flush() {
	if t.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
}

func (t *transcript) flushLocked() {
	if t.line.Len() > 0 {
		t.hold()
	}
	t.writeHeld()
}

// hold moves the current line to the held lines and returns it.
func (t *transcript) hold() string {
	l := t.line.String()
	t.line.Reset()
	t.held = append(t.held, l)
	t.heldLen += len(l)
	return l
}

// put writes one transcript line. A failing transcript writer must not
// break the session, so its errors are ignored.
func (t *transcript) put(line string) {
	_, _ = io.WriteString(t.w, line+"\n")
}
