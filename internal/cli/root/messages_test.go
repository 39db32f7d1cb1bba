package root

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// notForOperators matches text that has no place in a message for network
// operators: a Go identifier (config.Host, strconv.ParseInt,
// ConnectionOptions.Target, AllowRestart), a fmt verb gone wrong (%!d),
// a Go value dump (<nil>, &{), a context error in Go's words, or a regular
// expression (\d, [^...], [A-Z], .*, (?i)).
var notForOperators = regexp.MustCompile(
	`\b[a-z][a-z0-9]*\.[A-Z][A-Za-z0-9]*\b` + // pkg.Name
		`|\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+(?:\.[A-Z][A-Za-z0-9]*)?\b` + // CamelCase, CamelCase.Field
		`|\bstrconv\.|%!|<nil>|&\{|context deadline exceeded|context canceled` +
		`|\\[dswbDSWB]|\[\^|\[[0-9A-Za-z]-[0-9A-Za-z]|\.[*+]|\(\?[a-zA-Z]`)

// outsideWords are CamelCase words that other systems show operators and
// rtxctl quotes as they are: Azure's error codes.
var outsideWords = map[string]bool{"ResourceNotFound": true}

// TestExpectedStderrForOperators reads every stderr expectation of the
// script suite (testdata/script/**/*.txtar: `stderr` patterns, and the
// files `cmp stderr` and `cmpenv stderr` compare with; a `! stderr`
// pattern names text that must not appear, so it is not checked)
// and the golden stderr files, and fails on text an operator should not
// see. A pattern is checked by the text it matches literally, so that the
// script's own regular expression (a \d+ for a port) is not counted.
func TestExpectedStderrForOperators(t *testing.T) {
	t.Parallel()
	var bad []string
	check := func(where, text string) {
		for _, m := range notForOperators.FindAllString(text, -1) {
			if !outsideWords[m] {
				bad = append(bad, where+": "+m)
			}
		}
	}
	scripts := filepath.Join(repoRoot, "testdata", "script")
	n := 0
	err := filepath.WalkDir(scripts, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txtar") {
			return err
		}
		a, err := txtar.ParseFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(a.Comment), "\n") {
			where := path + ":" + strconv.Itoa(i+1)
			args := scriptArgs(line)
			switch {
			case len(args) >= 2 && args[0] == "stderr" && strings.HasPrefix(strings.TrimSpace(line), "!"):
				// `! stderr X` says X must not appear: X may well be
				// what no operator should see.
				n++
			case len(args) >= 2 && args[0] == "stderr":
				n++
				for _, lit := range patternLiterals(t, where, args[len(args)-1]) {
					check(where, lit)
				}
			case len(args) == 3 && (args[0] == "cmp" || args[0] == "cmpenv") && args[1] == "stderr":
				n++
				for _, f := range a.Files {
					if f.Name == args[2] {
						check(where+" ("+f.Name+")", string(f.Data))
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goldens, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "golden", "*stderr*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		check(g, string(data))
	}
	if n == 0 {
		t.Fatalf("no stderr expectation found under %s", scripts)
	}
	if diff := cmp.Diff([]string(nil), bad); diff != "" {
		t.Errorf("expected stderr text with a Go identifier or a regular expression in it (-want +got):\n%s", diff)
	}
}

// TestNotForOperators checks the detector on messages it must flag and on
// operator text it must leave alone.
func TestNotForOperators(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string
	}{
		{`line 4: field prot not found in type config.Host`, "config.Host"},
		{`strconv.ParseInt: parsing "x": invalid syntax`, "strconv.ParseInt"},
		{`--allow-restart is false (AllowRestart)`, "AllowRestart"},
		{`bad ConnectionOptions.Target`, "ConnectionOptions.Target"},
		{`port %!d(string=22)`, "%!"},
		{`waiting for the router: context deadline exceeded`, "context deadline exceeded"},
		{`prompt ^[A-Za-z]+> not seen`, "[A-Z"},
		{`no line matching \d+ routes`, `\d`},
		{`expected (?i)error`, "(?i"},
		{`want .* here`, ".*"},
		{`connect to 127.0.0.1:22 over ssh: connection refused`, ""},
		{`RTX1210 Rev.14.01.42 at tokyo.example.net`, ""},
		{`Permanently added '[127.0.0.1]:2222' (ED25519 SHA256:abc) to the list of known hosts`, ""},
		{`run 'rtxctl show --help' for usage; see docs/forced-tunnelling.md`, ""},
		{`show config | grep bgp`, ""},
	}
	for _, tt := range tests {
		if got := notForOperators.FindString(tt.text); got != tt.want {
			t.Errorf("in %q: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// scriptArgs splits a testscript line into its words, as testscript does
// for single quotes (” inside quotes is one quote), without the leading
// "!" or "?" and without a trailing comment.
func scriptArgs(line string) []string {
	var (
		args   []string
		word   strings.Builder
		inWord bool
		quoted bool
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
			word.WriteByte('\'')
			i++
		case c == '\'':
			quoted, inWord = !quoted, true
		case !quoted && c == '#' && !inWord:
			i = len(line)
		case !quoted && (c == ' ' || c == '\t'):
			if inWord {
				args = append(args, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		args = append(args, word.String())
	}
	for len(args) > 0 && (args[0] == "!" || args[0] == "?") {
		args = args[1:]
	}
	return args
}

// patternLiterals returns the runs of text the regular expression pattern
// matches literally; an unescaped dot counts as a dot, as it stands for
// one in most expectations (config.Host).
func patternLiterals(t *testing.T, where, pattern string) []string {
	t.Helper()
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return nil
	}
	var (
		out []string
		run []rune
	)
	flush := func() {
		if len(run) > 0 {
			out = append(out, string(run))
			run = nil
		}
	}
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			run = append(run, re.Rune...)
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			run = append(run, '.')
		case syntax.OpConcat, syntax.OpCapture:
			for _, sub := range re.Sub {
				walk(sub)
			}
		default:
			flush()
			for _, sub := range re.Sub {
				walk(sub)
				flush()
			}
		}
	}
	walk(re)
	flush()
	return out
}

// TestStderrPatternText checks how an expectation line becomes the text
// checked: the pattern's literal runs, quotes undone.
func TestStderrPatternText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want []string
	}{
		{`stderr '^rtxctl: connect to 127\.0\.0\.1:\d+ over ssh: connection refused$'`, []string{"rtxctl: connect to 127.0.0.1:", " over ssh: connection refused"}},
		{`! stderr 'field prot not found in type config.Host'`, []string{"field prot not found in type config.Host"}},
		{`stderr 'prompt \^\[A-Z\]\+ not seen' # comment`, []string{"prompt ^[A-Z]+ not seen"}},
		{`stderr '^hint: if the router''s key really changed'`, []string{"hint: if the router's key really changed"}},
		{`stderr -count=2 warning`, []string{"warning"}},
	}
	for _, tt := range tests {
		args := scriptArgs(tt.line)
		got := patternLiterals(t, tt.line, args[len(args)-1])
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.line, diff)
		}
	}
}
