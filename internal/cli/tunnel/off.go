package tunnel

import (
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// newCmdOff returns `tunnel off`. runF replaces the command's action in
// tests; nil runs it.
func newCmdOff(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	return newCmdChange(f, rtx.TunnelOff, verbDoc{
		Use:   "off [ROUTER...]",
		Short: "Turn forced tunnelling off: stop advertising the default route to Azure",
		Long: `Turn Azure forced tunnelling off: first take every filter that imports the
default route out of the "bgp import PEER_AS static" line, keeping the other
filters in order (the line is removed when no filter is left), then delete
those filters ("no bgp import filter ID"), then "bgp configure refresh".

A referenced filter that carries other prefixes besides 0.0.0.0/0 is never
touched: rtxctl refuses and says which one.`,
		Example: `  RTXCTL_PASSWORD=... RTXCTL_ADMIN_PASSWORD=... rtxctl tunnel off --host 192.168.100.1 --user admin
  rtxctl tunnel off tokyo --dry-run
  rtxctl tunnel off --host 192.168.100.1 --transport telnet -o json`,
	}, runF)
}
