// Package tunnel implements `rtxctl tunnel`: turn Azure forced tunnelling
// on and off on a YAMAHA RTX (`tunnel on`, `tunnel off`) and show its state
// (`tunnel status`, the same as `rtxctl status`).
package tunnel

import (
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
)

// NewCmdTunnel returns the `tunnel` command with its verbs. status is the
// `tunnel status` verb, the same command as `rtxctl status`, built by the
// caller so that this package imports no sibling command.
func NewCmdTunnel(f *cli.Factory, status *cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tunnel {on | off | status}",
		Short: "Turn Azure forced tunnelling on or off",
		Long: `Turn Azure forced tunnelling on or off on a YAMAHA RTX router by advertising
(or withdrawing) the default route 0.0.0.0/0 to the Azure VPN gateway's BGP
peer, and show its state. See docs/forced-tunnelling.md.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(
		newCmdOn(f, nil),
		newCmdOff(f, nil),
		status,
	)
	return cmd
}
