package azure

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/azureopts"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/azure"
)

// KMSOptions holds the inputs of `rtxctl azure kms-routes`.
type KMSOptions struct {
	IO    *iostreams.IOStreams
	Azure azureopts.Options

	Router     string // --router: take the Azure settings from this router of the config file
	RouteTable string // ROUTE_TABLE, else the router's azure.route_table
	Apply      bool
	Output     string
	Timeout    time.Duration
}

func newCmdKMSRoutes(f *cli.Factory, runF func(*KMSOptions) error) *cobra.Command {
	opts := &KMSOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "kms-routes [ROUTE_TABLE] [--apply]",
		Short: "Plan or add the Azure KMS routes Windows VMs need with forced tunnelling",
		Long: `With forced tunnelling on, Windows VMs activate against Azure KMS only if
their subnets have routes to 20.118.99.224/32, 40.83.235.53/32 and
23.102.135.246/32 with next hop Internet. This command lists the route
table's routes and shows, for each address, whether its route is there
(keep), missing (create) or has another next hop (update), and the
equivalent "az network route-table route" commands. With --apply it makes
those changes, one long-running operation each; running it again finds
nothing to do.

ROUTE_TABLE defaults to the route_table of --router in the config file,
which also gives the subscription and resource group. Credentials: the
Azure SDK's default chain; --apply needs Network Contributor on the route
table.

EXIT STATUS
  0  the plan was shown, or applied
  1  other failure (such as a long-running Azure operation that failed)
  2  usage error, or the route table does not exist
  3  Azure did not answer in time (--timeout)
  4  Azure refused the credential or its rights
  130 interrupted`,
		Example: `  rtxctl azure kms-routes --router tokyo
  rtxctl azure kms-routes rt-vms --subscription SUB --resource-group rg-network --apply`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cli.FlagErrorf("too many arguments for %q: want at most one ROUTE_TABLE, got %q", cmd.CommandPath(), args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.RouteTable = args[0]
			}
			if err := cli.ValidateOutput(opts.Output); err != nil {
				return err
			}
			if opts.Timeout <= 0 {
				return cli.FlagErrorf("invalid --timeout %s: must be positive", opts.Timeout)
			}
			if opts.Router != "" {
				a, err := routerAzure(f, opts.Router)
				if err != nil {
					return err
				}
				opts.Azure.RouteTable = opts.RouteTable
				opts.Azure.Resolve(a)
				opts.RouteTable = opts.Azure.RouteTable
			}
			if opts.RouteTable == "" {
				return cli.FlagErrorf("no route table: give ROUTE_TABLE or set route_table under the azure: settings of --router")
			}
			if err := opts.Azure.Require("subscription", "resource-group"); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runKMS(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Router, "router", "", "take the Azure settings from this `ROUTER` of the config file")
	cmd.Flags().BoolVar(&opts.Apply, "apply", false, "create or update the missing routes")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", cli.OutputText, "output format: {text | json}")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", defaultTimeout, "deadline of the whole command")
	opts.Azure.AddFlags(cmd.Flags())
	return cmd
}

// kmsResult is the outcome of kms-routes, printed as text or JSON.
type kmsResult struct {
	Plan       *azure.KMSPlan `json:"plan"`
	AzCommands []string       `json:"az_commands"`
	Applied    []string       `json:"applied"`
	DryRun     bool           `json:"dry_run"`
}

func runKMS(ctx context.Context, opts *KMSOptions) error {
	client, err := opts.Azure.Client()
	if err != nil {
		return azureopts.Error(err)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	plan, err := client.PlanKMSRoutes(ctx, opts.Azure.ResourceGroup, opts.RouteTable)
	if err != nil {
		return azureopts.Error(err)
	}
	res := kmsResult{Plan: plan, AzCommands: plan.AzCommands(), Applied: []string{}, DryRun: !opts.Apply}
	if res.AzCommands == nil {
		res.AzCommands = []string{}
	}
	if opts.Output != cli.OutputJSON {
		if err := writePlan(opts.IO.Out, plan, res.AzCommands); err != nil {
			return err
		}
	}
	var applyErr error
	if opts.Apply && len(plan.Changes()) > 0 {
		applied, err := client.ApplyKMSRoutes(ctx, plan)
		res.Applied = append(res.Applied, applied...)
		applyErr = azureopts.Error(err)
	}
	if opts.Output == cli.OutputJSON {
		if err := cli.WriteJSON(opts.IO.Out, res); err != nil {
			return err
		}
		return applyErr
	}
	var b strings.Builder
	switch {
	case applyErr != nil:
		if len(res.Applied) > 0 {
			fmt.Fprintf(&b, "result: done before the failure: %s\n", strings.Join(res.Applied, ", "))
		}
	case len(plan.Changes()) == 0:
		b.WriteString("result: nothing to do, the three KMS routes are there\n")
	case opts.Apply:
		fmt.Fprintf(&b, "result: created or updated %s\n", strings.Join(res.Applied, ", "))
	default:
		b.WriteString("result: nothing changed (dry run); rerun with --apply to make these changes\n")
	}
	if _, err := io.WriteString(opts.IO.Out, b.String()); err != nil {
		return err
	}
	return applyErr
}

// writePlan prints the plan and the equivalent Azure CLI commands.
func writePlan(w io.Writer, plan *azure.KMSPlan, az []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "route table %s (resource group %s):\n", plan.RouteTable, plan.ResourceGroup)
	for _, r := range plan.Routes {
		hop := "next hop Internet"
		if r.Action == azure.ActionUpdate {
			hop = "next hop " + r.NextHop + " -> Internet"
		}
		fmt.Fprintf(&b, "  %-6s %-18s %s (%s)\n", r.Action, r.Prefix, hop, r.Name)
	}
	if len(az) > 0 {
		b.WriteString("equivalent Azure CLI commands:\n")
		for _, c := range az {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
