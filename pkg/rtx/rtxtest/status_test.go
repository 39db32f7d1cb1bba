package rtxtest

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// decodeLines turns console lines in a console character's encoding into UTF-8.
func decodeLines(t *testing.T, name string, lines []string) []string {
	t.Helper()
	cs, ok := charsetByName(name, false, true)
	if !ok {
		t.Fatalf("unknown console character %q", name)
	}
	if cs.enc == nil {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		s, err := cs.enc.NewDecoder().String(l)
		if err != nil {
			t.Fatalf("decode %q as %s: %v", l, name, err)
		}
		out[i] = s
	}
	return out
}

func TestLocalizedStatus(t *testing.T) {
	t.Parallel()
	type want struct{ State, Config, DefaultConfig, Current string }
	english := want{"  BGP state = Established", "Firmware: exec0  Config. file: config0", "Default firmware: exec0  Default config. file: config0", "Current time: "}
	japanese := want{"  BGP状態 = Established", "実行中ファームウェア: exec0  実行中設定ファイル: config0", "デフォルトファームウェア: exec0  デフォルト設定ファイル: config0", "現在の時刻: "}
	japaneseWords := japanese
	japaneseWords.State = "  BGP状態 = 確立"
	englishWords := english
	englishWords.State = "  BGP state = 確立"
	tests := []struct {
		language         string
		localized, words bool
		want             want
	}{
		{"ja.sjis", false, false, english},
		{"ja.sjis", true, false, japanese},
		{"ja.sjis", true, true, japaneseWords},
		{"ja.sjis", false, true, englishWords},
		{"ja.euc", true, false, japanese},
		{"ja.utf8", true, true, japaneseWords},
		{"sjis", true, false, japanese},
		{"euc", true, true, japaneseWords},
		{"en.ascii", true, true, english},
		{"ascii", true, true, english},
	}
	for _, tt := range tests {
		name := tt.language
		if tt.localized {
			name += "/localized_status"
		}
		if tt.words {
			name += "/localized_state_words"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Language, sc.Columns = tt.language, 200
			sc.Variants.CharsetAliases = true
			sc.Variants.LocalizedStatus, sc.Variants.LocalizedStateWords = tt.localized, tt.words
			c := adminConsole(t, NewRouter(sc))
			bgp := decodeLines(t, tt.language, c.run("show status bgp neighbor "+peer, "# "))
			env := decodeLines(t, tt.language, c.run("show environment", "# "))
			if len(bgp) < 3 || len(env) < 11 {
				t.Fatalf("short output: %q, %q", bgp, env)
			}
			got := want{bgp[2], env[6], env[7], env[10]}
			got.State, _, _ = strings.Cut(got.State, ", ")
			got.Current = got.Current[:min(len(got.Current), len(tt.want.Current))]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("status labels mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestShowEnvironmentLayout compares the English show environment with the RTX1210
// capture, numbers aside.
func TestShowEnvironmentLayout(t *testing.T) {
	t.Parallel()
	want := captureLines(t, "rtx1210_show_environment_en.txt")
	sc := englishScenario()
	sc.Revision, sc.BuildDate, sc.Serial, sc.Columns = "14.01.28", "Tue May 15 18:34:08 2018", "S4H024020", 200
	sc.MACAddresses = []string{"00:a0:de:c9:d6:e1", "00:a0:de:c9:d6:e2", "00:a0:de:c9:d6:e3"}
	r := NewRouter(sc)
	r.Advance(70*24*time.Hour + 23*time.Hour)
	got := adminConsole(t, r).run("show environment", "# ")
	numbers := regexp.MustCompile(`[0-9]+`)
	mask := func(lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = numbers.ReplaceAllString(l, "0")
		}
		return out
	}
	if diff := cmp.Diff(mask(want), mask(got)); diff != "" {
		t.Errorf("show environment layout mismatch, numbers masked (-capture +fake):\n%s", diff)
	}
}

// TestSerial checks that two routers show their own serial numbers in the show config
// header and in show environment, the router identity a client learns.
func TestSerial(t *testing.T) {
	t.Parallel()
	for _, serial := range []string{"S4H024020", "N0Y011661", ""} {
		t.Run(serial, func(t *testing.T) {
			t.Parallel()
			sc := englishScenario()
			sc.Serial, sc.Columns = serial, 200
			c := adminConsole(t, NewRouter(sc))
			want := serial
			if want == "" {
				want = "S00000000"
			}
			main := "main:  RTX1210 ver=00 serial=" + want + " MAC-Address="
			got := []string{c.run("show config", "# ")[3], c.run("show environment", "# ")[3]}
			if diff := cmp.Diff([]string{"# " + main, "  " + main}, []string{got[0][:len(main)+2], got[1][:len(main)+2]}); diff != "" {
				t.Errorf("main: lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWrapCharsets checks that Japanese output breaks at the same display column in every
// console character: the BGP reminder's second line is wider than a physical line.
func TestWrapCharsets(t *testing.T) {
	t.Parallel()
	reminder := defaultMessages["bgp_reminder2"].ja
	for _, language := range []string{"ja.sjis", "ja.euc", "ja.utf8"} {
		for _, wrapWidth := range []string{"", "columns"} {
			t.Run(language+"/wrap_width="+wrapWidth, func(t *testing.T) {
				t.Parallel()
				sc := DefaultScenario()
				sc.Language, sc.Variants.WrapWidth = language, wrapWidth
				width := 79
				if wrapWidth == "columns" {
					width = 80
				}
				want := append([]string{defaultMessages["bgp_reminder"].ja}, wrap(reminder, width, false)...)
				got := decodeLines(t, language, adminConsole(t, NewRouter(sc)).run("bgp log neighbor", "# "))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("reminder lines (-want +got):\n%s", diff)
				}
				if len(want) < 3 {
					t.Errorf("reminder fits one line at %d columns: %q", width, want)
				}
			})
		}
	}
}
