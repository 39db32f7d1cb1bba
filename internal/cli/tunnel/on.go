package tunnel

import (
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// newCmdOn returns `tunnel on`. runF replaces the command's action in
// tests; nil runs it.
func newCmdOn(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	return newCmdChange(f, rtx.TunnelOn, verbDoc{
		Use:   "on [ROUTER...]",
		Short: "Turn forced tunnelling on: advertise the default route to Azure",
		Long: `Turn Azure forced tunnelling on: define import filter ID (default 2) as
"include 0.0.0.0/0" (or "equal 0.0.0.0/0" with --match equal), then add it to the
"bgp import PEER_AS static" line after the filters already there (creating the
line when missing), then "bgp configure refresh".

A filter ID already used for something else is never overwritten: rtxctl
refuses and names a free ID for --filter-id. A filter that already imports the
default route for the peer, under another ID or kind, counts as on.

Side effects (a warning is printed): Azure VMs stop answering on their public
IP addresses, and Windows VMs stop activating against Azure KMS unless the VM
subnets get routes to 20.118.99.224/32, 40.83.235.53/32
(azkms.core.windows.net) and 23.102.135.246/32 (kms.core.windows.net) with
next hop Internet. See docs/forced-tunnelling.md.`,
		Example: `  RTXCTL_PASSWORD=... RTXCTL_ADMIN_PASSWORD=... rtxctl tunnel on --host 192.168.100.1 --user admin
  rtxctl tunnel on tokyo --dry-run
  rtxctl tunnel on --host 192.168.100.1 --peer-as 65521 --filter-id 3 --match equal
  rtxctl tunnel on tokyo -o json
  rtxctl tunnel on tokyo --rollback-in 15m    # then: rtxctl confirm tokyo`,
	}, runF)
}
