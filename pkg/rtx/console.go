package rtx

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

// Console settings are configuration: a later `save` would persist them.
// The client reads them first, sets what automation needs for the session,
// and restores exactly the original lines before any save and before
// logging out (shared/rtx-console.md §5.3). The console character is
// switched to English ASCII only when status text is about to be parsed
// ([Client.RunStatus]), because real routers print status output in the
// console's language and no Japanese BGP status has ever been seen
// (shared/rtx-console.md §1.3).
const (
	sessionLines   = "infinity"
	sessionColumns = "200"
	defaultColumns = 80
)

var (
	consoleLine = regexp.MustCompile(`^console (lines|columns|character) (\S+)`)
	// consoleCmd matches commands that change a console setting the
	// session follows; group 1 is "no" or "", group 2 the setting, group 3
	// the new value.
	consoleCmd = regexp.MustCompile(`^\s*(no\s+)?console\s+(lines|columns|character)(?:\s+(\S+))?`)
	// configListing matches the commands that list a configuration
	// (`show config`, `show config N`, `show config difference ...`)
	// without a pipe: the text a backup keeps.
	configListing = regexp.MustCompile(`(?i)^\s*show\s+config\b[^|]*$`)
)

// englishCharacters are the `console character` values for English ASCII:
// `en.ascii` from Rev.14.01 on, `ascii` before (and possibly accepted as
// an alias later, which is unconfirmed).
var englishCharacters = []string{"en.ascii", "ascii"}

// isEnglish reports whether a `console character` value prints English
// ASCII.
func isEnglish(character string) bool {
	for _, v := range englishCharacters {
		if strings.EqualFold(character, v) {
			return true
		}
	}
	return false
}

// legacyCharacters reports whether a console character value or, when
// there is none, a firmware revision belongs to the firmware before
// Rev.14.01, whose names are `ascii`, `sjis` and `euc`.
func legacyCharacters(character, revision string) bool {
	switch strings.ToLower(character) {
	case "ascii", "sjis", "euc":
		return true
	case "":
		v, ok := parseRevision(revision)
		return ok && (v[0] < 14 || v[0] == 14 && v[1] == 0)
	}
	return false
}

// consoleSettings are the `console` lines of the configuration; "" means
// the line is absent (factory default).
type consoleSettings struct {
	lines, columns, character string
}

func parseConsole(out string) consoleSettings {
	var s consoleSettings
	for _, l := range strings.Split(out, "\n") {
		m := consoleLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		switch m[1] {
		case "lines":
			s.lines = m[2]
		case "columns":
			s.columns = m[2]
		case "character":
			s.character = m[2]
		}
	}
	return s
}

// consoleState tracks the router's own console settings and the session's.
type consoleState struct {
	known bool            // orig was read
	orig  consoleSettings // the router's own settings, restored before save and logout
	cur   consoleSettings // the running settings as this session left them
	// repaired reports that a running setting was a cut-off session's
	// leftover and orig took its value from the saved configuration.
	repaired bool
	// retweak is set when the settings were restored for a save: the next
	// command sets them again, so a save followed by logout costs nothing.
	retweak bool
	// english is the English `console character` value the router
	// accepted; noEnglish is set when it refused every one, and status
	// text is then read in the router's language.
	english   string
	noEnglish bool
}

// setupConsole reads the console settings, switches the decoder to the
// configured character set (unless Config.Encoding forces one) and sets
// unlimited lines and wide columns for the session. If the router refuses
// `show config` (or `show config N`) at the current level, it reports false
// and changes nothing; the caller retries after entering administrator
// mode.
//
// A running setting that equals the session's own (`console lines
// infinity` or `console columns 200`) may have been left behind by a
// session that was cut off before it could restore it (or rolled back to a
// snapshot taken while it ran). Only then the saved configuration the
// router booted from is consulted, and its value of each such setting is
// taken as the router's own, so that it, not the leftover, is restored and
// saved. That costs two extra round trips (`show environment`, `show config
// N | grep console`), once per session and only for routers whose running
// configuration has `console lines infinity` or `console columns 200`, or
// (unless Config.LeaveConsole) `console character en.ascii` or `ascii`.
// A session with LeaveConsole puts the console character back to what it
// found, leftover or not, so that it leaves the running configuration
// exactly as it was.
func (c *Client) setupConsole(ctx context.Context) (bool, error) {
	out, err := c.d.Run(ctx, "show config | grep console")
	if refusedAtUserLevel(c, err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read console settings: %w", err)
	}
	running := parseConsole(out)
	orig := running
	leftCharacter := !c.cfg.LeaveConsole && isEnglish(running.character)
	if running.lines == sessionLines || running.columns == sessionColumns || leftCharacter {
		saved, err := c.savedConsole(ctx)
		if refusedAtUserLevel(c, err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("read console settings: %w", err)
		}
		if running.lines == sessionLines {
			orig.lines = saved.lines
		}
		if running.columns == sessionColumns {
			orig.columns = saved.columns
		}
		if leftCharacter {
			orig.character = saved.character
		}
	}
	repaired := orig != running
	c.console = consoleState{known: true, orig: orig, cur: running, repaired: repaired}
	c.log.Debug("console settings", "lines", orig.lines, "columns", orig.columns, "character", orig.character, "repaired", repaired)
	if c.cfg.Encoding == "" {
		enc := encodingOf(running.character, c.info.Model)
		if err := c.ch.SetEncoding(enc); err != nil {
			return false, fmt.Errorf("set encoding from console character %q: %w", running.character, err)
		}
	}
	c.d.SetColumns(columnsOf(running.columns))
	// A console that does not page lets a settled prompt be confirmed.
	c.d.SetProbe(!c.cfg.LeaveConsole || running.lines == sessionLines)
	return true, c.tweakConsole(ctx)
}

// refusedAtUserLevel reports whether err is the router refusing a command
// that may work in administrator mode.
func refusedAtUserLevel(c *Client, err error) bool {
	var ce *driver.CommandError
	if errors.As(err, &ce) && c.d.Level() == levelUser {
		c.log.Debug("console settings not readable at this level", "error", ce.Message)
		return true
	}
	return false
}

// savedConsole reads the console settings of the saved configuration the
// router runs (the one `save` writes), answering password questions.
func (c *Client) savedConsole(ctx context.Context) (consoleSettings, error) {
	files, err := c.ConfigFiles(ctx)
	if err != nil {
		return consoleSettings{}, err
	}
	out, err := c.d.Run(ctx, cmdShowSavedConfig(files.Running)+" | grep console")
	if err != nil {
		return consoleSettings{}, err
	}
	return parseConsole(out), nil
}

// tweakConsole sets the session's console settings where they differ.
func (c *Client) tweakConsole(ctx context.Context) error {
	if !c.console.known || c.cfg.LeaveConsole {
		return nil
	}
	c.console.retweak = false
	if c.console.cur.lines != sessionLines {
		if err := c.setConsole(ctx, "lines", sessionLines); err != nil {
			return fmt.Errorf("prepare console: %w", err)
		}
	}
	if c.console.cur.columns != sessionColumns {
		if err := c.setConsole(ctx, "columns", sessionColumns); err != nil {
			return fmt.Errorf("prepare console: %w", err)
		}
	}
	return nil
}

// restoreConsole puts back every console line that differs from the
// router's own settings, columns first and the character last (only the
// character with Config.LeaveConsole).
func (c *Client) restoreConsole(ctx context.Context) error {
	if !c.console.known {
		return nil
	}
	names := []string{"columns", "lines", "character"}
	if c.cfg.LeaveConsole {
		names = names[2:]
	}
	for _, name := range names {
		if own := c.console.orig.get(name); c.console.cur.get(name) != own {
			if err := c.setConsole(ctx, name, own); err != nil {
				return fmt.Errorf("restore console settings: %w", err)
			}
		}
	}
	return nil
}

// RunStatus runs cmd like [Client.Run], for a command whose output is
// parsed (`show status ...`, `show environment`): first it switches the
// session's console to English ASCII (`console character en.ascii`, or
// `ascii` on firmware before Rev.14.01 or when `en.ascii` is refused)
// unless it already prints English, so that the output does not depend on
// Japanese wording. The router's own `console character` (or `no console
// character` when it had none) is put back before the next configuration
// listing, every save and logout, with Config.LeaveConsole too, so that
// the running configuration is left as it was found; the output decoder
// follows each change (unless Config.Encoding forces one). A router that
// refuses both names, or whose console settings could not be read, answers
// in its own language. It makes *Client a [StatusRunner].
func (c *Client) RunStatus(ctx context.Context, cmd string) (string, error) {
	if err := c.english(ctx); err != nil {
		return "", err
	}
	return c.Run(ctx, cmd)
}

// english switches the console character to English ASCII, trying the
// name the firmware most likely knows first.
func (c *Client) english(ctx context.Context) error {
	s := &c.console
	if !s.known || s.noEnglish || isEnglish(s.cur.character) {
		return nil
	}
	names := englishCharacters
	switch {
	case s.english != "":
		names = []string{s.english}
	case legacyCharacters(s.orig.character, c.info.Revision):
		names = []string{"ascii", "en.ascii"}
	}
	for _, v := range names {
		err := c.setConsole(ctx, "character", v)
		if err == nil {
			s.english = v
			return nil
		}
		if !isCommandError(err) {
			return fmt.Errorf("switch the console to English: %w", err)
		}
		c.log.Debug("console character refused", "value", v, "error", err)
	}
	s.noEnglish = true
	return nil
}

// routerCharacter puts the router's own console character back when the
// session switched it.
func (c *Client) routerCharacter(ctx context.Context) error {
	if !c.console.known || c.console.cur.character == c.console.orig.character {
		return nil
	}
	if err := c.setConsole(ctx, "character", c.console.orig.character); err != nil {
		return fmt.Errorf("restore console settings: %w", err)
	}
	return nil
}

// setConsole sets `console NAME VALUE` ("" = `no console NAME`) and keeps
// the unwrap width and the output decoder in step.
func (c *Client) setConsole(ctx context.Context, name, value string) error {
	cmd := "no console " + name
	if value != "" {
		cmd = "console " + name + " " + value
	}
	if _, err := c.d.Run(ctx, cmd); err != nil {
		return err
	}
	c.console.cur.set(name, value)
	return c.followDecoder(name, value)
}

// followDecoder keeps the unwrap width and the output decoder (unless
// Config.Encoding forces one) in step with a console setting that changed.
func (c *Client) followDecoder(name, value string) error {
	switch {
	case name == "columns":
		c.d.SetColumns(columnsOf(value))
	case name == "character" && c.cfg.Encoding == "":
		if err := c.ch.SetEncoding(encodingOf(value, c.info.Model)); err != nil {
			return fmt.Errorf("decode console character %q: %w", value, err)
		}
	}
	return nil
}

// set changes the setting called name ("lines", "columns", "character").
func (s *consoleSettings) set(name, value string) {
	switch name {
	case "lines":
		s.lines = value
	case "columns":
		s.columns = value
	case "character":
		s.character = value
	}
}

// get returns the setting called name ("lines", "columns", "character").
func (s consoleSettings) get(name string) string {
	switch name {
	case "lines":
		return s.lines
	case "columns":
		return s.columns
	case "character":
		return s.character
	}
	return ""
}

// columnsOf returns the wrap width for a `console columns` value.
func columnsOf(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return defaultColumns
}

// followConsole keeps the session's view of the console in step with a
// successful `console lines`, `console columns` or `console character`
// command typed by the caller: the unwrap width, and the decoder (unless
// Config.Encoding forces one). A setting the caller types becomes the
// router's own: it is what a save keeps and what logout leaves, and the
// session's settings return with the next command after a save.
func (c *Client) followConsole(cmd string) error {
	m := consoleCmd.FindStringSubmatch(cmd)
	if m == nil {
		return nil
	}
	name, value := m[2], m[3]
	if m[1] != "" {
		value = ""
	}
	if name == "lines" {
		value = strings.ToLower(value)
	}
	c.console.cur.set(name, value)
	c.console.orig.set(name, value)
	if err := c.followDecoder(name, value); err != nil {
		return fmt.Errorf("follow %q: %w", cmd, err)
	}
	return nil
}

// RouterConsole returns configText, the text of `show config` read during
// this session, with the `console lines`, `console columns` and
// `console character` lines the session set for itself replaced by the
// router's own settings (removed when the router's own setting is the
// factory default), so that a backup holds the router's configuration,
// not the session's. The router's own settings are those found at login,
// or, for a leftover of a cut-off session, the saved configuration's (see
// [Client.ConsoleRepaired]). Other lines, and the whole text before the
// console settings were read, are returned unchanged.
func (c *Client) RouterConsole(configText string) string {
	if !c.console.known {
		return configText
	}
	return routerConsole(configText, c.console.cur, c.console.orig)
}

// routerConsole replaces each top-level `console lines|columns|character`
// line of text that has the session's value (cur) by the router's own
// (orig).
func routerConsole(text string, cur, orig consoleSettings) string {
	lines := strings.SplitAfter(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		m := consoleLine.FindStringSubmatch(l)
		if m == nil {
			out = append(out, l)
			continue
		}
		now, own := cur.get(m[1]), orig.get(m[1])
		if m[2] != now || now == own {
			out = append(out, l)
			continue
		}
		if own != "" {
			end := l[len(strings.TrimRight(l, "\r\n")):]
			out = append(out, "console "+m[1]+" "+own+end)
		}
	}
	return strings.Join(out, "")
}
