// Package history implements `rtxctl history`: the changes rtxctl made to
// routers, one row per change, read from their journals.
package history

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/state"
)

// Options holds the inputs of `rtxctl history`.
type Options struct {
	IO     *iostreams.IOStreams
	Router string // ROUTER argument: a name from the config file or a router's identity; "" = every router
	Host   string // --host, else the config file's host of Router; "" with Router = Router is an identity
	// route is the config file's "host:port" of Router when it gives a port:
	// of routers behind one address, the one Router names.
	route  string
	Output string // -o: text or json
	Limit  int    // --limit: the newest N changes; 0 = all
	Since  time.Time
	// StateDir holds the journals: $XDG_STATE_HOME/rtxctl.
	StateDir string
	// Now is the clock (for --since DURATION and overdue changes).
	Now func() time.Time

	Many fleet.Options // several routers: --group, --all, --inventory, --parallel
}

// NewCmdHistory returns the `history` command. runF replaces the command's
// action in tests; nil runs it.
func NewCmdHistory(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Now: f.Now}
	var since string
	cmd := &cobra.Command{
		Use:   "history [ROUTER...]",
		Short: "Show the changes made to routers",
		Long: `Show the changes rtxctl made, read from the journals it keeps under
$XDG_STATE_HOME/rtxctl/ROUTER/ (the router is not contacted): one row per
change with its time, the local and router user, the action and its final
state in words (applied and saved, pending until a deadline, confirmed,
rolled back by the router, interrupted, ...), followed by the BGP lines it
removed (-) and added (+) and its error.

ROUTER is a name from the config file, or a router's identity (the name of
its directory, MODEL_SERIAL); without ROUTER or --host every router is
listed. Several ROUTERs, --group or --all give one result per router (see
docs/fleet.md), each with its changes in -o json. --limit keeps the newest changes, --since those made after a
moment: a duration back from now (24h) or a time (2026-12-06, 2026-12-06
10:00, RFC 3339). With -o json every journal entry of each change is kept
(see docs/json.md).`,
		Example: `  rtxctl history tokyo
  rtxctl history --limit 5
  rtxctl history --since 24h -o json
  rtxctl history --group kanto -o json`,
		Args: fleet.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("since") {
				var err error
				if opts.Since, err = parseSince(since, opts.now()); err != nil {
					return err
				}
			}
			return opts.Many.Run(cmd, f, args, opts.Output, func(_ context.Context, turn *fleet.Turn, args []string) error {
				o, resolve := opts.forTurn(turn, args), turn != nil || !cmd.Flags().Changed("host")
				return o.runE(f, resolve, runF)
			})
		},
	}
	cmd.Flags().StringVar(&opts.Host, "host", "", "router address or name as used for the changes")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", cli.OutputText, "output format: {text | json}")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "show only the newest `N` changes (0: all)")
	cmd.Flags().StringVar(&since, "since", "", "show only changes made after `WHEN`: a duration back from now (24h) or a time (2026-12-06 10:00)")
	opts.Many.AddFlags(cmd)
	return cmd
}

// forTurn returns the options of one run: opts itself with the ROUTER of
// args (at most one) when turn is nil, else a copy of opts for the turn's
// router, writing JSON to the turn's streams.
func (o *Options) forTurn(turn *fleet.Turn, args []string) *Options {
	if turn == nil {
		if len(args) == 1 {
			o.Router = args[0]
		}
		return o
	}
	c := *o
	c.IO, c.Router, c.Host, c.route, c.Output = turn.IO, turn.Router, "", "", cli.OutputJSON
	return &c
}

// runE checks the flags, finds the router's records (resolving Router in
// the config file when resolve is set) and shows its changes.
func (o *Options) runE(f *cli.Factory, resolve bool, runF func(*Options) error) error {
	if err := cli.ValidateOutput(o.Output); err != nil {
		return err
	}
	if o.Limit < 0 {
		return cli.FlagErrorf("invalid --limit %d: must not be negative", o.Limit)
	}
	var err error
	if o.StateDir, err = f.StateDir(); err != nil {
		return err
	}
	if resolve && o.Router != "" {
		if err := o.resolveRouter(f); err != nil {
			return err
		}
	}
	if runF != nil {
		return runF(o)
	}
	return run(o)
}

func (o *Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// sinceLayouts are the time forms --since accepts, in the local zone
// unless they carry one.
var sinceLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", time.DateOnly}

// parseSince reads --since: a duration back from now or a time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, cli.FlagErrorf("invalid --since %s: a duration back from now must not be negative", s)
		}
		return now.Add(-d), nil
	}
	for _, layout := range sinceLayouts {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, cli.FlagErrorf("invalid --since %q: want a duration such as 24h, or a time such as 2026-12-06 or 2026-12-06 10:00", s)
}

// resolveRouter sets Host from the config file's router named Router;
// a name the config file does not know may be a router's identity.
func (o *Options) resolveRouter(f *cli.Factory) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	h, err := cfg.Router(o.Router)
	switch {
	case err == nil:
		o.Host = h.Host
		if h.Port != 0 {
			o.route = net.JoinHostPort(h.Host, strconv.Itoa(h.Port))
		}
		return nil
	case isIdentity(o.StateDir, o.Router):
		return nil
	}
	return &cli.FlagError{Err: err}
}

// isIdentity reports whether name is the directory of a router's records
// under root (its identity, or a host that has no other name).
func isIdentity(root, name string) bool {
	dir, err := state.HostDir(root, name)
	if err != nil {
		return false
	}
	_, err = os.Stat(dir)
	return err == nil
}

// keys returns the journals to read: the one of the router the options
// name, else every router's.
func (o *Options) keys(store *state.Store) ([]string, error) {
	switch {
	case o.Host != "":
		if key := store.Key(o.route, o.Host); o.route != "" && key != o.Host {
			return []string{key}, nil
		}
		return []string{store.Key(o.Host, o.Host)}, nil
	case o.Router != "":
		return []string{o.Router}, nil
	}
	keys, err := store.Keys()
	if err != nil {
		return nil, fmt.Errorf("read journals: %w", err)
	}
	return keys, nil
}

func run(opts *Options) error {
	store := &state.Store{Root: opts.StateDir}
	keys, err := opts.keys(store)
	if err != nil {
		return err
	}
	var changes []Change
	for _, key := range keys {
		entries, warnings, err := store.Entries(key)
		if err != nil {
			return err
		}
		for _, w := range warnings {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
		}
		changes = append(changes, Changes(entries, opts.now())...)
	}
	changes = filter(changes, opts.Since, opts.Limit)
	if opts.Output == cli.OutputJSON {
		return cli.WriteJSON(opts.IO.Out, Report{Changes: changes})
	}
	if len(changes) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no changes recorded%s\n", opts.scope())
		return nil
	}
	return Write(opts.IO.Out, changes, len(keys) > 1)
}

// scope names what was searched, for the note that nothing was found.
func (o *Options) scope() string {
	s := ""
	switch {
	case o.Host != "":
		s = " for " + o.Host
	case o.Router != "":
		s = " for " + o.Router
	}
	if !o.Since.IsZero() {
		s += " since " + o.Since.Local().Format(time.DateTime)
	}
	return s
}

// filter keeps the changes made at or after since (zero: all), then the
// newest limit of them (0: all), in time order.
func filter(changes []Change, since time.Time, limit int) []Change {
	out := changes[:0:0]
	for _, c := range changes {
		if !c.Time.Before(since) {
			out = append(out, c)
		}
	}
	sortByTime(out)
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}
