package rtx

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// realDir holds the real router captures (testdata/real/README.md lists
// their sources).
const realDir = "../../testdata/real"

// captureConsole describes the router side of a replayed capture: its prompt
// prefix (`console prompt`), the `console columns` it wraps at, the
// character set it sends and the level the session is at.
type captureConsole struct {
	prefix  string
	columns int
	enc     channel.Encoding
	level   string
}

// factoryConsole is a router at factory settings (80 columns, Shift_JIS) at
// the administrator prompt.
var factoryConsole = captureConsole{columns: defaultColumns, enc: channel.ShiftJIS, level: levelAdmin}

// newCaptureChannel starts the RTX channel over a scripted connection
// whose router plays steps; replies are given in UTF-8 with LF line ends
// and sent in con.enc with CR LF.
func newCaptureChannel(t *testing.T, con captureConsole, steps ...channeltest.Step) *channel.Channel {
	t.Helper()
	for i := range steps {
		for j, r := range steps[i].Reply {
			steps[i].Reply[j] = encodeAs(t, con.enc, crlf(r))
		}
	}
	ch := channel.New(channeltest.NewConn(t, steps...), channel.Config{Encoding: con.enc, Pager: pagerMarker})
	t.Cleanup(func() { ch.Close() })
	return ch
}

// newCaptureDriver starts the RTX console handling (channel and driver)
// over a scripted connection whose router plays steps (see
// newCaptureChannel).
func newCaptureDriver(t *testing.T, con captureConsole, steps ...channeltest.Step) (*channel.Channel, *driver.Driver) {
	t.Helper()
	ch := newCaptureChannel(t, con, steps...)
	d, err := driver.New(ch, platform(con.prefix, con.columns), con.level, nil)
	if err != nil {
		t.Fatalf("driver.New: %v", err)
	}
	return ch, d
}

// runCaptured runs cmd against a router that echoes it and answers with
// output and its prompt, and returns what the client reads.
func runCaptured(t *testing.T, con captureConsole, cmd, output string) (string, error) {
	t.Helper()
	prompt := con.prefix + "# "
	if con.level == levelUser {
		prompt = con.prefix + "> "
	}
	_, d := newCaptureDriver(t, con, channeltest.Step{Send: cmd + "\r", Reply: []string{cmd + "\n" + output + prompt}})
	return d.Run(integrationContext(t), cmd)
}

// mustRunCaptured is runCaptured for output that must be read without error.
func mustRunCaptured(t *testing.T, con captureConsole, cmd, output string) string {
	t.Helper()
	out, err := runCaptured(t, con, cmd, output)
	if err != nil {
		t.Fatalf("Run(%q) on the captured output: %v", cmd, err)
	}
	return out
}

// crlf turns LF or CR LF line ends into CR LF, as the router sends them.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func encodeAs(t *testing.T, enc channel.Encoding, s string) string {
	t.Helper()
	if enc != channel.ShiftJIS {
		return s
	}
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q as Shift_JIS: %v", s, err)
	}
	return b
}

// captureLines returns the lines of a capture without line ends.
func captureLines(text string) []string {
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n")
}

func diffOrFail(t *testing.T, what string, want, got any, opts ...cmp.Option) {
	t.Helper()
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

// TestRealCapture feeds every capture of real router output through the
// client's own console handling and parsers. A capture the client cannot
// read fails; every file of testdata/real must have its case.
func TestRealCapture(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		check func(t *testing.T, text string)
	}{
		{"aws_show_status_bgp_neighbor_active.txt", checkAWSNeighbors},
		{"aws_advertised_routes_default.txt", checkAWSAdvertised},
		{"aws_show_ip_route.txt", checkAWSRoutes},
		{"rtx1210_ssh_grep_wrap_realbytes.txt", checkRTX1210GrepWrap},
		{"rtx1500_show_config_80col_wrapped.txt", checkRTX1500Header},
		{"echo_wrap_rtx1300.txt", checkEchoWrap},
		{"rtx1220_show_config.txt", checkRTX1220Config},
		{"rtx1210_show_environment_en.txt", checkEnvironmentEnglish},
		{"rtx1300_show_environment_ja_fragment.txt", checkEnvironmentJapanese},
		{"rtx1200_telnet_login.txt", checkTelnetLogin},
		{"save_outputs.txt", checkSaveOutputs},
		{"error_lines_rtx1300.txt", checkErrorLines},
		{"prompts.txt", checkPrompts},
		{"pager_marker_manual.txt", checkPagerMarkers},
	}
	t.Run("every capture has a case", func(t *testing.T) {
		t.Parallel()
		entries, err := os.ReadDir(realDir)
		if err != nil {
			t.Fatal(err)
		}
		var files, cases []string
		for _, e := range entries {
			if e.Name() != "README.md" {
				files = append(files, e.Name())
			}
		}
		for _, tt := range tests {
			cases = append(cases, tt.file)
		}
		slices.Sort(cases)
		diffOrFail(t, "captures in "+realDir+" vs test cases", files, cases)
	})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(realDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, string(data))
		})
	}
}

func checkAWSNeighbors(t *testing.T, text string) {
	out := mustRunCaptured(t, factoryConsole, "show status bgp neighbor", text)
	want := []NeighborSession{
		{Address: "169.254.255.1", RemoteAS: 7224, State: "Active"},
		{Address: "169.254.255.5", RemoteAS: 7224, State: "Active"},
	}
	diffOrFail(t, "ParseNeighborSessions", want, ParseNeighborSessions(out))
}

func checkAWSAdvertised(t *testing.T, text string) {
	out := mustRunCaptured(t, factoryConsole, "show status bgp neighbor 169.254.255.1 advertised-routes", text)
	diffOrFail(t, "ParseAdvertisedRoutes", AdvertisedRoutes{Default: true}, ParseAdvertisedRoutes(out))
}

func checkAWSRoutes(t *testing.T, text string) {
	out := mustRunCaptured(t, factoryConsole, "show ip route", text)
	want := []Route{
		{Destination: "default", Gateway: "***.***.***.***", Interface: "LAN3(DHCP)", Kind: "static"},
		{Destination: "10.0.0.0/16", Gateway: "169.254.255.1", Interface: "TUNNEL[1]", Kind: "BGP", Info: "path=10124"},
	}
	diffOrFail(t, "ParseRoutes", want, ParseRoutes(out))
}

// checkRTX1210GrepWrap replays the verbatim SSH bytes. They start with the
// space that ends the previous prompt and end with the next prompt, whose
// final space the published bytes do not include; it is added back.
func checkRTX1210GrepWrap(t *testing.T, text string) {
	con := captureConsole{prefix: "[RTX1210] ", columns: 80, enc: channel.ShiftJIS, level: levelUser}
	const cmd = `show config | grep "dhcp scope"`
	_, d := newCaptureDriver(t, con, channeltest.Step{Send: cmd + "\r", Reply: []string{text + " "}})
	out, err := d.Run(integrationContext(t), cmd)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	want := "dhcp scope 1 192.168.1.20-192.168.1.99/16 expire 12:00\n" +
		"dhcp scope bind 1 192.168.1.20 bc:24:11:00:00:64\n" +
		"dhcp scope bind 1 192.168.1.21 01 00 3e e1 c3 54 b4\n" +
		"dhcp scope option 1 dns=192.168.1.61,1.1.1.1 router=192.168.1.253 classless_static_route=00,c0,a8,01,fd,12,0a,21,80,c0,a8,01,3c,0a,64,40,c0,a8,01,3c\n"
	diffOrFail(t, "Run output", want, out)
}

func checkRTX1500Header(t *testing.T, text string) {
	con := captureConsole{columns: 80, enc: channel.ASCII, level: levelAdmin}
	out := mustRunCaptured(t, con, "show config", text)
	sc, err := ParseShowConfig(out)
	if err != nil {
		t.Fatal(err)
	}
	want := &ShowConfig{
		Model:    "RTX1500",
		Revision: "8.03.90",
		Header: []string{
			"RTX1500 Rev.8.03.90 (Fri Jun 25 10:31:59 2010)",
			"MAC Address : 00:a0:de:35:9c:7f, 00:a0:de:35:9c:80, 00:a0:de:35:9c:81,",
			"Memory 128Mbytes, 3LAN, 2BRI",
			"main:  RTX1500 ver=d0 serial=N0Y011661 MAC-Address=00:a0:de:35:9c:7f MAC-Address=00:a0:de:35:9c:80 MAC-Address=00:a0:de:35:9c:81",
		},
		Lines: []ConfigLine{
			{Text: "login password encrypted *"},
			{Text: "administrator password encrypted *"},
			{Text: "console character ascii"},
			{Text: "ip route default gateway 172.16.0.1"},
			{Text: "ip lan1 address 10.17.127.1/24"},
		},
	}
	diffOrFail(t, "ParseShowConfig", want, sc)
	id, ok := ParseIdentity(out)
	if !ok {
		t.Fatalf("ParseIdentity found no main: line in %q", out)
	}
	wantID := Identity{Model: "RTX1500", Serial: "N0Y011661", MACAddresses: []string{"00:a0:de:35:9c:7f", "00:a0:de:35:9c:80", "00:a0:de:35:9c:81"}}
	diffOrFail(t, "ParseIdentity", wantID, id)
}

// checkEchoWrap types each command of the capture; the router's echo,
// wrapped after 79 characters counting the `# ` prompt, must be consumed
// whole.
func checkEchoWrap(t *testing.T, text string) {
	var cmds []string
	var echoes []string
	for _, l := range captureLines(text) {
		if typed, ok := strings.CutPrefix(l, "# "); ok {
			cmds = append(cmds, typed)
			echoes = append(echoes, typed+"\n")
			continue
		}
		cmds[len(cmds)-1] += l
		echoes[len(echoes)-1] += l + "\n"
	}
	wantCmds := []string{
		"dhcp scope 10 192.168.128.100-192.168.128.199/24 gateway 192.168.128.1 expire 12",
		"ip lan3/2 secure filter out 2100 2101 2102 2103 2104 dynamic 3000 3001 3010 3011 3020",
	}
	diffOrFail(t, "typed commands", wantCmds, cmds)
	var steps []channeltest.Step
	for i, cmd := range cmds {
		steps = append(steps, channeltest.Step{Send: cmd + "\r", Reply: []string{echoes[i] + "# "}})
	}
	_, d := newCaptureDriver(t, factoryConsole, steps...)
	for _, cmd := range cmds {
		out, err := d.Run(integrationContext(t), cmd)
		if err != nil {
			t.Fatalf("Run(%q): %v", cmd, err)
		}
		diffOrFail(t, "output of "+cmd, "", out)
	}
}

func checkRTX1220Config(t *testing.T, text string) {
	// The published lines are up to 127 characters long: the console was
	// wider than the factory 80 columns.
	con := captureConsole{columns: 200, enc: channel.UTF8, level: levelAdmin}
	out := mustRunCaptured(t, con, "show config", text)
	sc, err := ParseShowConfig(out)
	if err != nil {
		t.Fatal(err)
	}
	want := &ShowConfig{
		Model:    "RTX1220",
		Revision: "15.04.04",
		Header: []string{
			"RTX1220 Rev.15.04.04 (Mon Jun 13 16:36:19 2022)",
			"MAC Address : ac:44:f2:b6:fe:c1, ac:44:f2:b6:fe:c2, ac:44:f2:b6:fe:c3",
			"Memory 256Mbytes, 3LAN",
			"main:  RTX1220 ver=00 serial=xxxxxx MAC-Address=ac:44:f2:xx:xx:xx MAC-Address=ac:44:f2:xx:xx:xx MAC-Address=ac:44:f2:b6:fe:c3",
		},
		Lines: []ConfigLine{
			{Text: "administrator password encrypted *"},
			{Text: "console character ja.utf8"},
			{Text: "ip route default gateway 203.0.113.1"},
			{Text: "ip lan1 address 192.168.11.1/24"},
			{Text: "pp select anonymous", Children: []ConfigLine{
				{Text: "pp bind tunnel1-tunnel2"},
				{Text: "pp enable anonymous"},
			}},
			{Text: "tunnel select 1", Children: []ConfigLine{
				{Text: "tunnel encapsulation l2tp"},
				{Text: "ipsec tunnel 1", Children: []ConfigLine{
					{Text: "ipsec sa policy 1 1 esp aes-cbc sha-hmac"},
					{Text: "ipsec ike remote address 1 any"},
				}},
				{Text: "l2tp tunnel disconnect time off"},
				{Text: "tunnel enable 1"},
			}},
			{Text: "nat descriptor masquerade incoming 1000 reject"},
			{Text: "schedule at 1 */* 00:00:00 * ntpdate ntp.nict.jp syslog"},
			{Text: "schedule at 2 */* 12:00:00 * ntpdate ntp.nict.jp syslog"},
			{Text: "schedule at 3 startup * lua /lua-script-one_time_password2.lua"},
			{Text: `set LUA_PATH="./\?.lua;"`},
		},
	}
	diffOrFail(t, "ParseShowConfig", want, sc)
	schedules, err := ParseSchedules(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, s := range schedules {
		got = append(got, s.ID)
	}
	diffOrFail(t, "schedule IDs", []int{1, 2, 3}, got)
	diffOrFail(t, "console settings", Console{Character: "ja.utf8"}, ParseConsole(out))
}

func checkEnvironmentEnglish(t *testing.T, text string) {
	// The main: line is 130 characters long: the console was wider than
	// the factory 80 columns.
	con := captureConsole{columns: 200, enc: channel.ASCII, level: levelAdmin}
	out := mustRunCaptured(t, con, cmdShowEnvironment, text)
	env, err := ParseEnvironment(out)
	if err != nil {
		t.Fatal(err)
	}
	want := &Environment{
		Model:      "RTX1210",
		Revision:   "14.01.28",
		Now:        time.Date(2020, 3, 17, 16, 21, 59, 0, time.FixedZone("", 9*3600)),
		ConfigFile: 0,
		BootConfig: 2,
	}
	diffOrFail(t, "ParseEnvironment", want, env, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }))
	id, ok := ParseIdentity(out)
	if !ok {
		t.Fatalf("ParseIdentity found no main: line in %q", out)
	}
	diffOrFail(t, "ParseIdentity", Identity{Model: "RTX1210", Serial: "S4H024020", MACAddresses: []string{"00:a0:de:c9:d6:e1", "00:a0:de:c9:d6:e2", "00:a0:de:c9:d6:e3"}}, id)
}

func checkEnvironmentJapanese(t *testing.T, text string) {
	out := mustRunCaptured(t, factoryConsole, cmdShowEnvironment, text)
	diffOrFail(t, "Run output", text, out)
	// A factory router runs config0 anyway: read the same line naming
	// another file too, so that reading 0 is not the default by chance.
	var got []int
	for _, text := range []string{out, strings.Replace(out, "config0", "config3", 1)} {
		running, _ := parseConfigFiles(text)
		got = append(got, running)
	}
	diffOrFail(t, "running configuration file", []int{0, 3}, got)
}

// checkTelnetLogin plays the capture as the router's side of a Telnet
// login: the login password, the banner, `administrator` and its password.
func checkTelnetLogin(t *testing.T, text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	loginQ, rest, _ := strings.Cut(text, "\n")
	banner, rest, ok := strings.Cut(rest, "\n> ")
	if !ok {
		t.Fatal("capture has no user prompt")
	}
	echo, rest, _ := strings.Cut(rest, "\n")
	adminQ, adminPrompt, ok := strings.Cut(rest, "\n")
	if !ok {
		t.Fatal("capture has no administrator password question")
	}
	ch := newCaptureChannel(t, captureConsole{enc: channel.ShiftJIS},
		channeltest.Step{Reply: []string{loginQ}},
		channeltest.Step{Send: "login-pw\r", Reply: []string{"\n" + banner + "\n> "}},
		channeltest.Step{Send: "administrator\r", Reply: []string{echo + "\n" + adminQ}},
		channeltest.Step{Send: "admin-pw\r", Reply: []string{"\n" + strings.TrimSuffix(adminPrompt, "\n")}})
	s, err := login(integrationContext(t), ch, Config{Password: "login-pw"}, true)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	diffOrFail(t, "model and revision", Info{Model: "RTX1200", Revision: "10.01.53"}, Info{Model: s.info.Model, Revision: s.info.Revision})
	diffOrFail(t, "level after login", levelUser, s.level)
	d, err := driver.New(ch, platform(s.prefix, defaultColumns), s.level, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Escalate(integrationContext(t), levelAdmin, "admin-pw"); err != nil {
		t.Fatalf("Escalate: %v", err)
	}
	diffOrFail(t, "level after administrator", levelAdmin, d.Level())
}

// checkSaveOutputs saves with each recorded `save` output, and leaves
// administrator mode through the recorded save question.
func checkSaveOutputs(t *testing.T, text string) {
	for _, l := range captureLines(text) {
		if q, key, ok := strings.Cut(l, "(Y/N)"); ok && !saveDone.MatchString(key) {
			_, d := newCaptureDriver(t, factoryConsole,
				channeltest.Step{Send: "exit\r", Reply: []string{"exit\n" + q + "(Y/N)"}},
				channeltest.Step{Send: "N", Reply: []string{key + "\n> "}})
			if err := d.Deescalate(integrationContext(t)); err != nil {
				t.Errorf("leave administrator mode at %q: %v", l, err)
			}
			diffOrFail(t, "level after "+l, levelUser, d.Level())
			continue
		}
		// `save FILE` asks first; rtxctl only runs a plain save, so the
		// answered question is not replayed, only the result.
		if _, after, ok := strings.Cut(l, "(Y/N)Y"); ok {
			l = after
		}
		ch, d := newCaptureDriver(t, factoryConsole, channeltest.Step{Send: "save\r", Reply: []string{"save\n" + l + "\n# "}})
		c := &Client{log: slog.New(slog.DiscardHandler), ch: ch, d: d}
		if err := c.Save(integrationContext(t)); err != nil {
			t.Errorf("Save with output %q: %v", l, err)
		}
	}
}

func checkErrorLines(t *testing.T, text string) {
	for _, l := range captureLines(text) {
		_, err := runCaptured(t, factoryConsole, "show status bgp neighbor", l+"\n")
		var ce *driver.CommandError
		if !errors.As(err, &ce) {
			t.Errorf("output %q: error %v, want a *driver.CommandError", l, err)
			continue
		}
		diffOrFail(t, "error message", l, ce.Message)
	}
}

// checkPrompts replays sessions built from the recorded prompt lines:
// `yamaha1# exit` with its save question, `pp1# pp select none`, and the
// bare `# ` and `> ` after login.
func checkPrompts(t *testing.T, text string) {
	lines := captureLines(text)
	want := []string{"yamaha1# exit", "Save new configuration ? (Y/N)N", "pp1# pp select none", "# ", "> "}
	diffOrFail(t, "prompt lines", want, lines)

	// A `console prompt` prefix, the save question on exit.
	prefix, exit, _ := strings.Cut(lines[0], "# ")
	question, key, _ := strings.Cut(lines[1], "(Y/N)")
	ch := newCaptureChannel(t, factoryConsole,
		channeltest.Step{Reply: []string{testBanner + prefix + "# "}},
		channeltest.Step{Send: exit + "\r", Reply: []string{exit + "\n" + question + "(Y/N)"}},
		channeltest.Step{Send: key, Reply: []string{key + "\n" + prefix + "> "}})
	s, err := login(integrationContext(t), ch, Config{}, false)
	if err != nil {
		t.Fatalf("login at %q: %v", lines[0], err)
	}
	diffOrFail(t, "session at "+lines[0], session{info: s.info, prefix: prefix, level: levelAdmin}, s, cmp.AllowUnexported(session{}))
	d, err := driver.New(ch, platform(s.prefix, defaultColumns), s.level, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Deescalate(integrationContext(t)); err != nil {
		t.Fatalf("%s: %v", exit, err)
	}
	diffOrFail(t, "level after "+exit, levelUser, d.Level())

	// The peer in the prompt after `pp select 1`, and back to `# `.
	ppPrompt, ppNone, _ := strings.Cut(lines[2], " ")
	_, d = newCaptureDriver(t, factoryConsole,
		channeltest.Step{Send: "pp select 1\r", Reply: []string{"pp select 1\n" + ppPrompt + " "}},
		channeltest.Step{Send: ppNone + "\r", Reply: []string{ppNone + "\n" + lines[3]}})
	for _, cmd := range []string{"pp select 1", ppNone} {
		if _, err := d.Run(integrationContext(t), cmd); err != nil {
			t.Errorf("Run(%q): %v", cmd, err)
		}
		diffOrFail(t, "level after "+cmd, levelAdmin, d.Level())
	}

	// The bare prompts right after login.
	for _, tt := range []struct{ prompt, level string }{{lines[3], levelAdmin}, {lines[4], levelUser}} {
		ch := newCaptureChannel(t, factoryConsole, channeltest.Step{Reply: []string{testBanner + tt.prompt}})
		s, err := login(integrationContext(t), ch, Config{}, false)
		if err != nil {
			t.Fatalf("login at %q: %v", tt.prompt, err)
		}
		diffOrFail(t, "level at "+tt.prompt, tt.level, s.level)
	}
}

// checkPagerMarkers pages each marker form between two output lines: the
// client must answer it and remove it.
func checkPagerMarkers(t *testing.T, text string) {
	const cmd = "show config"
	for _, marker := range captureLines(text) {
		_, d := newCaptureDriver(t, factoryConsole,
			channeltest.Step{Send: cmd + "\r", Reply: []string{cmd + "\nip lan1 address 192.168.100.1/24\n" + marker}},
			channeltest.Step{Send: " ", Reply: []string{"\r" + strings.Repeat(" ", len(marker)) + "\rbgp use on\n# "}})
		out, err := d.Run(integrationContext(t), cmd)
		if err != nil {
			t.Errorf("page at %q: %v", marker, err)
			continue
		}
		diffOrFail(t, "output paged at "+marker, "ip lan1 address 192.168.100.1/24\nbgp use on\n", out)
	}
}
