package rtxtest

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// word is one token of a command line: raw is as typed (quotes and escapes kept), text is
// its value.
type word struct {
	raw, text string
	pipe      bool // an unquoted, unescaped `|`
}

// tokenize splits a command line into words at unquoted spaces; `'...'`, `"..."` and
// backslash escapes protect special characters.
func tokenize(line string) []word {
	var (
		words      []word
		raw, text  strings.Builder
		inWord     bool
		quote      byte
		quotedPart bool
	)
	flush := func() {
		if inWord {
			words = append(words, word{raw: raw.String(), text: text.String(), pipe: raw.String() == "|" && !quotedPart})
		}
		raw.Reset()
		text.Reset()
		inWord, quotedPart = false, false
	}
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0:
			raw.WriteByte(ch)
			if ch == quote {
				quote = 0
			} else {
				text.WriteByte(ch)
			}
		case ch == '\\' && i+1 < len(line):
			i++
			raw.WriteByte(ch)
			raw.WriteByte(line[i])
			text.WriteByte(line[i])
			inWord, quotedPart = true, true
		case ch == '\'' || ch == '"':
			quote = ch
			raw.WriteByte(ch)
			inWord, quotedPart = true, true
		case ch == ' ' || ch == '\t':
			flush()
		default:
			raw.WriteByte(ch)
			text.WriteByte(ch)
			inWord = true
		}
	}
	flush()
	return words
}

// texts returns the values of words.
func texts(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}

// raws joins the words as typed, separated by single spaces: the form stored in the configuration.
func raws(ws []word) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.raw
	}
	return strings.Join(out, " ")
}

// splitPipes separates `show ... | grep ...` into the command and its pipe stages.
func splitPipes(ws []word) (cmd []word, stages [][]word) {
	cur := &cmd
	for _, w := range ws {
		if w.pipe {
			stages = append(stages, nil)
			cur = &stages[len(stages)-1]
			continue
		}
		*cur = append(*cur, w)
	}
	return cmd, stages
}

// cmdError is a command failure: the message key of the error line to print.
type cmdError string

func (e cmdError) Error() string { return string(e) }

const (
	errInvalidCommand cmdError = "invalid_command"
	errAdminOnly      cmdError = "admin_only"
	errParamCount     cmdError = "parameter_count"
	errKeyword        cmdError = "illegal_keyword"
	errRange          cmdError = "out_of_range"
	errInteger        cmdError = "not_integer"
	errIP             cmdError = "bad_ip"
)

// intArg parses an integer parameter within [lo, hi].
func intArg(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errInteger
	}
	if n < lo || n > hi {
		return 0, errRange
	}
	return n, nil
}

// savedArg returns the saved configuration a CONFIG parameter (0 to 4)
// names; a number with nothing saved under it is out of range.
func (r *Router) savedArg(s string) (*config, error) {
	n, err := intArg(s, 0, 4)
	if err != nil {
		return nil, err
	}
	saved, ok := r.saved[n]
	if !ok {
		return nil, errRange
	}
	return saved, nil
}

// ipArg checks an IPv4 address parameter.
func ipArg(s string) error {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return errIP
	}
	return nil
}

// prefixArg parses an IPv4 prefix parameter (A.B.C.D/N, or `default` when allowed).
func prefixArg(s string, allowDefault bool) (netip.Prefix, error) {
	if allowDefault && strings.EqualFold(s, "default") {
		return netip.MustParsePrefix("0.0.0.0/0"), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, errIP
	}
	return p, nil
}

// onOff checks an on|off parameter.
func onOff(s string) error {
	if !strings.EqualFold(s, "on") && !strings.EqualFold(s, "off") {
		return errKeyword
	}
	return nil
}

// options checks trailing NAME=VALUE options against their validators.
func options(args []string, valid map[string]func(string) error) error {
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		check, known := valid[strings.ToLower(name)]
		if !ok || !known {
			return errKeyword
		}
		if err := check(value); err != nil {
			return err
		}
	}
	return nil
}

// rangeOpt validates an integer option value.
func rangeOpt(lo, hi int) func(string) error {
	return func(v string) error {
		_, err := intArg(v, lo, hi)
		return err
	}
}

// grepStage is one `| grep [-i] [-v] [-w] PATTERN` stage.
type grepStage struct {
	re     *regexp.Regexp
	invert bool
}

// parseGrep parses the words after `|`; `less` stages pass everything through.
func parseGrep(ws []word) (*grepStage, error) {
	args := texts(ws)
	if len(args) == 0 {
		return nil, errParamCount
	}
	switch strings.ToLower(args[0]) {
	case "less":
		return nil, nil
	case "grep":
	default:
		return nil, errInvalidCommand
	}
	var (
		g                  grepStage
		ignoreCase, wordRE bool
		pattern            string
		havePattern        bool
	)
	for _, a := range args[1:] {
		switch {
		case havePattern:
			return nil, errParamCount
		case a == "-i":
			ignoreCase = true
		case a == "-v":
			g.invert = true
		case a == "-w":
			wordRE = true
		default:
			pattern, havePattern = a, true
		}
	}
	if !havePattern {
		return nil, errParamCount
	}
	if wordRE {
		pattern = `\b(?:` + pattern + `)\b`
	}
	if ignoreCase {
		pattern = `(?i)` + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, errKeyword
	}
	g.re = re
	return &g, nil
}

func (g *grepStage) filter(lines []string) []string {
	var out []string
	for _, l := range lines {
		if g.re.MatchString(l) != g.invert {
			out = append(out, l)
		}
	}
	return out
}
