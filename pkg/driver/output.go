package driver

import (
	"strings"

	"golang.org/x/text/width"
)

// stripEcho removes the device's echo of cmd from the start of out: it
// finds the typed characters (possibly preceded by redrawn text and broken
// by hard-wrap line ends) on the first lines and consumes up to the line end
// after them. If the echo cannot be found, the first line is dropped.
func stripEcho(out, cmd string) string {
	first := strings.IndexByte(out, '\n')
	if first < 0 {
		// No line end yet: the whole text is echo (a command with no output
		// whose prompt followed directly).
		return ""
	}
	want := []rune(cmd)
	text := []rune(out)
	firstRunes := len([]rune(out[:first]))
	for start := 0; start <= firstRunes; start++ {
		if end, ok := echoAt(text, start, want); ok {
			rest := string(text[end:])
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				return rest[i+1:]
			}
			return ""
		}
	}
	return out[first+1:]
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

// unwrap joins lines the device hard-wrapped: a line whose display width is
// exactly columns continues on the next line.
func unwrap(lines []string, columns int) []string {
	if columns <= 0 {
		return lines
	}
	var out []string
	var cur strings.Builder
	for i, l := range lines {
		cur.WriteString(l)
		if displayWidth(l) == columns && i < len(lines)-1 {
			continue
		}
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// displayWidth counts the columns s occupies on a Japanese terminal: wide,
// full-width and ambiguous-width characters (two bytes in Shift_JIS) take
// two columns, ASCII and half-width katakana one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return n
}
