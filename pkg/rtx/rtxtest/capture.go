package rtxtest

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// captureFileRE matches the line that starts one recorded command in a capture file
// (the txtar format: `-- show environment --`).
var captureFileRE = regexp.MustCompile(`^-- (.+) --$`)

var (
	captureConsoleRE = regexp.MustCompile(`^console (character|columns|lines|prompt) (.*)$`)
	captureRunningRE = regexp.MustCompile(`(?:Config\. file|実行中設定ファイル)\s*[:：]\s*config(\d+)`)
	captureBootRE    = regexp.MustCompile(`Default config\. file\s*[:：]\s*config(\d+)`)
	captureBuildRE   = regexp.MustCompile(`^# \S+ Rev\.\S+ \((.+)\)$`)
	captureSerialRE  = regexp.MustCompile(`\bserial=(\S+)`)
)

// capture is a parsed capture file: its header lines and its outputs by command line.
type capture struct {
	header  map[string]string
	outputs map[string]string
	order   []string
}

// LoadCapture reads a capture file written by `rtxctl capture` (docs/capture.md) and
// returns a scenario for a router that prints what the captured one printed: model,
// revision and console settings from the header; the running configuration from the
// captured `show config` and the saved ones from `show config N` (the header removed,
// the router's hard wrapping undone, `console` lines turned into the scenario's console
// fields); and every other captured output verbatim (Scenario.Outputs), so that status
// commands print the captured text. Logins and passwords are those of [DefaultScenario]:
// a capture holds none. Secrets in the captured configuration stay redacted.
func LoadCapture(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load capture: %w", err)
	}
	sc, err := ParseCapture(b)
	if err != nil {
		return nil, fmt.Errorf("load capture %s: %w", path, err)
	}
	return sc, nil
}

// ParseCapture builds a scenario from the bytes of a capture file; see [LoadCapture].
func ParseCapture(b []byte) (*Scenario, error) {
	c := parseCaptureFile(string(b))
	if c.header["format"] == "" {
		return nil, fmt.Errorf("parse capture: not an rtxctl capture file (no format line)")
	}
	base := DefaultScenario()
	sc := &Scenario{
		Model:         c.header["model"],
		Revision:      c.header["revision"],
		LoginPassword: base.LoginPassword,
		AdminPassword: base.AdminPassword,
		Users:         base.Users,
		Outputs:       map[string]string{},
	}
	if v := c.header["console-character"]; v != "default" {
		sc.Language = v
	}
	if v := c.header["console-lines"]; v != "default" {
		sc.Lines = v
	}
	columns := 80
	if n, err := strconv.Atoi(c.header["console-columns"]); err == nil {
		sc.Columns, columns = n, n
	}
	for _, cmd := range c.order {
		if !strings.HasPrefix(cmd, "show config") {
			sc.Outputs[cmd] = c.outputs[cmd]
		}
	}
	running, ok := c.outputs["show config"]
	if !ok {
		return nil, fmt.Errorf("parse capture: no show config recorded")
	}
	sc.RunningConfig = sc.captureConfig(unwrapCapture(running, columns))
	env := c.outputs["show environment"]
	if m := captureRunningRE.FindStringSubmatch(env); m != nil {
		sc.ConfigFile, _ = strconv.Atoi(m[1])
	}
	sc.SavedConfig = sc.RunningConfig
	if text, ok := c.outputs["show config "+strconv.Itoa(sc.ConfigFile)]; ok {
		sc.SavedConfig = sc.captureConfig(unwrapCapture(text, columns))
	}
	if m := captureBootRE.FindStringSubmatch(env); m != nil {
		n, _ := strconv.Atoi(m[1])
		if text, ok := c.outputs["show config "+m[1]]; ok && n != sc.ConfigFile {
			sc.DefaultConfigFile = &n
			sc.SavedConfigs = map[int]string{n: sc.captureConfig(unwrapCapture(text, columns))}
		}
	}
	if err := sc.validate(); err != nil {
		return nil, fmt.Errorf("parse capture: %w", err)
	}
	return sc, nil
}

// parseCaptureFile splits a capture file into its `key: value` header lines and its
// recorded outputs.
func parseCaptureFile(text string) capture {
	c := capture{header: map[string]string{}, outputs: map[string]string{}}
	cmd := ""
	var out strings.Builder
	flush := func() {
		if cmd != "" {
			c.outputs[cmd] = out.String()
			c.order = append(c.order, cmd)
		}
		out.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		bare := strings.TrimRight(line, "\r\n")
		if m := captureFileRE.FindStringSubmatch(bare); m != nil {
			flush()
			cmd = strings.TrimSpace(m[1])
			continue
		}
		if cmd != "" {
			out.WriteString(line)
			continue
		}
		if k, v, ok := strings.Cut(bare, ":"); ok && !strings.Contains(k, " ") {
			c.header[k] = strings.TrimSpace(v)
		}
	}
	flush()
	return c
}

// unwrapCapture joins the physical lines of a capture the fake's own way: a line at
// least columns − 1 wide continues on the next one.
func unwrapCapture(text string, columns int) []string {
	var out []string
	var cur strings.Builder
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		cur.WriteString(l)
		if textWidth(l) >= columns-1 && i < len(lines)-1 {
			continue
		}
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// captureConfig returns the configuration lines of a captured `show config`: the
// header comment lines are dropped (their build date and serial number kept in sc)
// and the `console` lines become sc's console fields.
func (sc *Scenario) captureConfig(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		switch {
		case strings.HasPrefix(l, "#"):
			if m := captureBuildRE.FindStringSubmatch(l); m != nil {
				sc.BuildDate = m[1]
			}
			if m := captureSerialRE.FindStringSubmatch(l); m != nil {
				sc.Serial = m[1]
			}
		case strings.TrimSpace(l) == "":
		case captureConsoleRE.MatchString(l):
			if m := captureConsoleRE.FindStringSubmatch(l); m[1] == "prompt" {
				sc.Prompt = m[2]
			}
		default:
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
