package channel

import (
	"io"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Redacted replaces every registered secret in transcripts, logs and errors.
const Redacted = "<redacted>"

// secrets is the set of strings that must never be written anywhere.
type secrets struct {
	mu   sync.Mutex
	list []string // longest first, so a secret containing another is replaced whole
	max  int      // length in bytes of the longest secret
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
	s.max = max(s.max, len(secret))
	pairs := make([]string, 0, 2*len(s.list))
	for _, l := range s.list {
		pairs = append(pairs, l, Redacted)
	}
	s.rep = strings.NewReplacer(pairs...)
}

// redact returns text with every secret replaced, and the length of the
// longest secret.
func (s *secrets) redact(text string) (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rep == nil {
		return text, 0
	}
	return s.rep.Replace(text), s.max
}

// transcript records a session in the golden-transcript format: one
// "> " line per line sent and one "< " line per line received. Received text
// is redacted on the assembled stream: the last (longest secret - 1) bytes
// are held back until more text or a send shows whether they start a secret.
type transcript struct {
	mu      sync.Mutex
	w       io.Writer
	sec     *secrets
	pending string // received, redacted, not yet safe to write
	line    strings.Builder
}

func (t *transcript) received(text string) {
	if t.w == nil || text == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	red, maxLen := t.sec.redact(t.pending + text)
	cut := len(red) - max(maxLen-1, 0)
	for cut > 0 && cut < len(red) && !utf8.RuneStart(red[cut]) {
		cut--
	}
	if cut <= 0 {
		t.pending = red
		return
	}
	t.pending = red[cut:]
	t.lines(red[:cut])
}

// sent flushes everything received so far and records line as sent.
func (t *transcript) sent(line string) {
	if t.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
	red, _ := t.sec.redact(line)
	t.put("> " + red)
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
	t.lines(t.pending)
	t.pending = ""
	if t.line.Len() > 0 {
		t.put("< " + t.line.String())
		t.line.Reset()
	}
}

// lines writes every complete line of text and keeps the unterminated rest.
func (t *transcript) lines(text string) {
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			t.line.WriteString(text)
			return
		}
		t.line.WriteString(text[:i])
		t.put("< " + t.line.String())
		t.line.Reset()
		text = text[i+1:]
	}
}

// put writes one transcript line. A failing transcript writer must not
// break the session, so its errors are ignored.
func (t *transcript) put(line string) {
	_, _ = io.WriteString(t.w, line+"\n")
}
