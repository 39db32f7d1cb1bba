package driver_test

import (
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// rtxPlatform is platform with the device knowledge an RTX session has:
// prompts with a prefix, the commands that change the prompt, and
// `show config` header lines that never make up the whole output.
func rtxPlatform(prefix string, columns int) driver.Platform {
	p := platform(columns)
	q := regexp.QuoteMeta(prefix)
	p.Levels[0].Prompt = regexp.MustCompile(`(?:^|\n)` + q + `> `)
	p.Levels[1].Prompt = regexp.MustCompile(`(?:^|\n)` + q + `(?:pp|tunnel)?\d*# `)
	p.PromptChange = regexp.MustCompile(`^(?:no\s+)?(?:pp|tunnel)\s+select\b`)
	if prefix == "" {
		p.PromptLikeLine = regexp.MustCompile(`^#`)
		p.PromptLikeNeverAlone = regexp.MustCompile(`^show\s+config$`)
	} else {
		p.PromptLikeOutput = nil
	}
	return p
}

// TestRunPromptLookalikes: output lines that look like a prompt, each at
// the end of a read followed by a pause far longer than Quiet, never end a
// command early, and the next command reads its own reply.
func TestRunPromptLookalikes(t *testing.T) {
	t.Parallel()
	const pause = 2 * time.Second
	// A command whose echo, after the 2-column prompt, fills the first
	// physical line (79 columns at 80) so that the wrapped rest starts
	// with "# ".
	wrapped := `description 1 "` + strings.Repeat("x", 77-len(`description 1 "`)) + `# tail"`
	long := "description lan1 " + strings.Repeat("y", 79-len("description lan1 "))
	tests := []struct {
		name    string
		prefix  string
		columns int
		prompt  string // the session's prompt before the command
		cmd     string
		reply   []string // one read each, with a pause before every one but the first
		want    string
	}{
		{
			name: "user prompt inside administrator output", prompt: "# ", cmd: "show status bgp neighbor",
			reply: []string{"show status bgp neighbor\r\nBGP neighbor is 10.0.0.1\r\n> ", "remote AS 65001\r\n# "},
			want:  "BGP neighbor is 10.0.0.1\n> remote AS 65001\n",
		},
		{
			name: "peer prompt inside output", prompt: "# ", cmd: "show log",
			reply: []string{"show log\r\n2026/12/06 05:00:00: login\r\npp1# ", "pp select 1\r\n# "},
			want:  "2026/12/06 05:00:00: login\npp1# pp select 1\n",
		},
		{
			name: "prefixed prompt of another level inside output", prefix: "RTX1210", prompt: "RTX1210# ", cmd: "show config",
			reply: []string{"show config\r\n# RTX1210 Rev.14.01.42\r\nip lan1 address 192.168.100.1/24\r\nRTX1210> ", "x\r\nRTX1210pp1# ", "y\r\nRTX1210# "},
			want:  "# RTX1210 Rev.14.01.42\nip lan1 address 192.168.100.1/24\nRTX1210> x\nRTX1210pp1# y\n",
		},
		{
			name: "header line of show config", prompt: "# ", cmd: "show config",
			reply: []string{"show config\r\n# ", "RTX1210 Rev.14.01.42\r\n# ", "MAC Address : 00:a0:de:00:00:01\r\nip lan1 address 192.168.100.1/24\r\n# "},
			want:  "# RTX1210 Rev.14.01.42\n# MAC Address : 00:a0:de:00:00:01\nip lan1 address 192.168.100.1/24\n",
		},
		{
			name: "prompt inside a wrapped echo", columns: 80, prompt: "# ", cmd: wrapped,
			reply: []string{wrapped[:77] + "\r\n# ", wrapped[79:] + "\r\n# "},
			want:  "",
		},
		{
			name: "prompt of another level after a full line", columns: 80, prompt: "# ", cmd: "show config",
			reply: []string{"show config\r\n# RTX1210\r\n" + long + "\r\n> ", "continued\r\n# "},
			want:  "# RTX1210\n" + long + "> continued\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				steps := []channeltest.Step{
					{Send: "\r", Reply: []string{"\r\n" + tt.prompt}},
					{Send: tt.cmd + "\r", Reply: tt.reply[:1]},
				}
				for _, r := range tt.reply[1:] {
					steps = append(steps, channeltest.Step{Reply: []string{r}, Delay: pause})
				}
				steps = append(steps, channeltest.Step{Send: "show environment\r", Reply: []string{"show environment\r\nok\r\n" + tt.prompt}})
				d := newDriver(t, rtxPlatform(tt.prefix, tt.columns), "admin", steps...)
				checkRun(t, d, "", "")
				checkRun(t, d, tt.cmd, tt.want)
				if got := d.Level(); got != "admin" {
					t.Errorf("Level() = %q, want admin", got)
				}
				checkRun(t, d, "show environment", "ok\n")
			})
		})
	}
}

// TestRunContinuationSettles: a prompt-like start of the line after a line
// that fills the console width may continue that line, so it waits for
// silence; more text within Quiet proves it was output.
func TestRunContinuationSettles(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		full := "description lan1 " + strings.Repeat("z", 79-len("description lan1 "))
		p := rtxPlatform("", 80)
		p.Quiet = 100 * time.Millisecond
		d := newDriver(t, p, "admin",
			channeltest.Step{Send: "\r", Reply: []string{"\r\n# "}},
			channeltest.Step{Send: "show status\r", Reply: []string{"show status\r\n" + full + "\r\n# "}},
			channeltest.Step{Reply: []string{"end of it\r\nnext\r\n# "}, Delay: 50 * time.Millisecond},
		)
		checkRun(t, d, "", "")
		checkRun(t, d, "show status", full+"# end of it\nnext\n")
	})
}

// TestRunPromptChange: after a command that changes the prompt, the new
// prompt ends the reply; the session's prompt is then the new one.
func TestRunPromptChange(t *testing.T) {
	t.Parallel()
	d := newDriver(t, rtxPlatform("", 0), "admin",
		channeltest.Step{Send: "\r", Reply: []string{"\r\n# "}},
		channeltest.Step{Send: "pp select 1\r", Reply: []string{"pp select 1\r\npp1# "}},
		channeltest.Step{Send: "show status\r", Reply: []string{"show status\r\n# ", "x\r\npp1# "}},
		channeltest.Step{Send: "pp select none\r", Reply: []string{"pp select none\r\n# "}},
	)
	for _, tc := range []struct{ cmd, want string }{{"", ""}, {"pp select 1", ""}, {"show status", "# x\n"}, {"pp select none", ""}} {
		checkRun(t, d, tc.cmd, tc.want)
	}
}

// checkRun runs cmd and checks its output.
func checkRun(t *testing.T, d *driver.Driver, cmd, want string) {
	t.Helper()
	got, err := d.Run(t.Context(), cmd)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run(%q) mismatch (-want +got):\n%s", cmd, diff)
	}
}

// TestRunProbe: with Probe, a prompt match that only silence settled is
// confirmed by an empty line; output that merely paused there, however
// long, is read to its real prompt, and the answer to the empty line is
// consumed.
func TestRunProbe(t *testing.T) {
	t.Parallel()
	full := "description lan1 " + strings.Repeat("w", 79-len("description lan1 "))
	tests := []struct {
		name   string
		cmd    string
		first  string   // the reply up to the settled match
		probed []string // what follows the empty line
		want   string
	}{
		{
			name: "prompt line in free text, then a long pause", cmd: "show log",
			first:  "show log\r\n2026/12/06 05:00:00: a\r\n# ",
			probed: []string{"2026/12/06 05:00:01: b\r\n# ", "\r\n# "},
			want:   "2026/12/06 05:00:00: a\n# 2026/12/06 05:00:01: b\n",
		},
		{
			name: "continuation after a full line, then a long pause", cmd: "show status",
			first:  "show status\r\n" + full + "\r\n# ",
			probed: []string{"continued\r\n# \r\n# "},
			want:   full + "# continued\n",
		},
		{
			name: "prompt after a full line, answered at once", cmd: "show status",
			first:  "show status\r\n" + full + "\r\n# ",
			probed: []string{"\r\n# "},
			want:   full + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				p := rtxPlatform("", 80)
				p.FreeText = regexp.MustCompile(`^show log`)
				p.Probe = true
				d := newDriver(t, p, "admin",
					channeltest.Step{Send: "\r", Reply: []string{"\r\n# "}},
					channeltest.Step{Send: tt.cmd + "\r", Reply: []string{tt.first}},
					channeltest.Step{Send: "\r", Reply: tt.probed, Delay: 2 * time.Second},
					channeltest.Step{Send: "show environment\r", Reply: []string{"show environment\r\nok\r\n# "}},
				)
				for _, c := range []struct{ cmd, want string }{{"", ""}, {tt.cmd, tt.want}, {"show environment", "ok\n"}} {
					checkRun(t, d, c.cmd, c.want)
				}
			})
		})
	}
}
