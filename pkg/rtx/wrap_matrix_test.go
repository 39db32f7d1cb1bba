package rtx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// wrapWidths are the logical line widths (display columns) every wrap
// test covers.
var wrapWidths = []int{79, 80, 81, 158, 159, 160, 199, 200, 250, 4000}

// articleNeighbor is the forced-tunnelling article's neighbor line, 96
// characters: two physical lines at 80 columns.
const articleNeighbor = "bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 ignore-capability=on"

// wrapDevice is how a router hard-wraps: real ones put columns - 1 display
// columns on a physical line; full is the variant that uses all of them,
// blank the one that prints an empty line after a line that fills its last
// physical line exactly.
type wrapDevice struct {
	columns     int
	full, blank bool
}

func (v wrapDevice) String() string {
	s := fmt.Sprintf("%d columns, wraps at columns-1", v.columns)
	if v.full {
		s = fmt.Sprintf("%d columns, wraps at columns", v.columns)
	}
	if v.blank {
		s += ", empty line after an exact line"
	}
	return s
}

// wrapDevices are the devices of the matrix.
func wrapDevices() []wrapDevice {
	var out []wrapDevice
	for _, c := range []int{80, 200} {
		for _, full := range []bool{false, true} {
			for _, blank := range []bool{false, true} {
				out = append(out, wrapDevice{columns: c, full: full, blank: blank})
			}
		}
	}
	return out
}

// cells is the display width of r in this test's data: kanji and kana take
// two columns.
func cells(r rune) int {
	if r >= 0x1100 {
		return 2
	}
	return 1
}

// print returns what the device sends for a logical line that starts at
// column col (the prompt's width for an echo): its physical lines, each
// ended by CR LF. A wide character that does not fit moves whole to the
// next physical line.
func (v wrapDevice) print(line string, col int) string {
	width := v.columns - 1
	if v.full {
		width = v.columns
	}
	var b strings.Builder
	for _, r := range line {
		if col+cells(r) > width {
			b.WriteString("\r\n")
			col = 0
		}
		b.WriteRune(r)
		col += cells(r)
	}
	b.WriteString("\r\n")
	if v.blank && col == width {
		b.WriteString("\r\n")
	}
	return b.String()
}

// sized returns prefix, fill repeated and suffix, exactly n display
// columns wide (a wide character that would overshoot becomes "x").
func sized(prefix, fill, suffix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	w := 0
	for _, r := range prefix + suffix {
		w += cells(r)
	}
	for w < n {
		for _, r := range fill {
			if w >= n {
				break
			}
			if w+cells(r) > n {
				r = 'x'
			}
			b.WriteRune(r)
			w += cells(r)
		}
	}
	b.WriteString(suffix)
	return b.String()
}

// wrapConfig is the article's configuration with a show config header, long
// lines of every width of wrapWidths at the top level, in a pp block and
// nested in a tunnel block, each followed by a line that starts with a
// keyword. fill is the text that pads the long lines.
func wrapConfig(fill string) []string {
	lines := []string{
		"# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)",
		"# MAC Address : 00:a0:de:00:00:01, 00:a0:de:00:00:02, 00:a0:de:00:00:03",
		"# Memory 256Mbytes, 3LAN, 1BRI",
		"# main:  RTX1210 ver=00 serial=S00000001 MAC-Address=00:a0:de:00:00:01 MAC-Address=00:a0:de:00:00:02 MAC-Address=00:a0:de:00:00:03",
		"# Reporting Date: Jul 5 12:00:00 2024",
		"ip route default gateway 192.168.254.254",
		"ip lan1 address 192.168.100.1/24",
		"ip lan2 address 192.168.254.1/24",
	}
	for i, n := range wrapWidths {
		lines = append(lines, sized(fmt.Sprintf("description lan%d \"", i+1), fill, `"`, n), fmt.Sprintf("ip filter %d pass * * * * *", i+1))
	}
	lines = append(lines, "pp select 1")
	for i, n := range wrapWidths {
		lines = append(lines, sized(" description pp \"", fill, `"`, n), fmt.Sprintf(" ip pp secure filter in %d", i+1))
	}
	lines = append(lines, " pp enable 1", "tunnel select 1", " ipsec tunnel 1")
	for _, n := range wrapWidths {
		lines = append(lines, sized("  ipsec ike remote name 1 ", fill, "", n), "  ipsec sa policy 1 1 esp aes-cbc sha-hmac")
	}
	return append(lines, " tunnel enable 1",
		"bgp use on",
		"bgp autonomous-system 65530",
		articleNeighbor,
		"bgp router id 192.168.100.1",
		"bgp import filter 1 equal 192.168.100.0/24",
		"bgp import 65521 static filter 1",
		"schedule at 1 */* 00:00:00 * ntpdate ntp.nict.jp syslog",
	)
}

// WrapConfig and WrapWidths give the wrap matrix's configuration to the
// tests against the fake (package rtx_test).
var (
	WrapConfig = wrapConfig
	WrapWidths = wrapWidths
)

// wrapCharsets are the console character sets of the matrix, with the
// text that pads long lines in each.
var wrapCharsets = []struct {
	name string
	enc  channel.Encoding
	fill string
}{
	{"ascii", channel.ASCII, "branch office osaka via fiber "},
	{"sjis", channel.ShiftJIS, "東京大阪名古屋福岡 札幌x仙台広島"},
}

// replayWrapped runs each command against a scripted router that prints
// its echo after the `# ` prompt and its output lines as dev wraps them,
// and returns what Run read for each. The session starts with an empty
// line, as Client does.
func replayWrapped(t *testing.T, dev wrapDevice, enc channel.Encoding, runs map[string][]string, order []string) map[string]string {
	t.Helper()
	steps := []channeltest.Step{{Send: "\r", Reply: []string{"\r\n# "}}}
	for _, cmd := range order {
		var b strings.Builder
		b.WriteString(dev.print(cmd, len("# ")))
		for _, l := range runs[cmd] {
			b.WriteString(dev.print(l, 0))
		}
		b.WriteString("# ")
		reply := b.String()
		if enc == channel.ShiftJIS {
			var err error
			if reply, err = japanese.ShiftJIS.NewEncoder().String(reply); err != nil {
				t.Fatalf("encode as Shift_JIS: %v", err)
			}
		}
		steps = append(steps, channeltest.Step{Send: cmd + "\r", Reply: []string{reply}})
	}
	ch := channel.New(channeltest.NewConn(t, steps...), channel.Config{Encoding: enc, Pager: pagerMarker})
	t.Cleanup(func() { ch.Close() })
	d, err := driver.New(ch, platform("", dev.columns), levelAdmin, nil)
	if err != nil {
		t.Fatalf("driver.New: %v", err)
	}
	if _, err := d.Run(t.Context(), ""); err != nil {
		t.Fatalf("Run(%q): %v", "", err)
	}
	got := map[string]string{}
	for _, cmd := range order {
		out, err := d.Run(t.Context(), cmd)
		if err != nil {
			t.Fatalf("Run(%q): %v", cmd, err)
		}
		got[cmd] = out
	}
	return got
}

// joinLines is output as Run returns it: each line ended by "\n".
func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestWrapMatrix replays `show config` and a `| grep` of it, as routers
// wrapping at columns - 1 or columns print them at 80 and 200 columns, with
// or without an empty line after exact lines, in ASCII and Shift_JIS, and
// checks that Run returns the logical lines exactly.
func TestWrapMatrix(t *testing.T) {
	t.Parallel()
	for _, dev := range wrapDevices() {
		for _, cs := range wrapCharsets {
			t.Run(dev.String()+", "+cs.name, func(t *testing.T) {
				t.Parallel()
				config := wrapConfig(cs.fill)
				const grep = "show config | grep description"
				var described []string
				for _, l := range config {
					if strings.Contains(l, "description") {
						described = append(described, l)
					}
				}
				runs := map[string][]string{"show config": config, grep: append([]string{"Searching ..."}, described...)}
				got := replayWrapped(t, dev, cs.enc, runs, []string{"show config", grep})
				if diff := cmp.Diff(joinLines(config), got["show config"]); diff != "" {
					t.Errorf("Run(%q) mismatch (-want +got):\n%s", "show config", diff)
				}
				if diff := cmp.Diff(joinLines(described), got[grep]); diff != "" {
					t.Errorf("Run(%q) mismatch (-want +got):\n%s", grep, diff)
				}
			})
		}
	}
}

// TestWrapEcho types commands whose echo, after the `# ` prompt, ends one
// column before, at and after the edge of a physical line and after two
// full ones (the shape of the RTX1300 capture), on every device of the
// matrix, as the first command of a session and after others.
func TestWrapEcho(t *testing.T) {
	t.Parallel()
	for _, dev := range wrapDevices() {
		t.Run(dev.String(), func(t *testing.T) {
			t.Parallel()
			width := dev.columns - 1
			if dev.full {
				width = dev.columns
			}
			output := []string{"Searching ...", "ip lan1 address 192.168.100.1/24"}
			runs := map[string][]string{}
			var order []string
			for _, n := range []int{width - 1, width, width + 1, 2 * width} {
				cmd := sized(`show config | grep "`, "0123456789", `"`, n-len("# "))
				runs[cmd] = output
				order = append(order, cmd)
			}
			got := replayWrapped(t, dev, channel.ASCII, runs, order)
			for _, cmd := range order {
				if diff := cmp.Diff("ip lan1 address 192.168.100.1/24\n", got[cmd]); diff != "" {
					t.Errorf("Run of a %d-character command mismatch (-want +got):\n%s", len(cmd), diff)
				}
			}
		})
	}
}

// TestWrapAmbiguous documents what the client makes of physical lines that
// could be read two ways.
func TestWrapAmbiguous(t *testing.T) {
	t.Parallel()
	exact := sized(`description lan1 "`, "branch office osaka via fiber ", `"`, 79)
	withIP := sized(`description lan1 "`, "branch office osaka ", " ", 79) + `ip address"` // breaks right before "ip "
	tests := []struct {
		name  string
		dev   wrapDevice
		cmd   string
		lines []string // logical lines the router prints
		want  []string // what the client reads
	}{
		{
			// A line filling the physical line exactly, then a keyword:
			// show config knowledge keeps them apart.
			name: "exact line then a keyword line", dev: wrapDevice{columns: 80},
			cmd: "show config", lines: []string{exact, "ip lan1 address 192.168.100.1/24"},
			want: []string{exact, "ip lan1 address 192.168.100.1/24"},
		},
		{
			// The same on a device wrapping at columns: the keyword, not
			// the width, decides.
			name: "columns-1 line then a keyword line on a full-width device", dev: wrapDevice{columns: 80, full: true},
			cmd: "show config", lines: []string{exact, "ip lan1 address 192.168.100.1/24"},
			want: []string{exact, "ip lan1 address 192.168.100.1/24"},
		},
		{
			// A continuation that happens to start with a keyword and a
			// space is taken for a new configuration line: a line that
			// fills the width exactly is far more common than a break
			// right before a keyword, and nothing else tells them apart.
			name: "continuation starting with a keyword", dev: wrapDevice{columns: 80},
			cmd: "show config", lines: []string{withIP},
			want: []string{withIP[:79], withIP[79:]},
		},
		{
			// Once the device has shown its width (the neighbor line) and
			// that it ends exact lines with an empty one, a full line
			// followed by text is a wrapped one.
			name: "continuation starting with a keyword on a device known to add empty lines", dev: wrapDevice{columns: 80, blank: true},
			cmd: "show config", lines: []string{articleNeighbor, exact, "ip lan1 address 192.168.100.1/24", withIP},
			want: []string{articleNeighbor, exact, "ip lan1 address 192.168.100.1/24", withIP},
		},
		{
			// Without knowledge of the command, a line of columns - 1 is
			// taken for a wrapped one, as real routers wrap there.
			name: "unknown command: exact line joined to the next", dev: wrapDevice{columns: 80},
			cmd: "show status x", lines: []string{strings.Repeat("a", 79), "next"},
			want: []string{strings.Repeat("a", 79) + "next"},
		},
		{
			// ... unless the same output shows a line as wide as the
			// console: the device wraps at columns.
			name: "unknown command on a full-width device", dev: wrapDevice{columns: 80, full: true},
			cmd: "show status x", lines: []string{strings.Repeat("a", 120), strings.Repeat("b", 79), "next"},
			want: []string{strings.Repeat("a", 120), strings.Repeat("b", 79), "next"},
		},
		{
			// An empty line after an exact line of an unknown command is
			// kept: it may be the device's extra line end or output.
			name: "unknown command: empty line after an exact line kept", dev: wrapDevice{columns: 80, blank: true},
			cmd: "show status x", lines: []string{strings.Repeat("a", 79), "next"},
			want: []string{strings.Repeat("a", 79), "", "next"},
		},
		{
			// Header lines come first: after configuration lines, a line
			// starting with "#" continues one that ends like a prompt.
			name: "continuation starting with # after configuration lines", dev: wrapDevice{columns: 80},
			cmd: "show config", lines: []string{"# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)", "ip lan1 address 192.168.100.1/24", exact[:79] + `# 1"`},
			want: []string{"# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)", "ip lan1 address 192.168.100.1/24", exact[:79] + `# 1"`},
		},
		{
			// Whether `show config pp N` prints its `pp select` line is not
			// known: its indented lines begin lines anyway.
			name: "show config pp without its select line", dev: wrapDevice{columns: 80},
			cmd: "show config pp 1", lines: []string{" " + exact[:78], " pp enable 1"},
			want: []string{" " + exact[:78], " pp enable 1"},
		},
		{
			// The header continuation of the RTX1500 capture.
			name: "header line continued", dev: wrapDevice{columns: 80},
			cmd: "show config", lines: []string{"# main:  RTX1500 ver=d0 serial=N0Y011661 MAC-Address=00:a0:de:35:9c:7f MAC-Address=00:a0:de:35:9c:80 MAC-Address=00:a0:de:35:9c:81", "login password encrypted *"},
			want: []string{"# main:  RTX1500 ver=d0 serial=N0Y011661 MAC-Address=00:a0:de:35:9c:7f MAC-Address=00:a0:de:35:9c:80 MAC-Address=00:a0:de:35:9c:81", "login password encrypted *"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := replayWrapped(t, tt.dev, channel.ASCII, map[string][]string{tt.cmd: tt.lines}, []string{tt.cmd})
			if diff := cmp.Diff(joinLines(tt.want), got[tt.cmd]); diff != "" {
				t.Errorf("Run(%q) mismatch (-want +got):\n%s", tt.cmd, diff)
			}
		})
	}
}
