// Command genman writes rtxctl's man pages (section 1) into a directory.
//
// Run it through `make man`.
package main

import (
	"fmt"
	"os"
	"time"

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
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "genman: %v\n", err)
		os.Exit(1)
	}
	cmd := root.NewCmdRoot(cli.NewFactory())
	cmd.InitDefaultCompletionCmd()
	cmd.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "RTXCTL", Section: "1", Date: &manDate, Source: "rtxctl", Manual: "rtxctl manual"}
	if err := doc.GenManTree(cmd, header, dir); err != nil {
		fmt.Fprintf(os.Stderr, "genman: %v\n", err)
		os.Exit(1)
	}
}
