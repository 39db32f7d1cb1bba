package history

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtxctl/rtxctl/internal/state"
)

// Write prints changes as a table for people, each row followed by the
// BGP lines the change removed (-) and added (+) and its error, indented;
// routers adds a ROUTER column (when several routers are listed).
func Write(w io.Writer, changes []Change, routers bool) error {
	var rows bytes.Buffer
	tw := tabwriter.NewWriter(&rows, 0, 4, 2, ' ', 0)
	router := func(c Change) string { return "" }
	header := "ID\tTIME\tUSER\tACTION\tSTATE"
	if routers {
		router = func(c Change) string { return c.Router + "\t" }
		header = "ID\tTIME\tROUTER\tUSER\tACTION\tSTATE"
	}
	fmt.Fprintln(tw, header)
	for _, c := range changes {
		fmt.Fprintf(tw, "%d\t%s\t%s%s\t%s\t%s\n", c.ID, c.Time.Local().Format(time.DateTime), router(c), user(c.User), c.Action, c.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	lines := strings.SplitAfter(rows.String(), "\n")
	var b strings.Builder
	b.WriteString(lines[0])
	for i, c := range changes {
		b.WriteString(strings.TrimRight(lines[i+1], " \n") + "\n")
		root := c.Entries[0]
		for _, l := range diff(root.Before, root.After) {
			fmt.Fprintf(&b, "    %s\n", l)
		}
		if c.Error != "" {
			fmt.Fprintf(&b, "    error: %s\n", c.Error)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func user(u state.User) string {
	switch {
	case u.Local == "" && u.Login == "":
		return "-"
	case u.Login == "":
		return u.Local
	}
	return u.Local + " as " + u.Login
}

// diff returns the lines only in before ("- ") and only in after ("+ ").
func diff(before, after []string) []string {
	var out []string
	for _, l := range before {
		if !slices.Contains(after, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range after {
		if !slices.Contains(before, l) {
			out = append(out, "+ "+l)
		}
	}
	return out
}
