package rtx

import (
	"regexp"
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
	// pagerMarker is "---つづく---" (Japanese) or "---more---" (English), with
	// or without spaces around the word.
	pagerMarker = regexp.MustCompile(`-{2,3} ?(?:つづく|more|MORE) ?-{2,3}`)
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
	bannerInfo = regexp.MustCompile(`(?m)^(\S+) Rev\.(\d+\.\d+\.\d+)`)
	saveDone   = regexp.MustCompile(`(?:Saving|セーブ中).*(?:Done|終了)`)
)

// platform returns the RTX console personality for a session whose prompts
// carry prefix (the `console prompt` string, "" by default).
//
// With an empty prefix the administrator prompt "# " is indistinguishable
// from the header comment lines of `show config` when a read happens to end
// right after one. Header lines come only before the configuration lines,
// which never start with "#". So for show config commands, and only while
// the output read so far consists of header lines alone, a prompt match
// waits for a short silence (channel.DefaultQuiet): a real prompt is the last
// thing the router sends. Every other match is accepted at once, and with a
// prefix there is no ambiguity at all.
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
		ErrorLine: errorLine,
		Filters:   []driver.Filter{{Command: grepPipe, Line: searching}},
		Columns:   columns,
	}
	if strings.TrimSpace(prefix) == "" {
		pl.PromptLikeOutput = showConfigCommand
		pl.PromptLikeLine = headerLine
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
