package fleet

// This file is the command-line side of a run over several routers: the
// flags that select them (ROUTER arguments, --group, --all, --inventory),
// bounded parallelism (--parallel) with a per-router deadline
// (--router-timeout), the live counts on a terminal, and the final table or
// JSON Lines. Every router command goes through [Options.Run], so that a
// command only says how to run on one router.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/inventory"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	termprogress "github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/internal/state"
)

// DefaultRouterTimeout is the default of --router-timeout: long enough for
// a change whose BGP verification waits its full --verify-timeout.
const DefaultRouterTimeout = 10 * time.Minute

// Options holds the flags that select and run several routers.
type Options struct {
	Groups        []string      // --group, repeatable
	All           bool          // --all
	Inventory     string        // --inventory: an Ansible inventory merged into the config file
	Parallel      int           // --parallel: routers worked on at once
	RouterTimeout time.Duration // --router-timeout: deadline of the whole work on one router

	merged bool // the inventory is merged into the factory's configuration
}

// AddFlags registers the flags on cmd.
func (o *Options) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVar(&o.Groups, "group", nil, "run on every router of group `NAME` of the config file or inventory (repeatable)")
	fs.BoolVar(&o.All, "all", false, "run on every router of the config file and inventory")
	fs.StringVar(&o.Inventory, "inventory", "", "also read routers and groups from an Ansible inventory `FILE` (YAML or INI)")
	fs.IntVar(&o.Parallel, "parallel", DefaultParallel, "with several routers: how many to work on at once")
	fs.DurationVar(&o.RouterTimeout, "router-timeout", DefaultRouterTimeout, "with several routers: deadline of the whole work on each")
}

// Args is a cobra.PositionalArgs for commands taking any number of ROUTER
// names.
func Args(*cobra.Command, []string) error { return nil }

// Turn is one router's turn in a run over several routers.
type Turn struct {
	Router string               // the router's name in the config file or inventory
	IO     *iostreams.IOStreams // the streams the command writes to; its output is read as JSON
	out    *bytes.Buffer
}

// Apply points o at the turn's router and streams, with JSON output.
func (t *Turn) Apply(o *cli.RouterOptions) {
	o.IO, o.Router, o.Conn.Output = t.IO, t.Router, cli.OutputJSON
}

// For returns the options a command runs with: opts itself with the ROUTER
// of args when turn is nil (one router), else a copy of opts for the turn's
// router (see [Turn.Apply]).
func For[T any, P interface {
	*T
	Routed() *cli.RouterOptions
}](opts P, turn *Turn, args []string) P {
	if turn == nil {
		opts.Routed().SetRouter(args)
		return opts
	}
	c := P(new(T))
	*c = *opts
	turn.Apply(c.Routed())
	return c
}

// RunFunc runs a command on one router: with a nil turn, the router of
// args as today; else the turn's router, writing JSON to the turn's streams.
type RunFunc func(ctx context.Context, turn *Turn, args []string) error

// Run runs fn once with a nil turn when args and the flags name at most
// one router. Otherwise it selects the routers ([Options.Select]), runs fn
// on each ([Options.Each]) and writes the report ([Finish]).
func (o *Options) Run(cmd *cobra.Command, f *cli.Factory, args []string, output string, fn RunFunc) error {
	if !o.Several(f, args) {
		return fn(cmd.Context(), nil, args)
	}
	hosts, err := o.Select(f, args, output)
	if err != nil {
		return err
	}
	return Finish(f, output, o.Each(cmd.Context(), f, hosts, fn))
}

// Several reports whether args and the flags ask for a run over a selection
// rather than today's single router (one ROUTER or none, --host flags). It
// also merges the --inventory file into the configuration f reads.
func (o *Options) Several(f *cli.Factory, args []string) bool {
	if o.Inventory != "" && !o.merged {
		f.Config = sync.OnceValues(withInventory(f.Config, o.Inventory))
		o.merged = true
	}
	return len(args) > 1 || len(o.Groups) > 0 || o.All
}

// Select checks the flags (output being the value of -o) and returns the
// routers that args and the flags select, each once (see [Select]);
// a router left out as a duplicate is noted on standard error.
func (o *Options) Select(f *cli.Factory, args []string, output string) ([]config.Host, error) {
	if err := cli.ValidateOutput(output); err != nil {
		return nil, err
	}
	if o.Parallel < 1 {
		return nil, cli.FlagErrorf("invalid --parallel %d: must be at least 1", o.Parallel)
	}
	if o.RouterTimeout <= 0 {
		return nil, cli.FlagErrorf("invalid --router-timeout %s: must be positive", o.RouterTimeout)
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	sel := Selection{Names: args, Groups: o.Groups, All: o.All}
	if dir, err := f.StateDir(); err == nil {
		store := &state.Store{Root: dir}
		sel.Identity = func(r string) string { return store.Key(r, "") }
	}
	hosts, dups, err := Select(cfg, sel)
	if err != nil {
		return nil, &cli.FlagError{Err: err}
	}
	for _, d := range dups {
		fmt.Fprintf(f.IO.ErrOut, "note: %s\n", d)
	}
	return hosts, nil
}

// Each runs fn on each of hosts, --parallel at a time and --router-timeout
// each, showing the counts on a terminal, and returns one result per
// router.
func (o *Options) Each(ctx context.Context, f *cli.Factory, hosts []config.Host, fn RunFunc) Report {
	view := newView(f.IO.ErrOut)
	r := &Runner{Parallel: o.Parallel, Timeout: o.RouterTimeout, ExitCode: f.ExitCode, Progress: view.show, Now: f.Now}
	rep := r.Run(ctx, hosts, func(ctx context.Context, h config.Host) (Outcome, error) {
		return runTurn(ctx, f.IO, h.Name, fn)
	})
	view.done()
	return rep
}

// Finish writes rep to standard output, as a table or, when output is
// json, as JSON Lines. The error carries the most severe exit status of
// the routers.
func Finish(f *cli.Factory, output string, rep Report) error {
	var err error
	if output == cli.OutputJSON {
		err = rep.WriteJSONLines(f.IO.Out)
	} else {
		err = rep.WriteTable(f.IO.Out)
	}
	if err != nil || rep.Summary.ExitCode == cli.ExitOK {
		return err
	}
	return &cli.ExitError{Code: rep.Summary.ExitCode, Err: &Failed{Summary: rep.Summary}}
}

// runTurn runs fn for the router called name with its output captured and
// read back as its outcome.
func runTurn(ctx context.Context, ios *iostreams.IOStreams, name string, fn RunFunc) (Outcome, error) {
	t := &Turn{Router: name, out: &bytes.Buffer{}}
	t.IO = &iostreams.IOStreams{In: strings.NewReader(""), Out: t.out, ErrOut: io.Discard}
	err := fn(ctx, t, []string{name})
	var data map[string]any
	if json.Unmarshal(t.out.Bytes(), &data) != nil {
		return Outcome{}, err
	}
	if _, isErr := data["error"]; isErr {
		data = nil
	}
	return Outcome{State: Describe(data), Data: data}, err
}

// Failed is the error of a run over several routers of which some failed;
// the table or JSON Lines already say which.
type Failed struct {
	Summary Summary
}

func (e *Failed) Error() string {
	return fmt.Sprintf("%d of %d routers failed (see the results above)", e.Summary.Failed+e.Summary.NotStarted, e.Summary.Routers)
}

// withInventory returns a config loader that adds the routers and groups
// of the inventory at path to what load returns; the config file wins for
// a name both define.
func withInventory(load func() (*config.Config, error), path string) func() (*config.Config, error) {
	return func() (*config.Config, error) {
		cfg, err := load()
		if err != nil {
			return nil, err
		}
		inv, err := inventory.Load(path, inventory.FormatAuto, inventory.Options{})
		if err != nil {
			return nil, &cli.FlagError{Err: err}
		}
		merged := &config.Config{Routers: maps.Clone(inv.Config.Routers), Groups: maps.Clone(inv.Config.Groups)}
		if merged.Routers == nil {
			merged.Routers = map[string]config.Host{}
		}
		if merged.Groups == nil {
			merged.Groups = map[string]config.Group{}
		}
		maps.Copy(merged.Routers, cfg.Routers)
		maps.Copy(merged.Groups, cfg.Groups)
		if err := merged.CheckPairs(); err != nil {
			return nil, &cli.FlagError{Err: fmt.Errorf("the config file with the inventory %s: %w", path, err)}
		}
		return merged, nil
	}
}

// Describe sums up a router command's JSON output in a few words for the
// STATE column: the forced-tunnel state of status, what tunnel on|off did,
// what confirm and rollback did. Nil gives "".
func Describe(data map[string]any) string {
	var words []string
	add := func(w string) { words = append(words, w) }
	if tunnel, ok := data["tunnel"].(string); ok { // status
		add(tunnel)
		if checked, _ := data["saved_checked"].(bool); checked && data["saved"] == false {
			add("not saved")
		}
	}
	if want, ok := data["want"].(string); ok { // tunnel on|off
		switch {
		case data["dry_run"] == true:
			add("dry run: " + want)
		case data["changed"] == true:
			add("turned " + want)
		default:
			add("already " + want)
		}
	}
	if _, ok := data["disarmed"]; ok { // confirm, rollback
		if data["changed"] == true {
			add("undone")
		}
	}
	if _, ok := data["want"]; ok || data["disarmed"] != nil {
		if data["saved"] == true {
			add("saved")
		}
	}
	if data["pending"] != nil {
		add("pending")
	}
	if c, ok := data["changes"]; ok { // history; null for none
		switch changes, _ := c.([]any); len(changes) {
		case 1:
			add("1 change")
		default:
			add(fmt.Sprintf("%d changes", len(changes)))
		}
	}
	return strings.Join(words, ", ")
}

// view shows a run's counts as the status line of a terminal and one line
// per router as it finishes; nothing when standard error is no terminal.
type view struct {
	mu  sync.Mutex
	rep *termprogress.Reporter
}

func newView(w io.Writer) *view {
	return &view{rep: termprogress.Stderr(w, false, false, false)}
}

func (v *view) show(p Progress) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if res := p.Result; res != nil {
		line := fmt.Sprintf("%s: ok", res.Router)
		if res.ExitCode != cli.ExitOK {
			msg, _, _ := strings.Cut(fmt.Sprint(res.Err), "\n")
			line = fmt.Sprintf("%s: failed (%d) %s", res.Router, res.ExitCode, msg)
		}
		if res.State != "" {
			line += " [" + res.State + "]"
		}
		v.rep.Note(line)
	}
	status := fmt.Sprintf("%d/%d done, %d running, %d failed", p.Done, p.Total, p.Running, p.Failed)
	if p.Result == nil {
		status += "; started " + p.Router
	}
	v.rep.Status(status)
}

func (v *view) done() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rep.Clear()
}
