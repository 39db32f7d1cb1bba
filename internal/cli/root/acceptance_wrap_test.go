package root

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// The acceptance matrix of the wrap and console-language work, through the
// real rtxctl command path (status -o json, show, tunnel on --dry-run,
// tunnel on) against the fake router. The library-level matrices are in
// pkg/rtx/wrap_matrix_test.go and pkg/rtx/language_integration_test.go.

// acceptanceWidths are the display widths of the long configuration lines
// every wrap cell holds.
var acceptanceWidths = []int{79, 80, 81, 158, 159, 160, 199, 200, 250, 4000}

// wrapCharset is a console character of the wrap matrix: the article
// scenario's language and the text that pads the long lines.
type wrapCharset struct {
	lang string // "en" (en.ascii) or "ja" (ja.sjis)
	fill string
}

var (
	asciiCharset = wrapCharset{lang: "en", fill: "branch office osaka via fiber "}
	sjisCharset  = wrapCharset{lang: "ja", fill: "東京大阪名古屋福岡 札幌x仙台広島"}
)

// displayWidth is the number of console columns s takes: kanji and kana
// take two.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 {
			w++
		}
	}
	return w
}

// paddedLine returns prefix, fill repeated and suffix, n display columns
// wide; a wide character that would overshoot becomes "x".
func paddedLine(prefix, fill, suffix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	w := displayWidth(prefix + suffix)
	for w < n {
		for _, r := range fill {
			if w >= n {
				break
			}
			if w+displayWidth(string(r)) > n {
				r = 'x'
			}
			b.WriteRune(r)
			w += displayWidth(string(r))
		}
	}
	b.WriteString(suffix)
	return b.String()
}

// longLines are configuration lines of every width of acceptanceWidths,
// padded with fill: descriptions at the top level, each followed by a line
// that starts with a keyword, and indented in a pp block.
func longLines(fill string) []string {
	var top, pp []string
	for i, n := range acceptanceWidths {
		top = append(top, paddedLine(fmt.Sprintf("description lan%d \"", i+1), fill, `"`, n), fmt.Sprintf("ip filter %d pass * * * * *", 100+i))
		pp = append(pp, paddedLine(" description pp \"", fill, `"`, n), fmt.Sprintf(" ip pp secure filter in %d", 100+i))
	}
	lines := append(top, "pp select 1")
	lines = append(lines, pp...)
	return append(lines, " pp enable 1")
}

// wrapCell is one router of the wrap matrix.
type wrapCell struct {
	transport string // "ssh" or "telnet"
	charset   wrapCharset
	columns   int    // the router's console columns
	width     string // variants.wrap_width
	exact     string // variants.wrap_exact
}

func (c wrapCell) String() string {
	s := fmt.Sprintf("%s/%s/%d/%s", c.transport, c.charset.lang, c.columns, c.width)
	if c.exact != "" {
		s += "/exact=" + c.exact
	}
	return s
}

// wrapCells is the full product of transports, charsets, console columns
// and wrap widths, plus an empty line after exact lines (wrap_exact blank)
// on four 80-column cells: each wrap width in each charset, one transport
// each.
func wrapCells() []wrapCell {
	var cells []wrapCell
	for _, tr := range []string{"ssh", "telnet"} {
		for _, cs := range []wrapCharset{asciiCharset, sjisCharset} {
			for _, columns := range []int{80, 200} {
				for _, width := range []string{"columns-1", "columns"} {
					cells = append(cells, wrapCell{transport: tr, charset: cs, columns: columns, width: width})
				}
			}
		}
	}
	return append(cells,
		wrapCell{transport: "ssh", charset: sjisCharset, columns: 80, width: "columns-1", exact: "blank"},
		wrapCell{transport: "telnet", charset: asciiCharset, columns: 80, width: "columns-1", exact: "blank"},
		wrapCell{transport: "ssh", charset: asciiCharset, columns: 80, width: "columns", exact: "blank"},
		wrapCell{transport: "telnet", charset: sjisCharset, columns: 80, width: "columns", exact: "blank"},
	)
}

// TestAcceptanceWrap runs `rtxctl status -o json`, `rtxctl show -- show
// config` (and a `| grep` of it whose echo wraps), `rtxctl tunnel on
// --dry-run` and `rtxctl tunnel on` against the article's router holding
// long lines of every width of acceptanceWidths, on every cell of wrapCells:
// status reads the neighbor and filters exactly, show prints the running
// configuration line for line, the read-only commands leave the running
// configuration byte-identical, and tunnel on verifies and saves exactly
// the expected configuration, the router's console settings included.
func TestAcceptanceWrap(t *testing.T) {
	t.Parallel()
	for _, c := range wrapCells() {
		t.Run(c.String(), func(t *testing.T) {
			t.Parallel()
			a := startAcceptanceRouter(t, c.transport, c.charset.lang, func(sc *rtxtest.Scenario) {
				sc.Columns = c.columns
				sc.Variants.WrapWidth, sc.Variants.WrapExact = c.width, c.exact
				sc.SavedConfig = strings.Join(longLines(c.charset.fill), "\n") + "\n" + sc.SavedConfig
			})
			running, saved := a.srv.Router.RunningConfig(), a.srv.Router.SavedConfig()
			if n := strings.Count(strings.Join(running, "\n"), "description "); n != 2*len(acceptanceWidths) {
				t.Fatalf("the fake holds %d description lines, want %d", n, 2*len(acceptanceWidths))
			}

			if diff := cmp.Diff(wantOffStatus(running), a.status(t)); diff != "" {
				t.Errorf("status -o json mismatch (-want +got):\n%s", diff)
			}
			a.checkUnchanged(t, "status", running, saved)

			if diff := cmp.Diff(running, showConfigLines(t, a)); diff != "" {
				t.Errorf("show -- show config mismatch with the running configuration (-want +got):\n%s", diff)
			}
			a.checkUnchanged(t, "show", running, saved)
			checkLongGrep(t, a, running)
			a.checkUnchanged(t, "show config | grep", running, saved)

			a.checkDryRun(t, running, saved)

			a.checkTunnelOn(t, running)
		})
	}
}

// longGrep is a `show config | grep` pattern whose echo after the prompt
// (229 columns) wraps at every width of the matrix: it matches the
// description lines with at least 181 characters after `description NAME `
// (`?` would ask the router for help).
var longGrep = `^ *description [a-z0-9]+ ` + strings.Repeat(".", 181)

// checkLongGrep runs `rtxctl show -- 'show config | grep "PATTERN"'` with
// longGrep: it must print the lines of running that match, as running
// holds them.
func checkLongGrep(t *testing.T, a *acceptanceRouter, running []string) {
	t.Helper()
	re := regexp.MustCompile(longGrep)
	var want []string
	for _, l := range running {
		if re.MatchString(l) {
			want = append(want, l)
		}
	}
	if len(want) < 2 {
		t.Fatalf("%d lines of the running configuration match the pattern, want at least the two of 4000 columns", len(want))
	}
	got := a.rtxctl(t, "show", "--", `show config | grep "`+longGrep+`"`)
	if diff := cmp.Diff(strings.Join(want, "\n")+"\n", got); diff != "" {
		t.Errorf("show config | grep of a long pattern mismatch (-want +got):\n%s", diff)
	}
}

// showConfigLines runs `rtxctl show -- show config` and returns the
// configuration lines it prints, after a header of lines that start
// with "# " (each checked to be whole: none ends in the middle of a MAC
// address list).
func showConfigLines(t *testing.T, a *acceptanceRouter) []string {
	t.Helper()
	out := a.rtxctl(t, "show", "--", "show", "config")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	n := 0
	for n < len(lines) && strings.HasPrefix(lines[n], "# ") {
		n++
	}
	if n != 5 || !strings.HasPrefix(lines[3], "# main:  ") || strings.Count(lines[3], "MAC-Address=") != 3 {
		t.Errorf("show config header not read whole:\n%s", strings.Join(lines[:n], "\n"))
	}
	return lines[n:]
}

// languageCell is a router of the language matrix: its console character,
// the transport rtxctl reaches it over, and the firmware that knows the
// character's name.
type languageCell struct {
	character string
	transport string
	legacy    bool // Rev.14.00 (RTX3500), whose names are sjis, euc and ascii
	aliases   bool // Rev.14.01 accepting the old names (variants.charset_aliases)
}

// languageCells are every console character of rtx-console.md §5.3, over
// SSH and Telnet in turn; the old names run on the old firmware or, for
// euc, on Rev.14.01 with the old names accepted as aliases.
var languageCells = []languageCell{
	{character: "ja.sjis", transport: "ssh"},
	{character: "ja.euc", transport: "telnet"},
	{character: "ja.utf8", transport: "ssh"},
	{character: "en.ascii", transport: "telnet"},
	{character: "sjis", transport: "telnet", legacy: true},
	{character: "euc", transport: "ssh", aliases: true},
	{character: "ascii", transport: "ssh", legacy: true},
}

// edit sets the scenario up for the cell: the character, the firmware,
// Japanese status labels and BGP state words, and a Japanese description
// when the character can hold one.
func (c languageCell) edit(sc *rtxtest.Scenario) {
	sc.Language = c.character
	if c.legacy {
		sc.Model, sc.Revision = "RTX3500", "14.00.32"
	}
	sc.Variants.CharsetAliases = c.aliases
	sc.Variants.LocalizedStatus, sc.Variants.LocalizedStateWords = true, true
	if !strings.Contains(c.character, "ascii") {
		sc.SavedConfig = `description lan1 "東京本社 ルーター"` + "\n" + sc.SavedConfig
	}
}

// TestAcceptanceLanguage runs `rtxctl status -o json`, `rtxctl show -- show
// environment`, `rtxctl tunnel on --dry-run` and `rtxctl tunnel on` against
// the article's router in every console character with Japanese status
// labels and state words: status reads the neighbor Established and config
// 0, show prints the router's own labels, the read-only commands
// leave the running and saved configuration byte-identical, and tunnel on
// verifies and saves, the router's own console character kept.
func TestAcceptanceLanguage(t *testing.T) {
	t.Parallel()
	for _, c := range languageCells {
		t.Run(c.character+"/"+c.transport, func(t *testing.T) {
			t.Parallel()
			a := startAcceptanceRouter(t, c.transport, "ja", c.edit)
			running, saved := a.srv.Router.RunningConfig(), a.srv.Router.SavedConfig()

			if diff := cmp.Diff(wantOffStatus(running), a.status(t)); diff != "" {
				t.Errorf("status -o json mismatch (-want +got):\n%s", diff)
			}
			a.checkUnchanged(t, "status", running, saved)

			// show prints the router's own language.
			label := "実行中設定ファイル: config0"
			if strings.Contains(c.character, "ascii") {
				label = "Config. file: config0"
			}
			if out := a.rtxctl(t, "show", "--", "show", "environment"); !strings.Contains(out, label) {
				t.Errorf("show -- show environment lacks %q:\n%s", label, out)
			}
			a.checkUnchanged(t, "show", running, saved)

			a.checkDryRun(t, running, saved)

			a.checkTunnelOn(t, running)
		})
	}
}

// TestAcceptanceBootConfig runs `rtxctl status -o json` against a router
// in Japanese (localised labels) that runs config 0 and boots from config
// 2, over Telnet at 80 columns: both are reported, and the running
// configuration is byte-identical afterwards.
func TestAcceptanceBootConfig(t *testing.T) {
	t.Parallel()
	boot := 2
	a := startAcceptanceRouter(t, "telnet", "ja", func(sc *rtxtest.Scenario) {
		sc.Language = "ja.euc"
		sc.DefaultConfigFile = &boot
		sc.SavedConfigs = map[int]string{boot: "ip route default gateway 192.168.254.254\n"}
		sc.Variants.LocalizedStatus, sc.Variants.LocalizedStateWords = true, true
	})
	running, saved := a.srv.Router.RunningConfig(), a.srv.Router.SavedConfig()
	want := wantOffStatus(running)
	want.ConfigFiles = &rtx.ConfigFiles{Running: 0, Boot: boot}
	if diff := cmp.Diff(want, a.status(t)); diff != "" {
		t.Errorf("status -o json mismatch (-want +got):\n%s", diff)
	}
	a.checkUnchanged(t, "status", running, saved)
}
