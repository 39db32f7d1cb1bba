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
// logging out (shared/rtx-console.md §5.3).
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
)

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
// configuration has `console lines infinity` or `console columns 200`.
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
	if running.lines == sessionLines || running.columns == sessionColumns {
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
	}
	repaired := orig != running
	c.console = consoleState{known: true, orig: orig, cur: running, repaired: repaired}
	c.log.Debug("console settings", "lines", orig.lines, "columns", orig.columns, "character", orig.character, "repaired", repaired)
	if c.cfg.Encoding == "" {
		enc := encodingOf(orig.character, c.info.Model)
		if err := c.ch.SetEncoding(enc); err != nil {
			return false, fmt.Errorf("set encoding from console character %q: %w", orig.character, err)
		}
	}
	c.d.SetColumns(columnsOf(running.columns))
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
// router booted from, answering password questions.
func (c *Client) savedConsole(ctx context.Context) (consoleSettings, error) {
	n, err := c.bootConfig(ctx)
	if err != nil {
		return consoleSettings{}, err
	}
	out, err := c.d.Run(ctx, cmdShowSavedConfig(n)+" | grep console")
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
// router's own settings, columns first.
func (c *Client) restoreConsole(ctx context.Context) error {
	if !c.console.known || c.cfg.LeaveConsole {
		return nil
	}
	if c.console.cur.columns != c.console.orig.columns {
		if err := c.setConsole(ctx, "columns", c.console.orig.columns); err != nil {
			return fmt.Errorf("restore console settings: %w", err)
		}
	}
	if c.console.cur.lines != c.console.orig.lines {
		if err := c.setConsole(ctx, "lines", c.console.orig.lines); err != nil {
			return fmt.Errorf("restore console settings: %w", err)
		}
	}
	return nil
}

// setConsole sets `console NAME VALUE` ("" = `no console NAME`) and keeps
// the unwrap width in step.
func (c *Client) setConsole(ctx context.Context, name, value string) error {
	cmd := "no console " + name
	if value != "" {
		cmd = "console " + name + " " + value
	}
	if _, err := c.d.Run(ctx, cmd); err != nil {
		return err
	}
	c.console.cur.set(name, value)
	if name == "columns" {
		c.d.SetColumns(columnsOf(value))
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
	switch {
	case name == "columns":
		c.d.SetColumns(columnsOf(value))
	case name == "character" && c.cfg.Encoding == "":
		if err := c.ch.SetEncoding(encodingOf(value, c.info.Model)); err != nil {
			return fmt.Errorf("follow %q: %w", cmd, err)
		}
	}
	return nil
}

// RouterConsole returns configText, the text of `show config` read during
// this session, with the `console lines` and `console columns` lines the
// session set for itself replaced by the router's own settings (removed
// when the router's own setting is the factory default), so that a backup
// holds the router's configuration, not the session's. The router's own
// settings are those found at login, or, for a leftover of a cut-off
// session, the saved configuration's (see [Client.ConsoleRepaired]). Other
// lines, and the whole text before the console settings were read, are
// returned unchanged.
func (c *Client) RouterConsole(configText string) string {
	if !c.console.known {
		return configText
	}
	return routerConsole(configText, c.console.cur, c.console.orig)
}

// routerConsole replaces each top-level `console lines|columns` line of
// text that has the session's value (cur) by the router's own (orig).
func routerConsole(text string, cur, orig consoleSettings) string {
	lines := strings.SplitAfter(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		m := consoleLine.FindStringSubmatch(l)
		if m == nil || m[1] == "character" {
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
