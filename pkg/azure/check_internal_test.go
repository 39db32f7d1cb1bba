package azure

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
	"github.com/google/go-cmp/cmp"
)

func TestChoosePeer(t *testing.T) {
	t.Parallel()
	status := func(addr string, state armnetwork.BgpPeerState) *armnetwork.BgpPeerStatus {
		return &armnetwork.BgpPeerStatus{Neighbor: &addr, State: &state, Asn: new(int64(65530))}
	}
	rtx := "192.168.254.1"
	tests := []struct {
		name    string
		peers   []*armnetwork.BgpPeerStatus
		addr    string
		want    Peer
		wantErr bool
	}{
		{name: "the one asked for", peers: []*armnetwork.BgpPeerStatus{status("10.0.0.9", "Connected"), status(rtx, "Connecting")}, addr: rtx,
			want: Peer{Address: rtx, ASN: 65530, State: "Connecting"}},
		{name: "active-active: one instance connected", peers: []*armnetwork.BgpPeerStatus{status(rtx, "Connecting"), status(rtx, "Connected")}, addr: rtx,
			want: Peer{Address: rtx, ASN: 65530, State: "Connected"}},
		{name: "the only peer", peers: []*armnetwork.BgpPeerStatus{status(rtx, "Connected"), status(rtx, "Connected")},
			want: Peer{Address: rtx, ASN: 65530, State: "Connected"}},
		{name: "not listed", peers: []*armnetwork.BgpPeerStatus{status("10.0.0.9", "Connected")}, addr: rtx, want: Peer{Address: rtx}},
		{name: "several peers, none named", peers: []*armnetwork.BgpPeerStatus{status("10.0.0.9", "Connected"), status(rtx, "Connected")}, wantErr: true},
		{name: "no peers", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := choosePeer(tt.peers, tt.addr, "vgw")
			if (err != nil) != tt.wantErr {
				t.Fatalf("choosePeer error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("choosePeer mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
