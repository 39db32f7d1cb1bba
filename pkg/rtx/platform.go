package rtx

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// Privilege level names of an RTX console.
const (
	levelUser  = "user"
	levelAdmin = "administrator"
)

// Names of the secrets that answer password questions (driver.Question),
// as a [*driver.PasswordError] lists them in Secrets and Missing:
// SecretLogin is Config.Password, SecretAdmin Config.AdminPassword.
const (
	SecretLogin = "login"
	SecretAdmin = "administrator"
)

// Console texts shared by every RTX model (see shared/rtx-console.md §4–§7).
var (
	// pagerMarker is "---つづく---" (Japanese) or "---more---" (English, in
	// any case), with any spaces before it and around the word: the
	// command reference prints "---つづく ---" and "--- つづく  ---".
	pagerMarker = regexp.MustCompile(`^ *-{2,3} *(?:つづく|(?i:more)) *-{2,3}`)
	errorLine   = regexp.MustCompile(`^(?:Error|エラー)\s*[:：]`)
	// saveQuestion is asked when leaving administrator mode with unsaved
	// changes; it is answered with a single key.
	saveQuestion   = regexp.MustCompile(`\(Y/N\) ?`)
	passwordPrompt = regexp.MustCompile(`Password: ?`)
	// savedConfigCommand matches the commands that read a saved
	// configuration (`show config N`, `show config difference ...`): they
	// ask for the login and administrator passwords when it holds password
	// commands (shared/rtx-console.md §7.1; prompt text unconfirmed).
	savedConfigCommand = regexp.MustCompile(`(?i)^\s*show\s+config\s+(?:\d|difference\b)`)
	// adminPasswordQuestion and loginPasswordQuestion are the questions of
	// such commands when their text names the password; passwordPrompt is
	// the plain form, answered with the login password first and the
	// administrator password second.
	adminPasswordQuestion = regexp.MustCompile(`(?i)administrator\s*password\s*: ?`)
	loginPasswordQuestion = regexp.MustCompile(`(?i)login\s*password\s*: ?`)
	usernamePrompt        = regexp.MustCompile(`Username: ?`)
	// firstPrompt is any prompt after the banner; group 1 is the prompt
	// prefix set by `console prompt`, group 2 the mode character.
	firstPrompt = regexp.MustCompile(`(?:^|\n)([^\n]*?)([>#]) `)
	grepPipe    = regexp.MustCompile(`\|\s*grep\b`)
	searching   = regexp.MustCompile(`^Searching ?\.\.\.`)
	// showConfigCommand matches commands whose output starts with "# " comment
	// lines, which look like the bare administrator prompt.
	showConfigCommand = regexp.MustCompile(`(?i)^\s*show\s+config\b`)
	// headerLine matches the comment lines that open `show config` output;
	// configuration lines never start with "#".
	headerLine = regexp.MustCompile(`^#`)
	// wholeConfigCommand matches the commands that print a whole
	// configuration, running or saved: header lines and always more.
	wholeConfigCommand = regexp.MustCompile(`(?i)^\s*show\s+config(?:\s+\d+)?\s*$`)
	// freeTextCommand matches the commands whose output lines may begin
	// with anything, prompts included: the log and the command history.
	freeTextCommand = regexp.MustCompile(`(?i)^\s*show\s+(?:log|history)\b`)
	// promptChange matches the commands that change the administrator
	// prompt without leaving the level: selecting a peer (`pp1# `) and
	// setting the prompt prefix.
	promptChange = regexp.MustCompile(`(?i)^\s*(?:no\s+)?(?:(?:pp|tunnel)\s+select|console\s+prompt)\b`)
	// showConfigPart and showConfigListing match the commands that print
	// configuration lines: `show config`, `show config N`, `show config pp
	// N`, `show config tunnel N [expand]`, with or without `| grep` pipes.
	// showConfigPart matches those whose indented block lines may come
	// without the line that opens their block: the pipes, and a pp or
	// tunnel alone (whether it prints its `select` line is not known).
	showConfigPart = regexp.MustCompile(`(?i)(?:^\s*show\s+config(?:\s+\d+(?:\.\d+)?)?\s+(?:pp|tunnel)\s|` +
		showConfigPrefix + `\|\s*grep\b)`)
	showConfigListing = regexp.MustCompile(`(?i)` + showConfigPrefix + `$`)
	// blockStart matches a configuration line that opens a block of
	// indented lines (`pp select 1`, `tunnel select 2`).
	blockStart = regexp.MustCompile(`^[a-z][a-z0-9-]* select \S`)
	// keywordShape matches a word that could be a configuration keyword.
	keywordShape = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	bannerInfo   = regexp.MustCompile(`(?m)^(\S+) Rev\.(\d+\.\d+\.\d+)`)
	saveDone     = regexp.MustCompile(`(?:Saving|セーブ中).*(?:Done|終了)`)
)

// showConfigPrefix is `show config` with the arguments that still print
// configuration lines.
const showConfigPrefix = `^\s*show\s+config(?:\s+\d+(?:\.\d+)?)?(?:\s+(?:pp|tunnel)\s+\S+(?:\s+expand)?)?\s*`

// configKeywords are the first words of RTX configuration lines, at column
// 0 or inside a block: the configuration commands of the Yamaha command
// reference and of real configurations (shared/rtx-console.md,
// testdata/real). A line starting with one of them and a space begins a
// configuration line.
var configKeywords = map[string]bool{
	"account": true, "administrator": true, "alarm": true, "auth": true, "bgp": true,
	"bridge": true, "console": true, "cooperation": true, "dashboard": true,
	"description": true, "dhcp": true, "dns": true, "ethernet": true,
	"external-memory": true, "http": true, "httpd": true, "ip": true, "ipsec": true,
	"ipv6": true, "isdn": true, "l2tp": true, "lan": true, "leased": true, "line": true,
	"login": true, "lua": true, "mail": true, "mobile": true, "nat": true,
	"netvolante-dns": true, "ntpdate": true, "operation": true, "ospf": true,
	"packetdump": true, "pki": true, "pp": true, "ppp": true, "pppoe": true,
	"pptp": true, "provider": true, "queue": true, "radius": true, "rip": true,
	"rollback": true, "schedule": true, "sd": true, "security": true, "set": true,
	"sftpd": true, "sip": true, "snmp": true, "snmpv2c": true, "snmpv3": true,
	"sntpd": true, "speed": true, "sshd": true, "statistics": true, "switch": true,
	"syslog": true, "system": true, "telnetd": true, "tftp": true, "timezone": true,
	"tunnel": true, "upnp": true, "url": true, "usbhost": true, "user": true,
	"vlan": true, "wins": true, "yno": true,
}

// configLineStart classifies a physical line of `show config` output for
// unwrapping (see [driver.LineRule]); part is set for output whose indented
// block lines may come without the line that opens their block.
//
// A configuration line begins with "#" (a header line, before any other
// line), with "Searching" (the first line of a pipe's output), with a
// keyword at
// column 0, or, inside a `pp select`/`tunnel select` block, with one or two
// spaces and a keyword (nested `ipsec tunnel` lines have two). Anything
// else cannot begin one: an empty line (show config prints none), a line
// starting with a digit or punctuation, a first word with "=", ":" or other
// characters no keyword has, an indented line outside a block. A lowercase
// word that is not a known keyword is left to the width rule.
//
// A continuation that happens to start with a keyword and a space (a
// description broken just before the word "ip ") is taken for a new line:
// a line filling the width exactly is far more common than a break that
// falls right before a keyword.
func configLineStart(part bool) func(before []string, line string) driver.LineStart {
	return func(before []string, line string) driver.LineStart {
		switch {
		case strings.HasPrefix(line, "#") && !headerOnly(before):
			// Header lines come before every configuration line: this
			// one continues a line that ends in a prompt-like "#".
			return driver.LineContinues
		case strings.HasPrefix(line, "#") || searching.MatchString(line):
			return driver.LineStarts
		}
		body := strings.TrimLeft(line, " ")
		if indent := len(line) - len(body); indent > 2 || indent > 0 && !part && !inBlock(before) {
			return driver.LineContinues
		}
		word, _, arg := strings.Cut(body, " ")
		switch {
		case !keywordShape.MatchString(word):
			return driver.LineContinues
		case arg && configKeywords[word]:
			return driver.LineStarts
		}
		return driver.LineUnknown
	}
}

// anyCommand matches every command: status tables have no grammar the
// client knows, only their horizontal rules.
var anyCommand = regexp.MustCompile(``)

// ruleLineStart classifies a physical line that follows a horizontal rule
// (a line of dashes, such as the 79-dash rule under the header of `show
// status user`, which fills a factory 80-column console exactly): only
// more dashes continue a rule. Anything else is left to the width rule.
func ruleLineStart(before []string, line string) driver.LineStart {
	if len(before) == 0 || !isRule(before[len(before)-1]) {
		return driver.LineUnknown
	}
	if strings.HasPrefix(line, "-") {
		return driver.LineContinues
	}
	return driver.LineStarts
}

// isRule reports whether s is a horizontal rule: dashes only.
func isRule(s string) bool {
	return s != "" && strings.Trim(s, "-") == ""
}

// headerOnly reports whether lines are all header lines (or the
// "Searching ..." line of a pipe).
func headerOnly(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "#") && !searching.MatchString(l) {
			return false
		}
	}
	return true
}

// inBlock reports whether the last unindented line of before opens a block.
func inBlock(before []string) bool {
	for _, l := range slices.Backward(before) {
		if !strings.HasPrefix(l, " ") {
			return blockStart.MatchString(l)
		}
	}
	return false
}

// platform returns the RTX console personality for a session whose prompts
// carry prefix (the `console prompt` string, "" by default).
//
// With an empty prefix the administrator prompt "# " is indistinguishable
// from the header comment lines of `show config` when a read happens to end
// right after one. Header lines come only before the configuration lines,
// which never start with "#". So for show config commands, and only while
// the output read so far consists of header lines alone, a prompt match is
// not the prompt when the command prints a whole configuration (the
// configuration lines always follow), and otherwise waits for a short
// silence (channel.DefaultQuiet): a real prompt is the last thing the router
// sends. With a prefix this ambiguity does not arise. The driver's other
// rules apply as well: after any command but `pp select`, `tunnel select`,
// `console prompt`, `administrator` and `exit` the prompt must read exactly
// as before, so `> ` or `pp1# ` lines inside output never end it.
func platform(prefix string, columns int) driver.Platform {
	p := regexp.QuoteMeta(prefix)
	pl := driver.Platform{
		Levels: []driver.Level{
			{Name: levelUser, Prompt: regexp.MustCompile(`(?:^|\n)` + p + `> `)},
			{
				Name: levelAdmin,
				// `pp select N` / `tunnel select N` insert the peer into
				// the administrator prompt (`pp1# `).
				Prompt:         regexp.MustCompile(`(?:^|\n)` + p + `(?:pp|tunnel)?\d*# `),
				Previous:       levelUser,
				Escalate:       "administrator",
				PasswordPrompt: passwordPrompt,
				Deescalate:     "exit",
			},
		},
		Questions: []driver.Question{
			{Pattern: saveQuestion, Answer: "N"},
			// The named forms come first: the plain one matches their end.
			{Pattern: adminPasswordQuestion, Command: savedConfigCommand, Secrets: []string{SecretAdmin}},
			{Pattern: loginPasswordQuestion, Command: savedConfigCommand, Secrets: []string{SecretLogin}},
			{Pattern: passwordPrompt, Command: savedConfigCommand, Secrets: []string{SecretLogin, SecretAdmin}},
		},
		ErrorLine:    errorLine,
		Filters:      []driver.Filter{{Command: grepPipe, Line: searching}},
		PromptChange: promptChange,
		FreeText:     freeTextCommand,
		Columns:      columns,
		Lines: []driver.LineRule{
			{Command: showConfigPart, Start: configLineStart(true)},
			{Command: showConfigListing, Start: configLineStart(false)},
			{Command: anyCommand, Start: ruleLineStart},
		},
	}
	if strings.TrimSpace(prefix) == "" {
		pl.PromptLikeOutput = showConfigCommand
		pl.PromptLikeLine = headerLine
		pl.PromptLikeNeverAlone = wholeConfigCommand
	}
	return pl
}

// encodingOf maps a `console character` value to the output encoding; an
// empty value is the model's factory default (UTF-8 on vRX, Shift_JIS
// elsewhere).
func encodingOf(character, model string) channel.Encoding {
	switch strings.ToLower(character) {
	case "ja.sjis", "sjis":
		return channel.ShiftJIS
	case "ja.euc", "euc":
		return channel.EUCJP
	case "ja.utf8", "utf8":
		return channel.UTF8
	case "en.ascii", "ascii":
		return channel.ASCII
	}
	if strings.HasPrefix(strings.ToLower(model), "vrx") {
		return channel.UTF8
	}
	return channel.ShiftJIS
}
