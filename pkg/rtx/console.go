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
	// characterCmd and columnsCmd match commands that change the output
	// encoding or width; group 1 is "no" or "", group 2 the new value.
	characterCmd = regexp.MustCompile(`^\s*(no\s+)?console\s+character(?:\s+(\S+))?`)
	columnsCmd   = regexp.MustCompile(`^\s*(no\s+)?console\s+columns(?:\s+(\S+))?`)
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

// consoleState tracks what this session changed.
type consoleState struct {
	known   bool // orig was read
	orig    consoleSettings
	changed []string // setting names currently differing from orig ("lines", "columns")
	// retweak is set when the settings were restored for a save: the next
	// command sets them again, so a save followed by logout costs nothing.
	retweak bool
}

// setupConsole reads the console settings, switches the decoder to the
// configured character set (unless Config.Encoding forces one) and sets
// unlimited lines and wide columns for the session. If the router refuses
// `show config` at the current level, it reports false and changes nothing;
// the caller retries after entering administrator mode.
func (c *Client) setupConsole(ctx context.Context) (bool, error) {
	out, err := c.d.Run(ctx, "show config | grep console")
	var ce *driver.CommandError
	if errors.As(err, &ce) && c.d.Level() == levelUser {
		c.log.Debug("console settings not readable at this level", "error", ce.Message)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read console settings: %w", err)
	}
	orig := parseConsole(out)
	c.console = consoleState{known: true, orig: orig}
	c.log.Debug("console settings", "lines", orig.lines, "columns", orig.columns, "character", orig.character)
	if c.cfg.Encoding == "" {
		enc := encodingOf(orig.character, c.info.Model)
		if err := c.ch.SetEncoding(enc); err != nil {
			return false, fmt.Errorf("set encoding from console character %q: %w", orig.character, err)
		}
	}
	c.d.SetColumns(columnsOf(orig.columns))
	return true, c.tweakConsole(ctx)
}

// tweakConsole sets the session's console settings where they differ.
func (c *Client) tweakConsole(ctx context.Context) error {
	if !c.console.known {
		return nil
	}
	c.console.retweak = false
	if c.console.orig.lines != sessionLines {
		if err := c.runConsole(ctx, "lines", "console lines "+sessionLines); err != nil {
			return err
		}
	}
	if c.console.orig.columns != sessionColumns {
		if err := c.runConsole(ctx, "columns", "console columns "+sessionColumns); err != nil {
			return err
		}
		c.d.SetColumns(columnsOf(sessionColumns))
	}
	return nil
}

// restoreConsole puts back every console line this session changed.
func (c *Client) restoreConsole(ctx context.Context) error {
	for len(c.console.changed) > 0 {
		name := c.console.changed[len(c.console.changed)-1]
		orig := c.console.orig.lines
		if name == "columns" {
			orig = c.console.orig.columns
		}
		cmd := "no console " + name
		if orig != "" {
			cmd = "console " + name + " " + orig
		}
		if _, err := c.d.Run(ctx, cmd); err != nil {
			return fmt.Errorf("restore console settings: %w", err)
		}
		c.console.changed = c.console.changed[:len(c.console.changed)-1]
		if name == "columns" {
			c.d.SetColumns(columnsOf(orig))
		}
	}
	return nil
}

func (c *Client) runConsole(ctx context.Context, name, cmd string) error {
	if _, err := c.d.Run(ctx, cmd); err != nil {
		return fmt.Errorf("prepare console: %w", err)
	}
	c.console.changed = append(c.console.changed, name)
	return nil
}

// columnsOf returns the wrap width for a `console columns` value.
func columnsOf(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return defaultColumns
}

// followConsole keeps the decoder and the unwrap width in step with a
// successful `console character` or `console columns` command typed by the
// caller. The settings are still restored to the original lines before a
// save and at logout.
func (c *Client) followConsole(cmd string) error {
	if m := columnsCmd.FindStringSubmatch(cmd); m != nil {
		value := m[2]
		if m[1] != "" {
			value = ""
		}
		c.d.SetColumns(columnsOf(value))
		return nil
	}
	m := characterCmd.FindStringSubmatch(cmd)
	if m == nil || c.cfg.Encoding != "" {
		return nil
	}
	value := m[2]
	if m[1] != "" {
		value = ""
	}
	if err := c.ch.SetEncoding(encodingOf(value, c.info.Model)); err != nil {
		return fmt.Errorf("follow %q: %w", cmd, err)
	}
	return nil
}
