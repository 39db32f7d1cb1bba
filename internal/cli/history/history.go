// Package history implements `rtxctl history`: print a router's journal.
package history

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/state"
)

// Options holds the inputs of `rtxctl history`.
type Options struct {
	IO     *iostreams.IOStreams
	Router string // ROUTER argument; "" when --host says where
	Host   string // --host, else the config file's host of Router
	Output string // -o: text or json
	// StateDir holds the journals: $XDG_STATE_HOME/rtxctl.
	StateDir string
}

// NewCmdHistory returns the `history` command. runF replaces the command's
// action in tests; nil runs it.
func NewCmdHistory(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "history [ROUTER]",
		Short: "Show a router's journal of changes",
		Long: `Show the journal rtxctl keeps for a router under $XDG_STATE_HOME/rtxctl/HOST/:
every change with its time, the local and router user, the action, the result,
whether it was saved, its timed-rollback state (pending with its deadline,
confirmed, rolled back, expired-reverted) and the BGP lines it removed (-) and
added (+). Entries that record the outcome of an earlier one name it (ref N).
The router is not contacted. With -o json the entries are one JSON array.`,
		Example: `  rtxctl history tokyo
  rtxctl history --host 192.168.100.1 -o json`,
		Args: cli.RouterArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Router = args[0]
			}
			if err := cli.ValidateOutput(opts.Output); err != nil {
				return err
			}
			if !cmd.Flags().Changed("host") && opts.Router != "" {
				cfg, err := f.Config()
				if err != nil {
					return err
				}
				h, err := cfg.Router(opts.Router)
				if err != nil {
					return &cli.FlagError{Err: err}
				}
				opts.Host = h.Host
			}
			if opts.Host == "" {
				return cli.FlagErrorf("no router given: use --host HOST or name a ROUTER from the config file")
			}
			var err error
			if opts.StateDir, err = f.StateDir(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Host, "host", "", "router address or name as used for the changes")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", cli.OutputText, "output format: {text | json}")
	return cmd
}

func run(opts *Options) error {
	store := &state.Store{Root: opts.StateDir}
	entries, warnings, err := store.Entries(store.Key(opts.Host, opts.Host))
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	if opts.Output == cli.OutputJSON {
		if entries == nil {
			entries = []state.Entry{}
		}
		return cli.WriteJSON(opts.IO.Out, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no journal for %s\n", opts.Host)
		return nil
	}
	return Write(opts.IO.Out, entries)
}

// Write prints entries as a table for people, each row followed by the BGP
// lines the entry removed (-) and added (+) and its error, indented.
func Write(w io.Writer, entries []state.Entry) error {
	var rows bytes.Buffer
	tw := tabwriter.NewWriter(&rows, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tUSER\tACTION\tRESULT\tSAVED\tSTATE")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Time.Local().Format(time.DateTime), user(e.User), action(e), dash(string(e.Result)), yesNo(e.Saved), lifecycle(e))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	lines := strings.SplitAfter(rows.String(), "\n")
	var b strings.Builder
	b.WriteString(lines[0])
	for i, e := range entries {
		b.WriteString(strings.TrimRight(lines[i+1], " \n") + "\n")
		for _, l := range diff(e.Before, e.After) {
			fmt.Fprintf(&b, "    %s\n", l)
		}
		if e.Error != "" {
			fmt.Fprintf(&b, "    error: %s\n", e.Error)
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

func action(e state.Entry) string {
	if e.Ref != 0 {
		return fmt.Sprintf("%s (ref %d)", e.Action, e.Ref)
	}
	return string(e.Action)
}

// lifecycle is the timed-rollback state, with the deadline and schedule
// of a pending change.
func lifecycle(e state.Entry) string {
	if !e.Pending {
		return dash(string(e.State))
	}
	s := "pending until " + e.Deadline.Local().Format(time.DateTime)
	if e.RouterScheduleID != 0 {
		s += fmt.Sprintf(" (router schedule %d)", e.RouterScheduleID)
	}
	return s
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

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
