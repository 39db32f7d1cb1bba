package rtx

import (
	"errors"
	"iter"
	"regexp"
	"strings"
)

// errNotText reports input that contains NUL bytes and so cannot be console output.
var errNotText = errors.New("parse show config: input contains NUL bytes")

// ShowConfig is the parsed output of `show config` (or of a filtered form such
// as `show config | grep bgp`, which has no header).
//
// The zero value is an empty configuration. A ShowConfig is a plain value:
// it is safe for concurrent reads and must not be modified concurrently.
type ShowConfig struct {
	// Model and Revision come from the first header line
	// `# MODEL Rev.X.Y.Z (build date)`; Revision is "X.Y.Z" without the
	// "Rev." prefix. Both are "" when the header is missing.
	Model    string
	Revision string
	// Header holds the header comment lines without the leading "#" and
	// surrounding spaces. The `Reporting Date:` line changes on every call,
	// so it is left out; two reads of the same configuration compare equal.
	Header []string
	// Lines are the top-level configuration lines in the router's order.
	// Indented lines (for example inside `tunnel select N`) are children of
	// the line they follow.
	Lines []ConfigLine
}

// ConfigLine is one configuration command with the commands nested under it.
type ConfigLine struct {
	// Text is the command without indentation and trailing spaces.
	Text string
	// Children are the lines indented one level deeper, in order; nil when
	// the line opens no block.
	Children []ConfigLine
}

var (
	headerModelRE = regexp.MustCompile(`^(\S+) Rev\.(\d+\.\d+\.\d+)`)
	// reportingDateRE matches the header line that only carries the time of the report.
	reportingDateRE = regexp.MustCompile(`^Reporting Date\s*:`)
)

// ParseShowConfig parses the text printed by `show config`.
//
// It accepts CRLF or LF line ends, trailing spaces, blank lines, a leading
// `Searching ...` line left by `| grep`, and output without a header. Lines
// it does not know are kept verbatim, so nothing is lost. The indentation of
// a line (one space per level) places it inside the preceding block; a line
// indented deeper than its predecessor allows is attached one level below
// it. ParseShowConfig never fails on well-formed UTF-8; the error result is
// reserved for input that is not text at all (NUL bytes).
func ParseShowConfig(text string) (*ShowConfig, error) {
	if strings.ContainsRune(text, 0) {
		return nil, errNotText
	}
	sc := &ShowConfig{}
	var stack []*[]ConfigLine // stack[d] is the slice that receives lines of depth d
	stack = append(stack, &sc.Lines)
	for l := range configLines(text) {
		if l.header {
			sc.addHeader(strings.TrimSpace(strings.TrimPrefix(l.body, "#")))
			continue
		}
		depth := l.depth
		if depth > len(stack)-1 {
			depth = len(stack) - 1
		}
		stack = stack[:depth+1]
		parent := stack[depth]
		*parent = append(*parent, ConfigLine{Text: l.body})
		last := &(*parent)[len(*parent)-1]
		stack = append(stack, &last.Children)
	}
	return sc, nil
}

// configLine is one line of `show config` output that [ParseShowConfig]
// keeps.
type configLine struct {
	header bool   // a `#` line of the leading header
	depth  int    // indentation: spaces and tabs before body
	body   string // the line without indentation and trailing spaces
}

// configLines yields the lines of `show config` output that
// [ParseShowConfig] keeps, in order: the leading header lines, then the
// configuration lines; blank lines and a first `Searching ...` line (left
// by `| grep`) are left out. Lines end at LF, CRLF or a lone CR. The lines
// are slices of text: nothing is copied.
func configLines(text string) iter.Seq[configLine] {
	return func(yield func(configLine) bool) {
		inHeader, first := true, true
		for rest := text; rest != ""; {
			line := rest
			rest = ""
			if i := strings.IndexAny(line, "\r\n"); i >= 0 {
				crlf := line[i] == '\r' && strings.HasPrefix(line[i+1:], "\n")
				line, rest = line[:i], line[i+1:]
				if crlf {
					rest = rest[1:]
				}
			}
			line = strings.TrimRight(line, " \t")
			if strings.TrimSpace(line) == "" {
				continue
			}
			if first && strings.TrimSpace(line) == "Searching ..." {
				first = false
				continue
			}
			first = false
			body := strings.TrimLeft(line, " \t")
			inHeader = inHeader && strings.HasPrefix(body, "#")
			if !yield(configLine{header: inHeader, depth: len(line) - len(body), body: body}) {
				return
			}
		}
	}
}

func (sc *ShowConfig) addHeader(h string) {
	if reportingDateRE.MatchString(h) {
		return
	}
	if len(sc.Header) == 0 {
		if m := headerModelRE.FindStringSubmatch(h); m != nil {
			sc.Model, sc.Revision = m[1], m[2]
		}
	}
	sc.Header = append(sc.Header, h)
}

// splitLines splits text at LF, CRLF or a lone CR.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// TopLevel returns the text of the top-level lines, in order.
func (sc *ShowConfig) TopLevel() []string {
	out := make([]string, 0, len(sc.Lines))
	for _, l := range sc.Lines {
		out = append(out, l.Text)
	}
	return out
}

// BGP returns the BGP model built from the top-level `bgp ...` lines.
func (sc *ShowConfig) BGP() *BGP {
	return ParseBGPLines(sc.TopLevel())
}

// String renders the configuration in the router's layout: header lines
// prefixed with "# ", then the lines with one space of indentation per level,
// each ending in LF. Parsing the result gives an equal ShowConfig.
func (sc *ShowConfig) String() string {
	var b strings.Builder
	for _, h := range sc.Header {
		b.WriteString("# ")
		b.WriteString(h)
		b.WriteByte('\n')
	}
	writeLines(&b, sc.Lines, 0)
	return b.String()
}

func writeLines(b *strings.Builder, lines []ConfigLine, depth int) {
	for _, l := range lines {
		b.WriteString(strings.Repeat(" ", depth))
		b.WriteString(l.Text)
		b.WriteByte('\n')
		writeLines(b, l.Children, depth+1)
	}
}
