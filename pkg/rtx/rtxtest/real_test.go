package rtxtest

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// realDir holds the real router captures (testdata/real/README.md lists their sources).
const realDir = "../../../testdata/real"

// readCapture returns a capture file's text.
func readCapture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(realDir + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// captureLines returns a capture's lines without line ends (CR LF or LF).
func captureLines(t *testing.T, name string) []string {
	t.Helper()
	text := strings.ReplaceAll(readCapture(t, name), "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// TestRealCaptureEchoWrap types the RTX1300's long commands at the `# ` prompt and
// checks that the echo breaks where the real router broke it (prompt included).
func TestRealCaptureEchoWrap(t *testing.T) {
	t.Parallel()
	lines := captureLines(t, "echo_wrap_rtx1300.txt")
	for i := 0; i+1 < len(lines); i += 2 {
		physical := lines[i : i+2]
		cmd := strings.TrimPrefix(physical[0], "# ") + physical[1]
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			c := adminConsole(t, NewRouter(englishScenario()))
			c.send(cmd + "\r")
			got := "# " + c.expectEnd("\r\n# ")
			want := strings.Join(physical, "\r\n") + "\r\n# "
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("echo mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealCaptureOutputWrap has the fake print what two real routers printed and compares
// the bytes: the RTX1210's SSH session (prompt, echo, `Searching ...`, a configuration line
// wrapped after 79 characters) and the RTX1500's show config header.
func TestRealCaptureOutputWrap(t *testing.T) {
	t.Parallel()
	t.Run("rtx1210 grep", func(t *testing.T) {
		t.Parallel()
		capture := readCapture(t, "rtx1210_ssh_grep_wrap_realbytes.txt")
		lines := captureLines(t, "rtx1210_ssh_grep_wrap_realbytes.txt")
		sc := englishScenario()
		sc.Prompt = `"[RTX1210] "`
		// The wrapped configuration line rejoined, after the other dhcp lines.
		sc.SavedConfig = strings.Join(lines[2:5], "\n") + "\n" + lines[5] + lines[6] + "\n"
		c := sshConsole(t, NewRouter(sc), "rtxctl")
		c.send(`show config | grep "dhcp scope"` + "\r")
		// The capture starts with the prompt's trailing space and ends before the next one.
		got := " " + c.expectEnd("[RTX1210] > ")
		if diff := cmp.Diff(capture+" ", got); diff != "" {
			t.Errorf("session bytes mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("rtx1500 show config", func(t *testing.T) {
		t.Parallel()
		lines := captureLines(t, "rtx1500_show_config_80col_wrapped.txt")
		sc := &Scenario{
			Model:        "RTX1500",
			Revision:     "8.03.90",
			BuildDate:    "Fri Jun 25 10:31:59 2010",
			Language:     "ascii",
			MACAddresses: []string{"00:a0:de:35:9c:7f", "00:a0:de:35:9c:80", "00:a0:de:35:9c:81"},
			Memory:       "128Mbytes, 3LAN, 2BRI",
			Serial:       "N0Y011661",
			SavedConfig:  strings.Join(lines[6:], "\n"),
		}
		c := sshConsole(t, NewRouter(sc), "")
		got := c.run("show config", "> ")
		// The fake's hardware version is always 00, and the report date is the clock's.
		got[3] = strings.Replace(got[3], "ver=00", "ver=d0", 1)
		if strings.HasPrefix(got[5], "# Reporting Date: ") {
			got[5] = lines[5]
		}
		if diff := cmp.Diff(lines, got); diff != "" {
			t.Errorf("show config mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestRealCaptureOutputs serves every real capture of command output through the
// scenario's outputs and reads it back over the SSH server: the same lines, unwrapped, in
// the console character's encoding.
func TestRealCaptureOutputs(t *testing.T) {
	t.Parallel()
	grep := captureLines(t, "rtx1210_ssh_grep_wrap_realbytes.txt")
	tests := []struct {
		file, command, language string
		lines                   []string // the output part of the capture; nil = all of it
	}{
		{file: "aws_advertised_routes_default.txt", command: "show status bgp neighbor 169.254.255.1 advertised-routes", language: "en.ascii"},
		{file: "aws_show_ip_route.txt", command: "show ip route", language: "en.ascii"},
		{file: "aws_show_status_bgp_neighbor_active.txt", command: "show status bgp neighbor", language: "en.ascii"},
		{file: "rtx1210_show_environment_en.txt", command: "show environment", language: "en.ascii"},
		{file: "rtx1210_ssh_grep_wrap_realbytes.txt", command: `show config | grep "dhcp scope"`, language: "en.ascii", lines: grep[1 : len(grep)-1]},
		{file: "rtx1220_show_config.txt", command: "show config", language: "ja.utf8"},
		{file: "rtx1300_show_environment_ja_fragment.txt", command: "show environment", language: "ja.sjis"},
		{file: "rtx1500_show_config_80col_wrapped.txt", command: "show config", language: "en.ascii"},
		{file: "error_lines_rtx1300.txt", command: "bgp use on", language: "ja.euc"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			want := tt.lines
			if want == nil {
				want = captureLines(t, tt.file)
			}
			sc := DefaultScenario()
			sc.Language, sc.Lines = tt.language, "infinity"
			sc.Outputs = map[string]string{tt.command: strings.Join(want, "\n") + "\n"}
			srv := NewServer(sc)
			t.Cleanup(srv.Close)
			s := loginSSH(t, srv)
			io.WriteString(s.in, tt.command+"\r")
			got := strings.TrimSuffix(sshReadUntil(t, s.out, "\r\n> "), "\r\n> ")
			lines := strings.Split(got, "\r\n")[1:] // after the echo
			if diff := cmp.Diff(want, decodeLines(t, tt.language, lines)); diff != "" {
				t.Errorf("%s served as %q (-capture +received):\n%s", tt.file, tt.command, diff)
			}
		})
	}
}
