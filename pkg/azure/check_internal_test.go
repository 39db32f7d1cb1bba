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

// TestSettled checks when Wait stops: the learned route and every NIC's
// effective default route must both show the wanted state (effective
// routes lag the learned ones).
func TestSettled(t *testing.T) {
	t.Parallel()
	nics := func(hops ...string) []NIC {
		var out []NIC
		for _, h := range hops {
			out = append(out, NIC{DefaultNextHop: h})
		}
		return out
	}
	tests := []struct {
		name    string
		want    State
		learned bool
		nics    []NIC
		settled bool
	}{
		{"on, learned, NICs follow", On, true, nics(NextHopGateway, NextHopGateway), true},
		{"on, learned, one NIC lags", On, true, nics(NextHopGateway, NextHopInternet), false},
		{"on, not learned", On, false, nics(NextHopGateway), false},
		{"on, learned, no NIC configured", On, true, nil, true},
		{"off, withdrawn, NICs follow", Off, false, nics(NextHopInternet), true},
		{"off, withdrawn, NIC still to the gateway", Off, false, nics(NextHopGateway), false},
		{"off, still learned", Off, true, nics(NextHopInternet), false},
	}
	for _, tt := range tests {
		rep := &Report{Learned: Learned{Default: tt.learned}, NICs: tt.nics}
		if got := settled(rep, tt.want); got != tt.settled {
			t.Errorf("%s: settled = %v, want %v", tt.name, got, tt.settled)
		}
	}
}
