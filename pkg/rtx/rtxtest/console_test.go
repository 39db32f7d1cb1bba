package rtxtest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBanner(t *testing.T) {
	t.Parallel()
	base := "\r\nRTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)\r\n" +
		"Copyright (c) 1994-2024 Yamaha Corporation. All Rights Reserved.\r\n" +
		"To display the software copyright statement, use 'show copyright' command.\r\n" +
		"00:a0:de:00:00:01, 00:a0:de:00:00:02, 00:a0:de:00:00:03\r\n" +
		"Memory 256Mbytes, 3LAN, 1BRI\r\n\r\n"
	tests := []struct {
		name   string
		sc     func() *Scenario
		suffix string
	}{
		{"login password set", englishScenario, "> "},
		{"factory default login password", func() *Scenario {
			sc := englishScenario()
			sc.LoginPassword = ""
			return sc
		}, "The login password is factory default setting. Please request an administrator to change the password by the 'login password' command.\r\n> "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := startConsole(t, NewRouter(tt.sc()), SessionInfo{Transport: "ssh", User: "rtxctl"})
			if diff := cmp.Diff(base+tt.suffix, c.expectEnd("> ")); diff != "" {
				t.Errorf("banner mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBannerLegacyFirmware(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Revision = "10.01.65"
	sc.Language = "ascii"
	c := startConsole(t, NewRouter(sc), SessionInfo{Transport: "ssh", User: "rtxctl"})
	got := c.expectEnd("> ")
	if !strings.Contains(got, "\r\n  Copyright (c) ") || strings.Contains(got, "show copyright") {
		t.Errorf("legacy banner lacks the indented copyright list:\n%q", got)
	}
	if lines := c.run(`show config | grep "MAC Address"`, "> "); len(lines) != 2 || !strings.HasSuffix(lines[1], "00:a0:de:00:00:03, ") {
		t.Errorf("legacy show config MAC line = %q, want a trailing comma", lines)
	}
}

func TestTelnetLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*Scenario)
		dialogue []string // alternating: expected output, then input to send
		loggedIn bool
		user     string
	}{
		{
			name:     "anonymous",
			dialogue: []string{"Password: ", "rtxctl-anon\r"},
			loggedIn: true,
		},
		{
			name:     "named user after empty password",
			dialogue: []string{"Password: ", "\r", "\r\nUsername: ", "rtxctl\r", "rtxctl\r\nPassword: ", "rtxctl-login\r"},
			loggedIn: true,
			user:     "rtxctl",
		},
		{
			name:     "username first",
			edit:     func(sc *Scenario) { sc.Variants.UsernameFirst = true },
			dialogue: []string{"Username: ", "rtxctl\r", "Password: ", "rtxctl-login\r"},
			loggedIn: true,
			user:     "rtxctl",
		},
		{
			name:     "factory default asks for the user",
			edit:     func(sc *Scenario) { sc.LoginPassword = "" },
			dialogue: []string{"Password: ", "\r", "Username: ", "rtxctl\r", "Password: ", "rtxctl-login\r"},
			loggedIn: true,
			user:     "rtxctl",
		},
		{
			name: "factory default logs in anonymously",
			edit: func(sc *Scenario) {
				sc.LoginPassword = ""
				sc.Variants.EmptyPasswordLogin = "anonymous"
			},
			dialogue: []string{"Password: ", "\r"},
			loggedIn: true,
		},
		{
			name:     "wrong password with message",
			dialogue: []string{"Password: ", "bad\r", "\r\nError: Incorrect password\r\nPassword: ", "bad\r", "Password: ", "bad\r", "Error: Incorrect password\r\n"},
		},
		{
			name:     "wrong password silent",
			edit:     func(sc *Scenario) { sc.Variants.LoginFailure = "silent"; sc.Variants.LoginAttempts = 2 },
			dialogue: []string{"Password: ", "bad\r", "\r\nPassword: ", "bad\r"},
		},
		{
			name:     "unknown user",
			dialogue: []string{"Password: ", "\r", "Username: ", "nobody\r", "Password: ", "rtxctl-login\r", "Error: Incorrect password\r\nPassword: ", "x\r", "Password: ", "x\r"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(editScenario(englishScenario(), tt.edit))
			c := startConsole(t, r, SessionInfo{Transport: "telnet", RemoteAddr: "127.0.0.1:50001"})
			for i := 0; i+1 < len(tt.dialogue); i += 2 {
				c.expect(tt.dialogue[i])
				c.send(tt.dialogue[i+1])
			}
			if len(tt.dialogue)%2 == 1 {
				c.expect(tt.dialogue[len(tt.dialogue)-1])
			}
			if !tt.loggedIn {
				if err := c.wait(); err != nil {
					t.Fatalf("ServeConsole after failed logins = %v, want nil", err)
				}
				if got := c.out.buf.String(); strings.Contains(got, "bad") || strings.Contains(got, "rtxctl-login") {
					t.Errorf("a password was echoed: %q", got)
				}
				return
			}
			c.expectEnd("\r\n> ")
			lines := c.run("show status user", "> ")
			want := "*  " + map[bool]string{true: tt.user, false: "(noname)"}[tt.user != ""]
			if len(lines) < 4 || !strings.HasPrefix(lines[3], want) || !strings.Contains(lines[3], "telnet1") {
				t.Errorf("show status user = %q, want a line starting %q on telnet1", lines, want)
			}
		})
	}
}

func TestEnterKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"CR", "show config | grep xyz\r", "show config | grep xyz\r\nSearching ...\r\n> "},
		{"LF", "show config | grep xyz\n", "show config | grep xyz\r\nSearching ...\r\n> "},
		{"CRLF gives an extra prompt", "show config | grep xyz\r\n", "show config | grep xyz\r\nSearching ...\r\n> \r\n> "},
		{"backspace edits", "show conf\x7f\x7fnfig | grep xyz\r", "show conf\b \b\b \bnfig | grep xyz\r\nSearching ...\r\n> "},
		{"backspace on empty line", "\x08\r", "\r\n> "},
		{"control characters ignored", "\x1b\r", "\r\n> "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(englishScenario())
			c := sshConsole(t, r, "rtxctl")
			c.send(tt.input)
			want := tt.want
			if diff := cmp.Diff(want, c.expectEnd("> ")); diff != "" {
				t.Errorf("console output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdministrator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*Scenario)
		user     string
		password string // "" = no Password: prompt expected
		want     string // output after the command echo
	}{
		{name: "correct password", password: "rtxctl-admin", want: "Password: \r\n# "},
		{name: "wrong password with message", password: "nope", want: "Password: \r\nError: Incorrect password\r\n> "},
		{name: "wrong password silent", edit: func(sc *Scenario) { sc.Variants.AdminFailure = "silent" }, password: "nope", want: "Password: \r\n> "},
		{name: "rejected by fault", edit: func(sc *Scenario) { sc.Faults.RejectPasswords = true }, password: "rtxctl-admin", want: "Password: \r\nError: Incorrect password\r\n> "},
		{name: "no administrator password prompts for Enter", edit: func(sc *Scenario) { sc.AdminPassword = "" }, password: "\x00", want: "Password: \r\n# "},
		{name: "no administrator password skips the prompt", edit: func(sc *Scenario) {
			sc.AdminPassword = ""
			sc.Variants.AdminNoPasswordPrompt = true
		}, want: "# "},
		{name: "administrator=2", edit: func(sc *Scenario) { sc.Users[0].Administrator = "2" }, want: "# "},
		{name: "administrator=off", edit: func(sc *Scenario) { sc.Users[0].Administrator = "off" }, want: "Error: Cannot enter administrator mode\r\n> "},
		{name: "with arguments", password: "", want: "Error: Insufficient or too many parameters\r\n> "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := sshConsole(t, NewRouter(editScenario(englishScenario(), tt.edit)), "rtxctl")
			cmd := "administrator"
			if tt.name == "with arguments" {
				cmd += " now"
			}
			c.send(cmd + "\r")
			c.expect(cmd + "\r\n")
			var got string
			if tt.password != "" {
				got = c.expect("Password: ")
				c.send(strings.TrimPrefix(tt.password, "\x00") + "\r")
				got += c.expectEnd(tt.want[len(tt.want)-2:])
			} else {
				got = c.expectEnd(tt.want[len(tt.want)-2:])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("administrator output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		edit      func(*Scenario)
		change    string // configuration command run before exit; "" = none
		exit      string
		keys      string
		want      string // output after the exit echo
		wantSaved bool   // checked when the change is console lines infinity
	}{
		{name: "clean", exit: "exit", want: "> "},
		{name: "dirty answered N", change: "console lines infinity", exit: "exit", keys: "N", want: "Save new configuration ? (Y/N)N\r\n> "},
		{name: "dirty answered y", change: "console lines infinity", exit: "quit", keys: "y", want: "Save new configuration ? (Y/N)YSaving ... CONFIG0 Done\r\n> ", wantSaved: true},
		{name: "other keys ignored", change: "console lines infinity", exit: "exit", keys: "xN", want: "Save new configuration ? (Y/N)N\r\n> "},
		{name: "other keys repeat", edit: func(sc *Scenario) { sc.Variants.SaveQuestionOtherKeys = "repeat" }, change: "console lines infinity", exit: "exit", keys: "xN", want: "Save new configuration ? (Y/N)\r\nSave new configuration ? (Y/N)N\r\n> "},
		{name: "exit save", change: "console lines infinity", exit: "exit save", want: "Saving ... CONFIG0 Done\r\n> ", wantSaved: true},
		{name: "changed back counts as dirty", change: "console lines 24\rno console lines", exit: "exit", keys: "N", want: "Save new configuration ? (Y/N)N\r\n> "},
		{name: "changed back is clean when comparing", edit: func(sc *Scenario) { sc.Variants.Dirty = "differs" }, change: "console lines 24\rno console lines", exit: "exit", want: "> "},
		{name: "bad argument", exit: "exit now", want: "Error: Illegal keyword\r\n# "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(editScenario(englishScenario(), tt.edit))
			c := adminConsole(t, r)
			if tt.change != "" {
				for _, cmd := range strings.Split(tt.change, "\r") {
					c.run(cmd, "# ")
				}
			}
			c.send(tt.exit + "\r")
			c.expect(tt.exit + "\r\n")
			if tt.keys != "" {
				c.expect("(Y/N)")
				c.pos -= len("Save new configuration ? (Y/N)")
				c.send(tt.keys)
			}
			got := c.expectEnd(tt.want[len(tt.want)-2:])
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("exit output mismatch (-want +got):\n%s", diff)
			}
			if tt.change == "console lines infinity" {
				if got := cmp.Equal(r.SavedConfig(), r.RunningConfig()); got != tt.wantSaved {
					t.Errorf("saved == running is %v, want %v", got, tt.wantSaved)
				}
			}
		})
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"exit", "quit", "exit save"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			c := sshConsole(t, NewRouter(englishScenario()), "rtxctl")
			c.send(cmd + "\r")
			if err := c.wait(); err != nil {
				t.Fatalf("ServeConsole after %q = %v, want nil", cmd, err)
			}
		})
	}
}

func TestClientHangup(t *testing.T) {
	t.Parallel()
	c := sshConsole(t, NewRouter(englishScenario()), "rtxctl")
	c.in.Close()
	if err := c.wait(); err != nil {
		t.Fatalf("ServeConsole after the client closed = %v, want nil", err)
	}
}

func TestCharacterSets(t *testing.T) {
	t.Parallel()
	const ja = "エラー: コマンド名を確認してください"
	tests := []struct {
		name      string
		language  string
		revision  string
		aliases   bool
		character string // console character command run first; "" = none
		want      string // raw bytes of the error line for an unknown command
	}{
		{name: "ja.sjis default", language: "ja", want: sjis(t, ja)},
		{name: "ja.utf8", language: "ja.utf8", want: ja},
		{name: "ja.euc", language: "ja.euc", want: "\xa5\xa8\xa5\xe9\xa1\xbc: \xa5\xb3\xa5\xde\xa5\xf3\xa5\xc9\xcc\xbe\xa4\xf2\xb3\xce\xc7\xa7\xa4\xb7\xa4\xc6\xa4\xaf\xa4\xc0\xa4\xb5\xa4\xa4"},
		{name: "en.ascii", language: "en", want: "Error: Invalid command name"},
		{name: "switch to English", language: "ja", character: "console character en.ascii", want: "Error: Invalid command name"},
		{name: "switch to UTF-8", language: "en", character: "console character ja.utf8", want: ja},
		{name: "alias refused on new firmware", language: "ja", character: "console character ascii", want: sjis(t, ja)},
		{name: "alias accepted by variant", language: "ja", aliases: true, character: "console character ascii", want: "Error: Invalid command name"},
		{name: "legacy firmware names", language: "ja", revision: "10.01.65", character: "console character ascii", want: "Error: Invalid command name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Language, sc.Revision, sc.Variants.CharsetAliases = tt.language, tt.revision, tt.aliases
			c := sshConsole(t, NewRouter(sc), "rtxctl")
			if tt.character != "" {
				c.run(tt.character, "> ")
			}
			got := c.run("frobnicate", "> ")
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("error line bytes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPager(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		language string
		erase    string
		variant  string // pager_marker_english or pager_marker_japanese, by language
		marker   string // as displayed
		keys     string // sent one at a time at each marker
		want     int    // config lines shown
	}{
		{name: "space pages to the end", language: "en", marker: "---more---", keys: "   ", want: 33},
		{name: "enter shows one more line", language: "en", marker: "---more---", keys: "\rq", want: 10},
		{name: "q stops", language: "en", marker: "---more---", keys: "q", want: 9},
		{name: "ctrl-c stops", language: "en", marker: "---more---", keys: "\x03", want: 9},
		{name: "japanese marker", language: "ja", marker: "---つづく---", keys: "q", want: 9},
		{name: "custom english marker and backspaces", language: "en", erase: "backspaces", variant: "--More--", marker: "--More--", keys: "q", want: 9},
		// The spacings of the command reference's typesetting.
		{name: "japanese marker space before dashes", language: "ja", variant: "---つづく ---", marker: "---つづく ---", keys: " q", want: 18},
		{name: "japanese marker spaced", language: "ja", variant: "--- つづく ---", marker: "--- つづく ---", keys: "q", want: 9},
		{name: "japanese marker two spaces and backspaces", language: "ja", erase: "backspaces", variant: "--- つづく  ---", marker: "--- つづく  ---", keys: "\rq", want: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Language = tt.language
			sc.Lines = "10"
			sc.Variants.PagerErase = tt.erase
			marker := tt.marker
			if tt.language == "ja" {
				sc.Variants.PagerMarkerJapanese = tt.variant
				marker = sjis(t, marker)
			} else {
				sc.Variants.PagerMarkerEnglish = tt.variant
			}
			for i := range 15 {
				sc.SavedConfig += "description " + string(rune('a'+i)) + "\n"
			}
			c := sshConsole(t, NewRouter(sc), "rtxctl")
			c.send("show config\r")
			var out strings.Builder
			for _, k := range tt.keys {
				out.WriteString(c.expect(marker))
				c.send(string(k))
			}
			out.WriteString(c.expectEnd("> "))
			got := out.String()
			n := textWidth(tt.marker)
			erase := "\r" + strings.Repeat(" ", n) + "\r"
			if tt.erase == "backspaces" {
				erase = strings.Repeat("\b", n) + strings.Repeat(" ", n) + strings.Repeat("\b", n)
			}
			if strings.Count(got, erase) != len(tt.keys) {
				t.Errorf("want %d marker erasures %q in %q", len(tt.keys), erase, got)
			}
			shown := strings.Count(got, "\r\n") - 1 // the echo's line end
			if shown != tt.want {
				t.Errorf("lines shown = %d, want %d; output %q", shown, tt.want, got)
			}
		})
	}
}

func TestPagerInfinity(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Lines = "infinity"
	for i := range 40 {
		sc.SavedConfig += "description line" + string(rune('a'+i%26)) + "\n"
	}
	c := sshConsole(t, NewRouter(sc), "rtxctl")
	got := c.run("show config", "> ")
	if strings.Contains(strings.Join(got, "\n"), "---more---") || len(got) < 45 {
		t.Errorf("unpaged show config printed %d lines with marker: %q", len(got), got)
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	x := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		line  string
		width int
		eager bool
		want  []string
	}{
		{"abc", 79, false, []string{"abc"}},
		{"", 79, false, []string{""}},
		{"", 79, true, []string{""}},
		{x(78), 79, true, []string{x(78)}},
		{x(79), 79, false, []string{x(79)}},
		{x(79), 79, true, []string{x(79), ""}},
		{x(80), 79, false, []string{x(79), "x"}},
		{x(80), 79, true, []string{x(79), "x"}},
		{x(158), 79, false, []string{x(79), x(79)}},
		{x(158), 79, true, []string{x(79), x(79), ""}},
		{x(159), 79, false, []string{x(79), x(79), "x"}},
		{x(81), 80, false, []string{x(80), "x"}},
		{x(160), 80, false, []string{x(80), x(80)}},
		{x(160), 80, true, []string{x(80), x(80), ""}},
		// A wide character that does not fit in the last column moves whole.
		{"a" + strings.Repeat("あ", 40), 79, false, []string{"a" + strings.Repeat("あ", 39), "あ"}},
		{"a" + strings.Repeat("あ", 39), 79, true, []string{"a" + strings.Repeat("あ", 39), ""}},
		{"ab" + strings.Repeat("あ", 40), 79, true, []string{"ab" + strings.Repeat("あ", 38), "ああ"}},
		{"ab" + strings.Repeat("あ", 40), 80, false, []string{"ab" + strings.Repeat("あ", 39), "あ"}},
		{"ｱｲｳ", 2, false, []string{"ｱｲ", "ｳ"}},
	}
	for _, tt := range tests {
		got := wrap(tt.line, tt.width, tt.eager)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("wrap(%q, %d, %t) mismatch (-want +got):\n%s", tt.line, tt.width, tt.eager, diff)
		}
	}
}

func TestEchoWrap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		columns   int
		prompt    string
		wrapWidth string
		cmdLen    int
		want      []int // lengths of the echo's physical lines
		full      bool  // the last physical line is exactly full
	}{
		{"default 80", 0, "", "", 200, []int{77, 79, 44}, false},
		{"80 at columns", 0, "", "columns", 200, []int{78, 80, 42}, false},
		{"100 with prompt", 100, "RTX1210", "", 200, []int{90, 99, 11}, false},
		{"100 with prompt at columns", 100, "RTX1210", "columns", 200, []int{91, 100, 9}, false},
		{"exactly full", 0, "", "", 77 + 79, []int{77, 79}, true},
		{"exactly full at columns", 0, "", "columns", 78, []int{78}, true},
	}
	for _, tt := range tests {
		for _, exact := range []string{"", "blank"} {
			t.Run(tt.name+"/wrap_exact="+exact, func(t *testing.T) {
				t.Parallel()
				sc := englishScenario()
				sc.Columns, sc.Prompt = tt.columns, tt.prompt
				sc.Variants.WrapWidth, sc.Variants.WrapExact = tt.wrapWidth, exact
				c := sshConsole(t, NewRouter(sc), "rtxctl")
				cmd := "show config | grep " + strings.Repeat("z", tt.cmdLen-len("show config | grep "))
				c.send(cmd + "\r")
				got := c.expectEnd("\r\n" + tt.prompt + "> ")
				var lines []string
				rest := cmd
				for _, n := range tt.want {
					lines = append(lines, rest[:n])
					rest = rest[n:]
				}
				if exact == "blank" && tt.full {
					lines = append(lines, "")
				}
				want := strings.Join(lines, "\r\n") + "\r\nSearching ...\r\n" + tt.prompt + "> "
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("echo wrap mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestConsolePrompt(t *testing.T) {
	t.Parallel()
	sc, err := LoadScenario(scenarioDir + "/named-prompt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(sc)
	c := sshConsole(t, r, "rtxctl")
	if got := c.run("console prompt X", "RTX1220> "); len(got) != 1 || !strings.Contains(got[0], "エ") && !strings.HasPrefix(got[0], "\x83G") {
		t.Errorf("console prompt at > = %q, want the administrator-only error", got)
	}
	c.send("administrator\r")
	c.expect("Password: ")
	c.send("rtxctl-admin\r")
	c.expectEnd("\r\nRTX1220# ")
	c.run(`console prompt "[R1] "`, "[R1] # ")
	c.run("no console prompt", "# ")
	if diff := cmp.Diff([]string{"Searching ..."}, c.run("show config | grep prompt", "# ")); diff != "" {
		t.Errorf("prompt line not removed (-want +got):\n%s", diff)
	}
}

func TestConsolePromptUserVariant(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Variants.ConsolePromptUser = true
	c := sshConsole(t, NewRouter(sc), "rtxctl")
	c.run("console prompt U", "U> ")
}

func TestLoginTimer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timer   int
		command string
	}{
		{"scenario timer", 120, ""},
		{"configured timer", 0, "login timer 150"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := englishScenario()
			sc.LoginTimer = tt.timer
			r := NewRouter(sc)
			c := adminConsole(t, r)
			if tt.command != "" {
				c.run(tt.command, "# ")
			}
			r.Advance(100 * time.Second)
			c.run("", "# ")
			r.Advance(100 * time.Second)
			c.run("", "# ") // input resets the timer
			r.Advance(200 * time.Second)
			if err := c.wait(); err != nil {
				t.Fatalf("ServeConsole after the login timer = %v, want nil", err)
			}
		})
	}
}

func TestRestartDropsSessions(t *testing.T) {
	t.Parallel()
	r := NewRouter(englishScenario())
	other := sshConsole(t, r, "rtxctl")
	c := adminConsole(t, r)
	c.run("bgp import filter 2 include 0.0.0.0/0", "# ")
	c.send("restart\r")
	if err := c.wait(); !errors.Is(err, ErrDropped) {
		t.Fatalf("ServeConsole after restart = %v, want ErrDropped", err)
	}
	if err := other.wait(); !errors.Is(err, ErrDropped) {
		t.Fatalf("other session after restart = %v, want ErrDropped", err)
	}
	if diff := cmp.Diff(r.SavedConfig(), r.RunningConfig()); diff != "" {
		t.Errorf("running config after restart differs from saved (-saved +running):\n%s", diff)
	}
	if got := r.NeighborState("10.10.50.254"); got != "Active" {
		t.Errorf("neighbor right after restart = %q, want Active", got)
	}
	r.Advance(5 * time.Second)
	if got := r.NeighborState("10.10.50.254"); got != "Established" {
		t.Errorf("neighbor after the delay = %q, want Established", got)
	}
}

func TestRestartPrivilege(t *testing.T) {
	t.Parallel()
	c := sshConsole(t, NewRouter(englishScenario()), "rtxctl")
	if diff := cmp.Diff([]string{"Error: Administrator use only"}, c.run("restart", "> ")); diff != "" {
		t.Errorf("restart at > mismatch (-want +got):\n%s", diff)
	}
}

func TestCommandsLog(t *testing.T) {
	t.Parallel()
	r := NewRouter(englishScenario())
	c := adminConsole(t, r)
	c.run("", "# ")
	c.run("show config | grep bgp", "# ")
	c.send("exit\r")
	c.expectEnd("> ")
	c2 := sshConsole(t, r, "rtxctl")
	c2.run("show environment", "> ")
	want := []string{"administrator", "", "show config | grep bgp", "exit", "show environment"}
	if diff := cmp.Diff(want, r.Commands()); diff != "" {
		t.Errorf("Commands() mismatch (-want +got):\n%s", diff)
	}
}

func TestExitJapanese(t *testing.T) {
	t.Parallel()
	r := NewRouter(DefaultScenario())
	c := adminConsole(t, r)
	c.run("bgp import filter 2 include 0.0.0.0/0", "# ")
	c.send("quit\r")
	c.expect("quit\r\n")
	if got := c.expect("(Y/N)"); got != sjis(t, "新しい設定を保存しますか? (Y/N)") {
		t.Errorf("question bytes = %q", got)
	}
	c.send("Y")
	want := sjis(t, "Yセーブ中... CONFIG0 終了") + "\r\n> "
	if diff := cmp.Diff(want, c.expectEnd("\r\n> ")); diff != "" {
		t.Errorf("Japanese save answer mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.RunningConfig(), r.SavedConfig()); diff != "" {
		t.Errorf("saved config after Y (-running +saved):\n%s", diff)
	}
}

func TestBootConfiguration(t *testing.T) {
	t.Parallel()
	const other = "ip route default gateway 192.168.254.254\nip lan1 address 192.168.2.1/24\n"
	otherLines := []string{"ip route default gateway 192.168.254.254", "ip lan1 address 192.168.2.1/24"}
	tests := []struct {
		name              string
		configFile        int
		defaultConfigFile *int
		savedConfigs      map[int]string
		wantEnv           []string // Config. file and Default config. file lines
		wantSave          string   // save's message
		wantRestart       []string // running configuration after restart; nil = the saved one
		wantFiles         [2]int   // ConfigFiles after restart
	}{
		{
			name:     "factory",
			wantEnv:  []string{"Firmware: exec0  Config. file: config0", "Default firmware: exec0  Default config. file: config0"},
			wantSave: "Saving ... CONFIG0 Done",
		},
		{
			name:       "runs and boots config1",
			configFile: 1, savedConfigs: map[int]string{0: other},
			wantEnv:  []string{"Firmware: exec0  Config. file: config1", "Default firmware: exec0  Default config. file: config1"},
			wantSave: "Saving ... CONFIG1 Done", wantFiles: [2]int{1, 1},
		},
		{
			// The RTX1210 capture: config0 running, config2 at boot.
			name:              "runs config0, boots config2",
			defaultConfigFile: ptr(2), savedConfigs: map[int]string{2: other},
			wantEnv:     []string{"Firmware: exec0  Config. file: config0", "Default firmware: exec0  Default config. file: config2"},
			wantSave:    "Saving ... CONFIG0 Done",
			wantRestart: otherLines, wantFiles: [2]int{2, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := longSessionScenario()
			sc.Columns = 200
			sc.ConfigFile, sc.DefaultConfigFile, sc.SavedConfigs = tt.configFile, tt.defaultConfigFile, tt.savedConfigs
			r := NewRouter(sc)
			c := adminConsole(t, r)
			if diff := cmp.Diff(tt.wantEnv, c.run("show environment", "# ")[6:8]); diff != "" {
				t.Errorf("show environment mismatch (-want +got):\n%s", diff)
			}
			for n, text := range tt.savedConfigs {
				got := c.run(fmt.Sprintf("show config %d", n), "# ")
				if diff := cmp.Diff(parseConfig(text).lines, got[5:]); diff != "" {
					t.Errorf("show config %d mismatch (-want +got):\n%s", n, diff)
				}
				if got := c.run(fmt.Sprintf("load %d silent no-configure-refresh", n), "# "); got != nil {
					t.Errorf("load %d printed %q", n, got)
				}
				if diff := cmp.Diff(parseConfig(text).lines, r.RunningConfig()); diff != "" {
					t.Errorf("running config after load %d (-want +got):\n%s", n, diff)
				}
				c.run(fmt.Sprintf("load %d silent no-configure-refresh", tt.configFile), "# ")
			}
			c.run("ip lan3 address 10.3.0.1/24", "# ")
			if diff := cmp.Diff([]string{tt.wantSave}, c.run("save", "# ")); diff != "" {
				t.Errorf("save mismatch (-want +got):\n%s", diff)
			}
			saved, ok := r.SavedConfigFile(tt.configFile)
			if diff := cmp.Diff(r.RunningConfig(), saved); !ok || diff != "" {
				t.Errorf("config %d after save (found %t; -running +saved):\n%s", tt.configFile, ok, diff)
			}
			if diff := cmp.Diff(saved, r.SavedConfig()); diff != "" {
				t.Errorf("SavedConfig is not config %d (-want +got):\n%s", tt.configFile, diff)
			}
			c.send("restart\r")
			if err := c.wait(); !errors.Is(err, ErrDropped) {
				t.Fatalf("ServeConsole after restart = %v, want ErrDropped", err)
			}
			want := tt.wantRestart
			if want == nil {
				want = saved
			}
			if diff := cmp.Diff(want, r.RunningConfig()); diff != "" {
				t.Errorf("running config after restart (-want +got):\n%s", diff)
			}
			running, boot := r.ConfigFiles()
			if diff := cmp.Diff(tt.wantFiles, [2]int{running, boot}); diff != "" {
				t.Errorf("ConfigFiles after restart (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, r.SavedConfig()); diff != "" {
				t.Errorf("SavedConfig after restart (-want +got):\n%s", diff)
			}
		})
	}
}
