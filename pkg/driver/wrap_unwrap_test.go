package driver_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// wrapPlatform is platform(columns) with a line rule for "show lines":
// its logical lines start with "L"; "+" and empty lines continue one.
func wrapPlatform(columns int) driver.Platform {
	p := platform(columns)
	p.Lines = []driver.LineRule{{
		Command: regexp.MustCompile(`^show lines`),
		Start: func(_ []string, l string) driver.LineStart {
			switch {
			case strings.HasPrefix(l, "L"):
				return driver.LineStarts
			case l == "" || strings.HasPrefix(l, "+"):
				return driver.LineContinues
			}
			return driver.LineUnknown
		},
	}}
	return p
}

// pad returns s followed by as many x as make it n columns wide (s is ASCII
// or wide characters only before the padding).
func pad(s string, n int) string {
	w := 0
	for _, r := range s {
		w++
		if r > 0x7f {
			w++
		}
	}
	return s + strings.Repeat("x", n-w)
}

// exchange is one command, what the device prints after it (echo
// included), and the output Run should return.
type exchange struct {
	cmd, reply, want string
}

// TestRunUnwrap checks how the driver undoes hard wrapping at 20 columns
// for a device that puts 19 or 20 columns on a physical line: the width
// decides where nothing else does, a platform line rule where it knows the
// command, and facts learned earlier in the session after that.
func TestRunUnwrap(t *testing.T) {
	t.Parallel()
	wide := "aaああああああああ" // 18 columns
	long := "show 1234567890abcdefghij"
	longer := "show 0123456789abcdefghij0123456789abcdefghij"
	tests := []struct {
		name string
		runs []exchange
	}{
		{"continuation after a line of columns-1 joined", []exchange{
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n+abc\r\nLshort\r\n# ", pad("L", 19) + "+abc\nLshort\n"},
		}},
		{"line that starts a logical line kept apart", []exchange{
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\nLnext\r\n# ", pad("L", 19) + "\nLnext\n"},
		}},
		{"unknown command: a line of columns-1 is taken as wrapped", []exchange{
			{"show x", "show x\r\n" + pad("a", 19) + "\r\nbbb\r\n# ", pad("a", 19) + "bbb\n"},
		}},
		{"a line of exactly columns proves the full width", []exchange{
			{"show x", "show x\r\n" + pad("a", 20) + "\r\n" + pad("b", 19) + "\r\nccc\r\n# ", pad("a", 20) + pad("b", 19) + "\nccc\n"},
		}},
		{"full width learned for later commands", []exchange{
			{"show x", "show x\r\n" + pad("a", 20) + "\r\nb\r\n# ", pad("a", 20) + "b\n"},
			{"show y", "show y\r\n" + pad("a", 19) + "\r\nbbb\r\n# ", pad("a", 19) + "\nbbb\n"},
		}},
		{"a continuation the rule knows beats the learned width", []exchange{
			{"show x", "show x\r\n" + pad("a", 20) + "\r\nb\r\n# ", pad("a", 20) + "b\n"},
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n+c\r\n# ", pad("L", 19) + "+c\n"},
		}},
		{"columns-1 learned from a continuation", []exchange{
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n+c\r\n# ", pad("L", 19) + "+c\n"},
			{"show y", "show y\r\n" + pad("a", 20) + "\r\nbbb\r\n# ", pad("a", 20) + "\nbbb\n"},
		}},
		{"empty line after an exact line that the rule rules out is dropped", []exchange{
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n\r\n# ", pad("L", 19) + "\n"},
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n\r\nLnext\r\n# ", pad("L", 19) + "\nLnext\n"},
		}},
		{"unknown command keeps an empty line after an exact line", []exchange{
			{"show x", "show x\r\n" + pad("a", 19) + "\r\n\r\nb\r\n# ", pad("a", 19) + "\n\nb\n"},
		}},
		{"extra empty line learned for later commands", []exchange{
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n\r\nLnext\r\n# ", pad("L", 19) + "\nLnext\n"},
			{"show x", "show x\r\n" + pad("a", 19) + "\r\n\r\nb\r\n# ", pad("a", 19) + "\nb\n"},
		}},
		{"a device that adds empty lines joins a keyword-like continuation", []exchange{
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\n+c\r\n" + pad("L", 19) + "\r\n\r\nLz\r\n# ", pad("L", 19) + "+c\n" + pad("L", 19) + "\nLz\n"},
			{"show lines", "show lines\r\n" + pad("L", 19) + "\r\nLcont\r\n# ", pad("L", 19) + "Lcont\n"},
		}},
		{"wide character that did not fit", []exchange{
			{"show x", "show x\r\n" + wide + "\r\nいい\r\n# ", wide + "いい\n"},
		}},
		{"wide character that would have fit at the full width", []exchange{
			{"show x", "show x\r\n" + pad("a", 20) + "\r\nb\r\n" + wide + "\r\nいい\r\n# ", pad("a", 20) + "b\n" + wide + "\nいい\n"},
		}},
		{"wide line filling columns-1", []exchange{
			{"show x", "show x\r\naあああああああああ\r\nい\r\n# ", "aあああああああああい\n"},
		}},
		{"echo ending at the edge followed by an extra line end", []exchange{
			{"show 1234567890ab", "show 1234567890ab\r\n\r\nout\r\n# ", "out\n"},
		}},
		{"echo ending at the edge", []exchange{
			{"show 1234567890ab", "show 1234567890ab\r\nout\r\n# ", "out\n"},
		}},
		{"echo wrapped at columns teaches the full width", []exchange{
			{long, long[:18] + "\r\n" + long[18:] + "\r\n" + pad("a", 19) + "\r\nbbb\r\n# ", pad("a", 19) + "\nbbb\n"},
		}},
		{"echo wrapped at columns-1 teaches that width", []exchange{
			{long, long[:17] + "\r\n" + long[17:] + "\r\n" + pad("a", 20) + "\r\nbbb\r\n# ", pad("a", 20) + "\nbbb\n"},
		}},
		{"echo filling three physical lines", []exchange{
			{longer, longer[:18] + "\r\n" + longer[18:38] + "\r\n" + longer[38:] + "\r\nout\r\n# ", "out\n"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			steps := []channeltest.Step{{Send: "\r", Reply: []string{"\r\n# "}}}
			for _, r := range tt.runs {
				steps = append(steps, channeltest.Step{Send: r.cmd + "\r", Reply: []string{r.reply}})
			}
			d := newDriver(t, wrapPlatform(20), "admin", steps...)
			if _, err := d.Run(t.Context(), ""); err != nil {
				t.Fatalf("Run(%q): %v", "", err)
			}
			for _, r := range tt.runs {
				got, err := d.Run(t.Context(), r.cmd)
				if err != nil {
					t.Fatalf("Run(%q): %v", r.cmd, err)
				}
				if diff := cmp.Diff(r.want, got); diff != "" {
					t.Errorf("Run(%q) mismatch (-want +got):\n%s", r.cmd, diff)
				}
			}
		})
	}
}
