package azureopts

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/azure"
)

// TestMissing checks what the wait for Azure says is still missing: the
// gateway's learned route first, then the NICs that lag behind it.
func TestMissing(t *testing.T) {
	t.Parallel()
	nics := func(hops ...string) []azure.NIC {
		var out []azure.NIC
		for i, hop := range hops {
			out = append(out, azure.NIC{Name: "vm" + string(rune('1'+i)) + "-nic", DefaultNextHop: hop})
		}
		return out
	}
	peer := azure.Peer{Address: "192.168.254.1"}
	tests := []struct {
		name string
		rep  azure.Report
		want azure.State
		text string
	}{
		{"not learned", azure.Report{Peer: peer, NICs: nics(azure.NextHopInternet)}, azure.On,
			"waiting for Azure to learn the default route from 192.168.254.1: the gateway has not learned it yet"},
		{"peer unknown", azure.Report{}, azure.On,
			"waiting for Azure to learn the default route: the gateway has not learned it yet"},
		{"one NIC late", azure.Report{Peer: peer, Learned: azure.Learned{Default: true}, NICs: nics(azure.NextHopGateway, azure.NextHopInternet)}, azure.On,
			"waiting for Azure to learn the default route from 192.168.254.1: NIC vm2-nic does not send it to the gateway yet"},
		{"two NICs late", azure.Report{Peer: peer, Learned: azure.Learned{Default: true}, NICs: nics(azure.NextHopInternet, "")}, azure.On,
			"waiting for Azure to learn the default route from 192.168.254.1: 2 NICs do not send it to the gateway yet"},
		{"not withdrawn", azure.Report{Peer: peer, Learned: azure.Learned{Default: true}, NICs: nics(azure.NextHopGateway)}, azure.Off,
			"waiting for Azure to withdraw the default route from 192.168.254.1: the gateway still has it"},
		{"withdrawn, NIC late", azure.Report{Peer: peer, NICs: nics(azure.NextHopGateway)}, azure.Off,
			"waiting for Azure to withdraw the default route from 192.168.254.1: NIC vm1-nic does not send it to the Internet yet"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.text, missing(&tt.rep, tt.want)); diff != "" {
			t.Errorf("%s: missing (-want +got):\n%s", tt.name, diff)
		}
	}
}
