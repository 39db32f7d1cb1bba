package azure

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/azureopts"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// routerStates are the values of --router-state.
var routerStates = []string{"auto", "on", "off", "unknown"}

// CheckOptions holds the inputs of `rtxctl azure check`.
type CheckOptions struct {
	cli.RouterOptions // Target is resolved only when RouterState is auto
	Azure             azureopts.Options

	RouterState string // --router-state: auto reads the router
	Wait        bool   // --wait: first wait for Azure to learn or withdraw the default route

	Many fleet.Options // several routers: --group, --all, --inventory, --parallel
}

func newCmdCheck(f *cli.Factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{RouterOptions: cli.NewRouterOptions(f)}
	cmd := &cobra.Command{
		Use:   "check [ROUTER...]",
		Short: "Check that Azure sees what the router advertises",
		Long: `Read the router's forced-tunnelling state (show commands only), then ask
Azure Resource Manager, without changing anything:

  1. the gateway's BGP peer status: is the session with the router Connected;
  2. the gateway's learned routes: is 0.0.0.0/0 learned from the router (eBGP),
     and what else is;
  3. each VM NIC's effective routes: does the default route go to the
     VirtualNetworkGateway (forced tunnelling on) or the Internet (off), and
     are the three Azure KMS /32 routes there with next hop Internet.

Each check gets a verdict consistent with the router's state. The Azure
resources come from the router's azure: settings in the config file, or
flags. --router-state on|off|unknown skips the router and judges against
the state given. --wait first waits, up to --timeout, until the gateway has
learned the default route (or withdrawn it when forced tunnelling is off)
and the NICs' effective default routes follow, showing what is still
missing on one status line when standard error is a terminal (a line per
check with --debug; nothing in cron). Credentials: the Azure SDK's default
chain (environment variables, workload or managed identity, az login); the
role Network Reader is enough. With -o json the report is one JSON object.

EXIT STATUS
  0  Azure agrees with the router
  1  other failure (such as a long-running Azure operation that failed)
  2  usage error, or an Azure resource named in the settings does not exist
  3  the router or Azure did not answer in time (--timeout)
  4  authentication failed (router login, or Azure refused the credential)
  5  the router refused a command
  13 Azure disagrees with the router
  130 interrupted`,
		Example: `  rtxctl azure check tokyo
  rtxctl azure check tokyo -o json
  rtxctl azure check --router-state on --subscription SUB --resource-group rg-network \
      --gateway vgw-tokyo --nic vm1-nic`,
		Args: fleet.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.Many.Run(cmd, f, args, opts.Conn.Output, func(ctx context.Context, turn *fleet.Turn, args []string) error {
				return fleet.For(opts, turn, args).runE(ctx, f, runF)
			})
		},
	}
	cmd.Flags().StringVar(&opts.RouterState, "router-state", "auto", "judge against this forced-tunnelling state instead of reading the router: {auto | on | off | unknown}")
	cmd.Flags().BoolVar(&opts.Wait, "wait", false, "wait (up to --timeout) until Azure has learned the default route, or withdrawn it when forced tunnelling is off")
	opts.Azure.AddCheckFlags(cmd.Flags())
	opts.Conn.AddFlags(cmd)
	opts.Many.AddFlags(cmd)
	setTimeoutDefault(cmd, &opts.Conn.Timeout)
	return cmd
}

// runE checks the flags, resolves the router and its Azure gateway and
// runs the check.
func (opts *CheckOptions) runE(ctx context.Context, f *cli.Factory, runF func(*CheckOptions) error) error {
	if !slices.Contains(routerStates, opts.RouterState) {
		return cli.FlagErrorf("invalid --router-state %q: want auto, on, off or unknown", opts.RouterState)
	}
	if err := opts.Conn.Validate(); err != nil {
		return err
	}
	if opts.Router != "" {
		a, err := routerAzure(f, opts.Router)
		if err != nil {
			return err
		}
		opts.Azure.Resolve(a)
	}
	if opts.RouterState == "auto" {
		if err := opts.ResolveTarget(f, false); err != nil {
			return err
		}
		opts.Target.ReadOnly = true
	}
	if err := opts.Azure.Require("subscription", "resource-group", "gateway"); err != nil {
		return err
	}
	if runF != nil {
		return runF(opts)
	}
	return runCheck(ctx, opts)
}

func runCheck(ctx context.Context, opts *CheckOptions) error {
	state := azure.State(opts.RouterState)
	var err error
	if opts.RouterState == "auto" {
		if state, err = readRouterState(ctx, opts); err != nil {
			return err
		}
	}
	var rep *azure.Report
	if opts.Wait && state != azure.Unknown {
		shown := progress.Stderr(opts.IO.ErrOut, false, false, opts.Conn.Debug)
		rep, err = opts.Azure.WaitFor(ctx, shown, state, opts.Conn.Timeout)
	} else {
		rep, err = opts.Azure.Check(ctx, state, opts.Conn.Timeout)
	}
	if rep == nil {
		return err
	}
	if werr := writeCheck(opts, rep); werr != nil {
		return errors.Join(err, werr)
	}
	if err != nil {
		return err
	}
	return azureopts.Disagrees(rep)
}

// writeCheck prints the report as text or JSON.
func writeCheck(opts *CheckOptions, rep *azure.Report) error {
	if opts.Conn.Output == cli.OutputJSON {
		return cli.WriteJSON(opts.IO.Out, struct {
			*azure.Report
			Agrees bool `json:"agrees"`
		}{rep, rep.Agrees()})
	}
	return azureopts.WriteReport(opts.IO.Out, rep)
}

// readRouterState reads the router's forced-tunnelling state: on or off,
// or unknown when it is partial.
func readRouterState(ctx context.Context, opts *CheckOptions) (_ azure.State, err error) {
	client, done, err := opts.Conn.Open(ctx, opts.Connect, opts.Target)
	if err != nil {
		return "", err
	}
	defer func() { err = errors.Join(err, done()) }()
	rctx, cancel := opts.Target.WithTimeout(ctx)
	defer cancel()
	st, err := rtx.ReadTunnelStatus(rctx, client, rtx.StatusOptions{
		Host: opts.Target.Host.Host, PeerAS: opts.Target.PeerAS, FilterID: opts.Target.FilterID,
	})
	if err != nil {
		return "", err
	}
	state := azureopts.RouterState(st.Tunnel)
	if state == azure.Unknown {
		fmt.Fprintf(opts.IO.ErrOut, "note: forced tunnelling is %s on %s: Azure's facts are shown, not judged\n", st.Tunnel, opts.Target.Host.Host)
	}
	return state, nil
}
