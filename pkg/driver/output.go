package driver

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// fact is something a session may have learned about the device.
type fact int8

const (
	unknown fact = iota
	yes
	no
)

// wrapping is what a session has learned about how the device hard-wraps
// its lines. Real routers put `console columns` - 1 display columns on a
// physical line and break in the middle of a token, in output and in the
// echo of typed commands (the prompt counts); an unseen device may use the
// full width. A wide character that does not fit moves whole to the next
// physical line, leaving the broken one a column short. Whether a line that
// fills a physical line exactly is followed by an extra empty one is not
// known either. The zero value knows nothing.
type wrapping struct {
	short  fact // a physical line holds columns - 1 (yes) or columns (no)
	blank  fact // an exactly full last physical line is followed by an empty one
	prompt int  // display width of the prompt the next echo follows; 0 if unknown
}

// joint is how [wrapping.unwrap] treats a line after a possibly full one.
type joint int

const (
	split     joint = iota // the line begins a logical line
	joined                 // the line continues the one before
	dropEmpty              // the line is the empty one after an exactly full line
)

// full reports whether a physical line n display columns wide may fill the
// physical line exactly.
func (w *wrapping) full(n, columns int) bool {
	switch w.short {
	case yes:
		return n == columns-1
	case no:
		return n == columns
	}
	return n == columns-1 || n == columns
}

// sure reports whether a physical line n display columns wide certainly
// fills the physical line exactly.
func (w *wrapping) sure(n, columns int) bool {
	return w.full(n, columns) && (w.short != unknown || n == columns)
}

// width is the width of a physical line: the learned one, or columns - 1
// as on every router seen so far.
func (w *wrapping) width(columns int) int {
	if w.short == no {
		return columns
	}
	return columns - 1
}

// learnWidth learns the width of a physical line from one that is known to
// be full and n display columns wide; next is the text after the break.
// Nothing is learned if a wide character starts next (it may have been one
// column too wide for the rest of the line).
func (w *wrapping) learnWidth(n int, next string, columns int) {
	if w.short != unknown || startsWide(next) {
		return
	}
	switch n {
	case columns - 1:
		w.short = yes
	case columns:
		w.short = no
	}
}

// unwrap joins the physical lines the device hard-wrapped back into logical
// lines, in place (lines is reused). start classifies the lines of the
// command's output (nil: nothing is known about them). A line is joined to the one before only if that one
// may be full, exactly or but for a wide character that did not fit; then
// start decides, and where it cannot, the width rule: a line exactly
// columns wide proves that the device uses the full width, otherwise
// columns - 1 is assumed, as real routers do.
func (w *wrapping) unwrap(lines []string, columns int, start func([]string, string) LineStart) []string {
	if columns <= 0 || len(lines) < 2 {
		return lines
	}
	if w.short == unknown && slices.ContainsFunc(lines, func(l string) bool { return displayWidth(l) == columns }) {
		w.short = no
	}
	// out ends with the logical line being built, so that start sees it.
	// It reuses lines: it never grows past the line being read.
	out := lines[:0]
	for i := 0; i < len(lines); {
		// Only joined lines are copied: a logical line of one physical line
		// is that line.
		last := lines[i]
		out = append(out, last)
		for i++; i < len(lines); i++ {
			j := w.join(out, last, lines[i], i == len(lines)-1, columns, start)
			if j == dropEmpty {
				i++
			}
			if j != joined {
				break
			}
			last = lines[i]
			out[len(out)-1] += last
		}
	}
	return out
}

// join decides how next relates to last, the physical line before it, which
// ends the last of before, the logical lines so far. final is set when next is the last line of the text, which may be
// an output read only in part (cut after a line end): an empty final line
// teaches nothing.
func (w *wrapping) join(before []string, last, next string, final bool, columns int, start func([]string, string) LineStart) joint {
	n := displayWidth(last)
	// breaksAt reports whether a device that puts width columns on a
	// physical line may have broken last before next.
	breaksAt := func(width int) bool { return n == width || n+1 == width && startsWide(next) }
	if !breaksAt(columns-1) && !breaksAt(columns) {
		return split
	}
	class := LineUnknown
	if start != nil {
		class = start(before, next)
	}
	if class == LineContinues {
		// What the platform knows of the command beats what the session
		// learned of the width.
		if next == "" {
			// A continuation is never empty: last ended exactly at the edge.
			if !final {
				w.blank = yes
			}
			return dropEmpty
		}
		w.learnWidth(n, next, columns)
		return joined
	}
	if !breaksAt(w.width(columns)) && w.short != unknown {
		return split
	}
	exact := w.short != unknown && n == w.width(columns)
	switch {
	case next == "":
		if w.blank == yes {
			return dropEmpty
		}
		return split
	case exact && w.blank == yes:
		// Such a device ends an exactly full line with an empty one.
		return joined
	case class == LineStarts:
		if exact {
			w.blank = no
		}
		return split
	}
	if breaksAt(w.width(columns)) {
		return joined
	}
	return split
}

// lineStart returns the platform's classifier of cmd's output lines, or
// nil if no rule applies.
func (d *Driver) lineStart(cmd string) func([]string, string) LineStart {
	for _, r := range d.p.Lines {
		if r.Command.MatchString(cmd) {
			return r.Start
		}
	}
	return nil
}

// stripEcho removes the device's echo of cmd from the start of out: it
// finds the typed characters (possibly preceded by redrawn text and broken
// by hard-wrap line ends) on the first lines and consumes up to the line end
// after them. If the echo cannot be found, the first line is dropped.
func (w *wrapping) stripEcho(out, cmd string, columns int) string {
	first := strings.IndexByte(out, '\n')
	if first < 0 {
		// No line end yet: the whole text is echo (a command with no output
		// whose prompt followed directly).
		return ""
	}
	want := []rune(cmd)
	// The echo (a line end after each of its physical lines) and the line
	// end after it lie within its first len(want)+2 lines: only they are
	// converted, so that a long output is neither converted nor copied.
	head := out[:lineSpan(out, len(want)+2)]
	text := []rune(head)
	firstRunes := utf8.RuneCountInString(out[:first])
	for start := 0; start <= firstRunes; start++ {
		if end, ok := echoAt(text, start, want); ok {
			return w.afterEcho(out, text, end, columns)
		}
	}
	return out[first+1:]
}

// lineSpan returns the length in bytes of the first n lines of s, line ends
// included (all of s if it has fewer).
func lineSpan(s string, n int) int {
	off := 0
	for range n {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			return len(s)
		}
		off += i + 1
	}
	return off
}

// afterEcho returns the text of out after the line end that follows the
// echo, which ends at end of text, the runes of the start of out. The echo's
// physical lines teach the wrap width (the
// prompt shares the first one); when the echo fills its last physical line
// exactly, an empty line after it is taken for the extra line end some
// devices print there, not for output, unless the device is known not to.
func (w *wrapping) afterEcho(out string, text []rune, end, columns int) string {
	nl := slices.Index(text[end:], '\n')
	if nl < 0 {
		return ""
	}
	nl += end
	// The byte offset of text[nl+1] in out: ranging over a string counts
	// runes as converting it to []rune does, an invalid byte as one.
	off, n := len(out), 0
	for i := range out {
		if n == nl+1 {
			off = i
			break
		}
		n++
	}
	rest := out[off:]
	if columns <= 0 {
		return rest
	}
	phys := strings.Split(string(text[:nl]), "\n")
	// Every physical line of the echo but the last is full.
	widths := make([]int, len(phys))
	for i, p := range phys {
		widths[i] = displayWidth(p)
	}
	if w.prompt > 0 {
		widths[0] += w.prompt
	}
	for i, n := range widths[:len(widths)-1] {
		if i > 0 || w.prompt > 0 {
			w.learnWidth(n, "", columns)
		}
	}
	col := widths[len(widths)-1]
	if len(phys) == 1 && w.prompt == 0 {
		return rest
	}
	if !w.full(col, columns) {
		return rest
	}
	if after, ok := strings.CutPrefix(rest, "\n"); ok && w.blank != no {
		return after
	}
	if rest != "" && w.sure(col, columns) {
		w.blank = no
	}
	return rest
}

// echoAt reports whether want appears in text at start, ignoring line ends
// inserted by wrapping, and returns the index after it.
func echoAt(text []rune, start int, want []rune) (int, bool) {
	i := start
	for _, r := range want {
		for i < len(text) && text[i] == '\n' && r != '\n' {
			i++
		}
		if i >= len(text) || text[i] != r {
			return 0, false
		}
		i++
	}
	return i, true
}

// startsWide reports whether s begins with a character two columns wide.
func startsWide(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size > 0 && runeWidth(r) == 2
}

// DisplayWidth returns the number of console columns s occupies on a
// Japanese terminal, as the device counts them when it hard-wraps: wide,
// full-width and ambiguous-width characters take two columns.
func DisplayWidth(s string) int { return displayWidth(s) }

// displayWidth counts the columns s occupies on a Japanese terminal.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the number of columns r occupies on a Japanese terminal:
// wide, full-width and ambiguous-width characters (two bytes in Shift_JIS)
// take two, ASCII and half-width katakana one.
func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 2
	}
	return 1
}
