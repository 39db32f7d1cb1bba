// Package status implements `rtxctl status`: report whether forced
// tunnelling is on, off or partial on a router, with the BGP facts behind
// the answer. It runs show commands only, apart from switching the console
// to English for the status text and back.
package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/azureopts"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Options holds the inputs of `rtxctl status`.
type Options struct {
	cli.RouterOptions

	PeerAS   int    // --peer-as, else the config file; 0 = the only neighbor AS
	FilterID int    // --filter-id, else the config file; 0 = 2
	Admin    bool   // enter administrator mode before reading
	StateDir string // the journal: $XDG_STATE_HOME/rtxctl
	// Azure adds the Azure check (--azure).
	Azure azureopts.Side

	Many fleet.Options // several routers: --group, --all, --inventory, --parallel
}

// NewCmdStatus returns the `status` command. runF replaces the command's
// action in tests; nil runs it.
func NewCmdStatus(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{RouterOptions: cli.NewRouterOptions(f)}
	cmd := &cobra.Command{
		Use:   "status [ROUTER...]",
		Short: "Show whether forced tunnelling is on, off or partial",
		Long: `Show the forced-tunnelling state of a router: on, off, or partial (and what
is inconsistent), whether the running BGP lines equal the saved ones, the peer
AS, the neighbor's address and BGP state, whether the default route is
advertised, what else the import filters advertise, and the router's model and
firmware. Only show commands are sent, apart from the console character (see
below); with -o json the same facts are one JSON object.

The saved configuration is the one the router runs and "save" writes ("show
config N", N from the "Config. file" of "show environment"); when the router
boots from another one ("Default config. file"), a "boots from" row (in JSON,
config_files.boot) names it. Status text is read with the console switched to
English ASCII and the router's own console character put back afterwards, so
the running configuration is left as it was. A change left pending by "tunnel on|off
--rollback-in" (from the journal) is shown with its deadline.

With --azure the Azure side is checked too, against the router's state: the
gateway's BGP session and learned routes, and the named NICs' effective
routes (see rtxctl azure check and docs/azure.md); in JSON under "azure".

EXIT STATUS
  0  the state was read (whatever it is); with --azure, Azure agrees
  1  other failure
  2  usage error: bad flag, argument, config file, a missing password, or
     several neighbor ASes and no --peer-as
  3  cannot reach the router: connection refused, timeout, host key problem
  4  authentication failed (login or administrator password)
  5  the router refused a command or administrator mode
  13 --azure: Azure disagrees with the router's state
  130 interrupted`,
		Example: `  rtxctl status --host 192.168.100.1 --user admin
  rtxctl status tokyo -o json
  rtxctl status tokyo --azure
  rtxctl status --host 192.168.100.1 --transport telnet --peer-as 65521`,
		Args: fleet.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.Many.Run(cmd, f, args, opts.Conn.Output, func(ctx context.Context, turn *fleet.Turn, args []string) error {
				return fleet.For(opts, turn, args).runE(ctx, cmd, f, runF)
			})
		},
	}
	cmd.Flags().IntVar(&opts.PeerAS, "peer-as", 0, "BGP AS of the Azure side (default: the AS of the only bgp neighbor)")
	cmd.Flags().IntVar(&opts.FilterID, "filter-id", rtx.DefaultFilterID, "import filter ID that carries the default route")
	cmd.Flags().BoolVar(&opts.Admin, "admin", false, "enter administrator mode first (for firmware that shows the configuration only there)")
	opts.Azure.AddStatusFlags(cmd.Flags())
	opts.Conn.AddFlags(cmd)
	opts.Many.AddFlags(cmd)
	return cmd
}

// runE checks the flags, resolves the router and runs the command on it.
func (opts *Options) runE(ctx context.Context, cmd *cobra.Command, f *cli.Factory, runF func(*Options) error) error {
	if opts.PeerAS < 0 || opts.PeerAS > 65535 {
		return cli.FlagErrorf("invalid --peer-as %d: want 1-65535", opts.PeerAS)
	}
	if opts.FilterID < 0 {
		return cli.FlagErrorf("invalid --filter-id %d: must be positive", opts.FilterID)
	}
	if err := opts.ResolveTarget(f, opts.Admin); err != nil {
		return err
	}
	opts.Target.ReadOnly = true
	if !cmd.Flags().Changed("peer-as") {
		opts.PeerAS = opts.Target.PeerAS
	}
	if !cmd.Flags().Changed("filter-id") && opts.Target.FilterID != 0 {
		opts.FilterID = opts.Target.FilterID
	}
	if err := opts.Azure.Prepare(opts.Target.Azure); err != nil {
		return err
	}
	// Without a state directory there is no journal to read.
	opts.StateDir, _ = f.StateDir()
	if runF != nil {
		return runF(opts)
	}
	return run(ctx, opts)
}

func run(ctx context.Context, opts *Options) (err error) {
	client, done, err := opts.Conn.Open(ctx, opts.Connect, opts.Target)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, done()) }()

	s := cli.Session{Client: client, Timeout: opts.Target.Timeout}
	if opts.Admin {
		actx, cancel := opts.Target.WithTimeout(ctx)
		err := client.Administrator(actx)
		cancel()
		if err != nil {
			return err
		}
	}
	st, err := rtx.ReadTunnelStatus(ctx, s, rtx.StatusOptions{
		Host:     opts.Target.Host.Host,
		PeerAS:   opts.PeerAS,
		FilterID: opts.FilterID,
	})
	if err != nil {
		return err
	}
	pending, err := readPending(opts.StateDir, opts.Target.Addr(), opts.Target.Host.Host, opts.Clock())
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %v\n", err)
	}
	rep, azErr := checkAzure(ctx, opts, st.Tunnel)
	if rep == nil && azErr != nil {
		return azErr
	}
	if opts.Conn.Output == cli.OutputJSON {
		return errors.Join(cli.WriteJSON(opts.IO.Out, struct {
			*rtx.TunnelStatus
			Pending *Pending      `json:"pending,omitempty"`
			Azure   *azure.Report `json:"azure,omitempty"`
		}{st, pending, rep}), azErr)
	}
	if err := Write(opts.IO.Out, st); err != nil {
		return err
	}
	if pending != nil {
		if err := writePending(opts.IO.Out, pending); err != nil {
			return err
		}
	}
	if rep != nil {
		if err := azureopts.WriteReport(opts.IO.Out, rep); err != nil {
			return err
		}
	}
	return azErr
}

// checkAzure checks the Azure side against the router's state (--azure):
// the report, nil without --azure, and an error with exit status 13 when
// Azure disagrees.
func checkAzure(ctx context.Context, opts *Options, tunnel rtx.TunnelState) (*azure.Report, error) {
	if !opts.Azure.Enabled {
		return nil, nil
	}
	rep, err := opts.Azure.Check(ctx, azureopts.RouterState(tunnel), opts.Azure.Timeout)
	if err != nil {
		return nil, err
	}
	return rep, azureopts.Disagrees(rep)
}

// Write prints st for people.
func Write(w io.Writer, st *rtx.TunnelStatus) error {
	var b strings.Builder
	row := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-19s %s\n", label+":", fmt.Sprintf(format, args...))
	}
	row("host", "%s", st.Host)
	row("forced tunnel", "%s", st.Tunnel)
	if st.Config != st.Tunnel {
		row("configuration", "%s", st.Config)
	}
	switch {
	case !st.SavedChecked:
		row("saved", "unknown")
	case st.Saved:
		row("saved", "yes (running BGP lines equal the saved ones)")
	default:
		row("saved", "no (running BGP lines differ from the saved ones)")
	}
	if f := st.ConfigFiles; f != nil && f.Boot != f.Running {
		row("boots from", "config%d (the router runs config%d, which save writes; a restart loads config%d)", f.Boot, f.Running, f.Boot)
	}
	row("peer AS", "%d", st.PeerAS)
	row("import filter", "%d", st.FilterID)
	if len(st.Neighbors) == 0 {
		row("neighbor", "none")
	}
	for _, n := range st.Neighbors {
		row("neighbor", "%s %s", n.Address, stateOrUnknown(n.State))
	}
	row("advertises default", "%s", yesNo(st.AdvertisesDefault))
	for _, n := range st.Neighbors {
		if len(n.Advertised) > 0 {
			row("also advertised", "%s (to %s)", strings.Join(n.Advertised, " "), n.Address)
		}
	}
	model := st.Model
	if st.Revision != "" {
		model += " Rev." + st.Revision
	}
	if model == "" {
		model = "unknown"
	}
	row("model", "%s", model)
	for _, issue := range st.Issues {
		row("issue", "%s", issue)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func stateOrUnknown(s string) string {
	if s == "" {
		return "(state unknown)"
	}
	return s
}
