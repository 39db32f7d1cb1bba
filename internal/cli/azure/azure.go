// Package azure implements `rtxctl azure`: check that Azure sees what the
// router does (`check`) and add the Azure KMS routes Windows VMs need with
// forced tunnelling on (`kms-routes`).
package azure

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
)

// defaultTimeout is the default --timeout of the azure commands: Azure's
// long-running operations often take tens of seconds.
const defaultTimeout = 2 * time.Minute

// NewCmdAzure returns the `azure` command and its subcommands.
func NewCmdAzure(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "azure <command>",
		Short: "Check the Azure side of forced tunnelling",
		Long: `Look at the Azure side of forced tunnelling through Azure Resource Manager:
the VPN gateway's BGP session with the router and the routes it learned, the
effective routes of VM network interfaces, and the routes to Azure KMS that
Windows VMs need. Credentials come from the Azure SDK's default chain
(environment, managed identity, az login); see docs/azure.md.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdCheck(f, nil), newCmdKMSRoutes(f, nil))
	return cmd
}

// setTimeoutDefault changes the default of the --timeout flag that the
// shared flags registered on cmd.
func setTimeoutDefault(cmd *cobra.Command, value *time.Duration) {
	*value = defaultTimeout
	cmd.Flags().Lookup("timeout").DefValue = defaultTimeout.String()
}
