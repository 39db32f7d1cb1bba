package rtx

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

const neighborActiveEN = `BGP neighbor is 169.254.255.1, remote AS 7224, local AS 65000, external link
  BGP version 0, remote router ID 0.0.0.0
  BGP state = Active
  Last read 00:00:00, hold time is 0, keepalive interval is 0 seconds
  Received 0 messages, 0 notifications, 0 in queue
  Sent 0 messages, 0 notifications, 0 in queue
  Connection established 0; dropped 0
  Last reset never
Local host: unspecified
Foreign host: 169.254.255.1, Foreign port: 0

BGP neighbor is 169.254.255.5, remote AS 7224, local AS 65000, external link
  BGP version 4, remote router ID 169.254.255.5
  BGP state = Established, up for 01:23:45
  Connection established 1; dropped 0
`

const neighborEstablishedEN = "BGP neighbor is 10.0.0.4, remote AS 65521, local AS 65000, external link\r\n" +
	"  BGP version 4, remote router ID 10.0.0.4\r\n" +
	"  BGP state = Established, up for 01:23:45\r\n" +
	"  Connection established 1; dropped 0\r\n" +
	"Local host: 192.168.0.1, Local port: 179\r\n" +
	"Foreign host: 10.0.0.4, Foreign port: 50123\r\n"

// neighborJA is a guessed translation: no "BGP state =" line.
const neighborJA = `BGP ネイバー 10.0.0.4, リモート AS 65521
  BGP 状態: Established
  接続確立 1; 切断 0
`

func TestParseNeighborSessions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []NeighborSession
	}{
		{
			name: "english, two blocks",
			in:   neighborActiveEN,
			want: []NeighborSession{
				{Address: "169.254.255.1", RemoteAS: 7224, State: "Active"},
				{Address: "169.254.255.5", RemoteAS: 7224, State: "Established"},
			},
		},
		{
			name: "english established, CRLF",
			in:   neighborEstablishedEN,
			want: []NeighborSession{{Address: "10.0.0.4", RemoteAS: 65521, State: "Established"}},
		},
		{
			name: "japanese falls back to the word established",
			in:   neighborJA,
			want: []NeighborSession{{State: "Established"}},
		},
		{
			name: "translated label with a state word",
			in:   "BGP ネイバー 10.0.0.4\n  BGP 状態 = Active\n  接続確立 0; 切断 0\n",
			want: []NeighborSession{{State: "Active"}},
		},
		{
			name: "connection counter is not the state",
			in:   "BGP neighbor is 10.0.0.4\n  Connection established 3; dropped 2\n",
			want: []NeighborSession{{Address: "10.0.0.4"}},
		},
		{
			name: "nothing",
			in:   "",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ParseNeighborSessions(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseNeighborSessions(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseAdvertisedRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want AdvertisedRoutes
	}{
		{
			name: "real default row",
			in:   "Total routes: 1\n*: valid route\n  Network            Next Hop        Metric LocPrf Path\n* default            0.0.0.0              0        IGP\n",
			want: AdvertisedRoutes{Default: true},
		},
		{
			name: "include 0.0.0.0/0 also advertises the WAN address",
			in: "Total routes: 3\r\n*: valid route\r\n  Network            Next Hop        Metric LocPrf Path\r\n" +
				"* 0.0.0.0/0          0.0.0.0              0        IGP\r\n" +
				"* 192.168.0.0/16     0.0.0.0              0        IGP\r\n" +
				"* 203.0.113.10/32    0.0.0.0              0        IGP\r\n",
			want: AdvertisedRoutes{Default: true, Prefixes: []string{"192.168.0.0/16", "203.0.113.10/32"}},
		},
		{
			name: "japanese header, no default",
			in:   "経路数: 1\n*: 有効な経路\n  ネットワーク       ネクストホップ  メトリック LocPrf パス\n*> 192.168.1.0/24    0.0.0.0              0        IGP\n",
			want: AdvertisedRoutes{Prefixes: []string{"192.168.1.0/24"}},
		},
		{
			name: "empty table",
			in:   "Total routes: 0\n*: valid route\n  Network            Next Hop        Metric LocPrf Path\n",
			want: AdvertisedRoutes{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ParseAdvertisedRoutes(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseAdvertisedRoutes(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

const (
	bgpBase    = "bgp use on\nbgp autonomous-system 65000\nbgp neighbor 1 65521 10.0.0.4 hold-time=30\nbgp router id 192.168.0.1\nbgp import filter 1 include 192.168.0.0/16\n"
	bgpOff     = bgpBase + "bgp import 65521 static filter 1\n"
	bgpOn      = bgpBase + "bgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 1 2\n"
	bgpDefined = bgpBase + "bgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 1\n"
	bgpDangle  = bgpBase + "bgp import 65521 static filter 1 2\n"
)

func mustBGP(t *testing.T, text string) *BGP {
	t.Helper()
	b, err := ParseBGP(text)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewTunnelStatus(t *testing.T) {
	t.Parallel()
	up := func(def bool) []NeighborState {
		return []NeighborState{{Address: "10.0.0.4", State: "Established", AdvertisesDefault: def}}
	}
	type want struct {
		Tunnel, Config    TunnelState
		AdvertisesDefault bool
		Issues            []string
	}
	tests := []struct {
		name      string
		config    string
		neighbors []NeighborState
		want      want
	}{
		{name: "on", config: bgpOn, neighbors: up(true), want: want{Tunnel: TunnelOn, Config: TunnelOn, AdvertisesDefault: true}},
		{name: "off", config: bgpOff, neighbors: up(false), want: want{Tunnel: TunnelOff, Config: TunnelOff}},
		{
			name: "on without refresh", config: bgpOn, neighbors: up(false),
			want: want{Tunnel: TunnelPartial, Config: TunnelOn, Issues: []string{"configuration says on but the default route is not advertised (bgp configure refresh not run?)"}},
		},
		{
			name: "off without refresh", config: bgpOff, neighbors: up(true),
			want: want{Tunnel: TunnelPartial, Config: TunnelOff, AdvertisesDefault: true, Issues: []string{"configuration says off but the default route is still advertised (bgp configure refresh not run?)"}},
		},
		{
			name: "filter defined not referenced", config: bgpDefined, neighbors: up(false),
			want: want{Tunnel: TunnelPartial, Config: TunnelPartial, Issues: []string{`filter 2 is defined ("bgp import filter 2 include 0.0.0.0/0") but not referenced`}},
		},
		{
			name: "filter referenced not defined", config: bgpDangle, neighbors: up(false),
			want: want{Tunnel: TunnelPartial, Config: TunnelPartial, Issues: []string{`filter 2 is referenced by "bgp import 65521 static filter 1 2" but not defined`}},
		},
		{
			name: "neighbor down: advertisement not judged", config: bgpOn,
			neighbors: []NeighborState{{Address: "10.0.0.4", State: "Active"}},
			want:      want{Tunnel: TunnelOn, Config: TunnelOn, Issues: []string{"bgp neighbor 10.0.0.4 is not established (state Active)"}},
		},
		{
			name: "equal filter with another id counts as on", config: bgpBase + "bgp import filter 5 equal 0.0.0.0/0\nbgp import 65521 static filter 5 1\n", neighbors: up(true),
			want: want{Tunnel: TunnelOn, Config: TunnelOn, AdvertisesDefault: true},
		},
		{
			name: "rejected before the accepting filter", config: bgpBase + "bgp import filter 3 reject equal 0.0.0.0/0\nbgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 3 1 2\n", neighbors: up(false),
			want: want{Tunnel: TunnelOff, Config: TunnelOff},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newTunnelStatus(mustBGP(t, tt.config), 65521, 2, tt.neighbors)
			got := want{Tunnel: st.Tunnel, Config: st.Config, AdvertisesDefault: st.AdvertisesDefault, Issues: st.Issues}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("newTunnelStatus(%q) mismatch (-want +got):\n%s", tt.config, diff)
			}
		})
	}
}

// savedConsole is a console that can also return the saved configuration.
type savedConsole struct {
	*fakeConsole
	saved string
}

func (s savedConsole) SavedConfig(context.Context) (string, error) { return s.saved, nil }

func (s savedConsole) Info() Info { return Info{Model: "RTX1220", Revision: "15.04.04"} }

func TestReadTunnelStatus(t *testing.T) {
	t.Parallel()
	t.Run("on, saved", func(t *testing.T) {
		t.Parallel()
		fc := newFakeConsole(t, bgpOn)
		got, err := ReadTunnelStatus(t.Context(), savedConsole{fc, bgpOn}, StatusOptions{Host: "rtx1"})
		if err != nil {
			t.Fatal(err)
		}
		got.BGP = nil
		want := &TunnelStatus{
			Host: "rtx1", Tunnel: TunnelOn, Config: TunnelOn, Saved: true, SavedChecked: true,
			PeerAS: 65521, FilterID: 2, Filters: []int{2},
			Neighbor:          NeighborState{Address: "10.0.0.4", State: "Established", AdvertisesDefault: true, Advertised: []string{"192.168.0.0/16"}},
			Neighbors:         []NeighborState{{Address: "10.0.0.4", State: "Established", AdvertisesDefault: true, Advertised: []string{"192.168.0.0/16"}}},
			AdvertisesDefault: true,
			Model:             "RTX1220", Revision: "15.04.04",
			Lines: mustBGP(t, bgpOn).Lines(),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ReadTunnelStatus mismatch (-want +got):\n%s", diff)
		}
		wantCmds := []string{"show config | grep bgp", "show status bgp neighbor 10.0.0.4", "show status bgp neighbor 10.0.0.4 advertised-routes"}
		if diff := cmp.Diff(wantCmds, fc.commands()); diff != "" {
			t.Errorf("commands mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("running differs from saved", func(t *testing.T) {
		t.Parallel()
		got, err := ReadTunnelStatus(t.Context(), savedConsole{newFakeConsole(t, bgpOn), bgpOff}, StatusOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Saved || !got.SavedChecked {
			t.Errorf("Saved, SavedChecked = %v, %v; want false, true", got.Saved, got.SavedChecked)
		}
	})
	t.Run("several peers", func(t *testing.T) {
		t.Parallel()
		fc := newFakeConsole(t, bgpOn+"bgp neighbor 2 65522 10.0.1.4\n")
		_, err := ReadTunnelStatus(t.Context(), fc, StatusOptions{})
		var pe *PeerASError
		if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidOption) {
			t.Fatalf("ReadTunnelStatus = %v, want a *PeerASError matching ErrInvalidOption", err)
		}
	})
	t.Run("command fails", func(t *testing.T) {
		t.Parallel()
		fc := newFakeConsole(t, bgpOn)
		fc.failAt = 2
		_, err := ReadTunnelStatus(t.Context(), fc, StatusOptions{})
		if ce := (*driver.CommandError)(nil); !errors.As(err, &ce) {
			t.Fatalf("ReadTunnelStatus = %v, want a *driver.CommandError", err)
		}
	})
}
