// Package azure implements `rtxctl azure`: check that Azure sees what the
// router does (`check`) and add the Azure KMS routes Windows VMs need with
// forced tunnelling on (`kms-routes`).
package azure

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
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

// routerAzure returns the azure settings of the router called name in the
// config file; an unknown name is a *[cli.FlagError].
func routerAzure(f *cli.Factory, name string) (config.Azure, error) {
	cfg, err := f.Config()
	if err != nil {
		return config.Azure{}, err
	}
	h, err := cfg.Router(name)
	if err != nil {
		return config.Azure{}, &cli.FlagError{Err: err}
	}
	return h.Azure, nil
}

// setTimeoutDefault changes the default of the --timeout flag that the
// shared flags registered on cmd.
func setTimeoutDefault(cmd *cobra.Command, value *time.Duration) {
	*value = defaultTimeout
	cmd.Flags().Lookup("timeout").DefValue = defaultTimeout.String()
}
