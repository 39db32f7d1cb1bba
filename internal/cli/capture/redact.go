package capture

import (
	"strings"

	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// redactPhysical redacts every secret of text, physical lines as a router
// with the given console width printed them. A secret may be split by the
// router's hard wrapping, so each run of lines that may continue one
// another (a line at least columns − 1 wide continues on the next) is
// joined and redacted as one line; a run whose text changed is written
// back wrapped at the width of its first line. Joining two lines that were
// not one only redacts more, never less.
func redactPhysical(text string, columns int) string {
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] != "" && driver.DisplayWidth(strings.TrimSuffix(lines[j], "\n")) >= columns-1 {
			j++
		}
		run := lines[i : j+1]
		joined := strings.ReplaceAll(strings.Join(run, ""), "\n", "")
		red := rtx.RedactSecrets(joined)
		if red == joined {
			for _, l := range run {
				b.WriteString(l)
			}
		} else {
			b.WriteString(wrap(red, driver.DisplayWidth(strings.TrimSuffix(run[0], "\n")), len(run) > 1))
			if strings.HasSuffix(run[len(run)-1], "\n") {
				b.WriteString("\n")
			}
		}
		i = j + 1
	}
	return b.String()
}

// wrap breaks s into lines of at most w columns (joined by "\n", no final
// line end) when wrapped is set, and returns it unchanged otherwise.
func wrap(s string, w int, wrapped bool) string {
	if !wrapped || w <= 0 {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := driver.DisplayWidth(string(r))
		if n+rw > w {
			b.WriteByte('\n')
			n = 0
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String()
}
