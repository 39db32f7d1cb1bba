// Command genman writes rtxctl's man pages (section 1) into a directory.
//
// Run it through `make man`.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/root"
)

// manDate is printed in every page's footer: fixed, so that regenerating
// the pages changes them only when the commands change.
var manDate = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genman DIR")
		os.Exit(2)
	}
	if err := generate(os.Args[1]); err != nil {
		fmt.Fprintf(os.Stderr, "genman: %v\n", err)
		os.Exit(1)
	}
}

// generate writes the man page of every rtxctl command into dir.
func generate(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cmd := root.NewCmdRoot(cli.NewFactory())
	cmd.InitDefaultCompletionCmd()
	cmd.DisableAutoGenTag = true
	return writeTree(cmd, dir)
}

// writeTree writes the pages of cmd and the commands below it, named as
// cobra's doc.GenManTree names them (rtxctl-tunnel-on.1).
func writeTree(cmd *cobra.Command, dir string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeTree(c, dir); err != nil {
			return err
		}
	}
	page, err := manPage(cmd)
	if err != nil {
		return err
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-") + ".1"
	return os.WriteFile(filepath.Join(dir, name), page, 0o644)
}

// manPage renders cmd's page, with the EXIT STATUS part of its help as a
// section of its own after OPTIONS (before EXAMPLE and SEE ALSO), as man
// pages have it, instead of a paragraph of DESCRIPTION.
func manPage(cmd *cobra.Command) ([]byte, error) {
	desc, exit := splitExitStatus(cmd.Long)
	cmd.Long = desc
	header := &doc.GenManHeader{Title: "RTXCTL", Section: "1", Date: &manDate, Source: "rtxctl", Manual: "rtxctl manual"}
	var b bytes.Buffer
	if err := doc.GenMan(cmd, header, &b); err != nil {
		return nil, err
	}
	if exit == "" {
		return b.Bytes(), nil
	}
	page := b.String()
	section := ".SH EXIT STATUS\n.nf\n" + roffEscape(exit) + "\n.fi\n\n"
	for _, next := range []string{"\n.SH EXAMPLE", "\n.SH SEE ALSO"} {
		if i := strings.Index(page, next); i >= 0 {
			return []byte(page[:i+1] + section + page[i+1:]), nil
		}
	}
	return []byte(page + section), nil
}

// splitExitStatus cuts the "EXIT STATUS" heading and the indented lines
// under it out of a command's long help.
func splitExitStatus(long string) (desc, exit string) {
	const heading = "EXIT STATUS\n"
	before, after, ok := strings.Cut("\n"+long, "\n"+heading)
	if !ok {
		return long, ""
	}
	lines := strings.Split(after, "\n")
	n := 0
	for n < len(lines) && strings.HasPrefix(lines[n], " ") {
		n++
	}
	rest := strings.Join(lines[n:], "\n")
	desc = strings.TrimSpace(strings.TrimSpace(before) + "\n\n" + strings.TrimSpace(rest))
	return desc, strings.Join(lines[:n], "\n")
}

// roffEscape keeps text literal in a man page: backslashes, and a dot or
// quote at the start of a line.
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}
