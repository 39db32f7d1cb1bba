package rtx

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseBGPLines(t *testing.T) {
	t.Parallel()
	// malformed holds BGP lines ParseBGPLines cannot read: it keeps them,
	// verbatim, in Other; want gets a copy, so that changing the input
	// cannot pass for keeping it.
	malformed := []string{
		"bgp import filter x include 0.0.0.0/0",
		"bgp import filter 3 exclude 0.0.0.0/0",
		"bgp import filter 4 include 10.0.0.0/8 metric=1 10.1.0.0/16",
		"bgp import 65521 static filter 1 two",
		"bgp import 65521 static",
		"bgp neighbor 1 65521",
		"bgp neighbor pre-shared-key 1 text *",
		"bgp export filter 1 include all",
		"bgp force-to-advertise 65521 default",
	}
	tests := []struct {
		name string
		in   []string
		want *BGP
	}{
		{
			name: "none",
			in:   []string{"ip lan1 address 192.168.0.1/24"},
			want: &BGP{},
		},
		{
			name: "article configuration",
			in: []string{
				"bgp use on",
				"bgp autonomous-system 65000",
				"bgp log neighbor packet",
				"bgp neighbor 1 65521 10.0.0.4 hold-time=30 local-address=192.168.0.1",
				"bgp router id 192.168.0.1",
				"bgp import filter 1 include 192.168.0.0/16",
				"bgp import filter 2 include 0.0.0.0/0",
				"bgp import 65521 static filter 1 2",
			},
			want: &BGP{
				Use: "on", AS: "65000", RouterID: "192.168.0.1",
				Neighbors: []BGPNeighbor{{ID: 1, RemoteAS: 65521, Address: "10.0.0.4", Options: []string{"hold-time=30", "local-address=192.168.0.1"}}},
				ImportFilters: []BGPImportFilter{
					{ID: 1, Kind: FilterInclude, Prefixes: []string{"192.168.0.0/16"}},
					{ID: 2, Kind: FilterInclude, Prefixes: []string{DefaultPrefix}},
				},
				Imports: []BGPImport{{RemoteAS: 65521, Protocol: "static", Filters: []int{1, 2}}},
				Other:   []string{"bgp log neighbor packet"},
			},
		},
		{
			name: "order by content, filters sorted, spaces normalised",
			in: []string{
				"bgp import 65521 static filter 1 2 ",
				"bgp import filter 2   equal 0.0.0.0/0",
				"bgp import filter 1 reject refines 10.0.0.0/8 172.16.0.0/12 metric=5 preference=10",
				"bgp import 65100 bgp 65200 filter 3",
				"bgp neighbor 2 65100 10.1.0.1",
				"bgp use off",
			},
			want: &BGP{
				Use:       "off",
				Neighbors: []BGPNeighbor{{ID: 2, RemoteAS: 65100, Address: "10.1.0.1"}},
				ImportFilters: []BGPImportFilter{
					{ID: 1, Reject: true, Kind: FilterRefines, Prefixes: []string{"10.0.0.0/8", "172.16.0.0/12"}, Options: []string{"metric=5", "preference=10"}},
					{ID: 2, Kind: FilterEqual, Prefixes: []string{DefaultPrefix}},
				},
				Imports: []BGPImport{
					{RemoteAS: 65521, Protocol: "static", Filters: []int{1, 2}},
					{RemoteAS: 65100, Protocol: "bgp", FromAS: "65200", Filters: []int{3}},
				},
			},
		},
		{name: "malformed lines kept verbatim", in: malformed, want: &BGP{Other: slices.Clone(malformed)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ParseBGPLines(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseBGPLines(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestBGPLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "canonical order whatever the input order",
			in: "bgp import 65521 static filter 1 2\nbgp import filter 2 include 0.0.0.0/0\nbgp router id 192.168.0.1\n" +
				"bgp neighbor 1 65521 10.0.0.4 hold-time=30\nbgp log neighbor\nbgp import filter 1 include 192.168.0.0/16\n" +
				"bgp autonomous-system 65000\nbgp use on\n",
			want: []string{
				"bgp use on",
				"bgp autonomous-system 65000",
				"bgp log neighbor",
				"bgp neighbor 1 65521 10.0.0.4 hold-time=30",
				"bgp router id 192.168.0.1",
				"bgp import filter 1 include 192.168.0.0/16",
				"bgp import filter 2 include 0.0.0.0/0",
				"bgp import 65521 static filter 1 2",
			},
		},
		{
			name: "only bgp lines at top level",
			in:   "tunnel select 1\n bgp use on\nip route default gateway pp 1\nbgp use on\n",
			want: []string{"bgp use on"},
		},
		{
			name: "reject and options",
			in:   "bgp import filter 7 reject equal 0.0.0.0/0 preference=10\nbgp import 65100 bgp 65200 filter 7\n",
			want: []string{"bgp import filter 7 reject equal 0.0.0.0/0 preference=10", "bgp import 65100 bgp 65200 filter 7"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := ParseBGP(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.Lines()); diff != "" {
				t.Errorf("ParseBGP(%q).Lines() mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestBGPClone(t *testing.T) {
	t.Parallel()
	orig := ParseBGPLines(strings.Split("bgp neighbor 1 65521 10.0.0.4 hold-time=30\nbgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 1 2\nbgp log neighbor", "\n"))
	want := orig.Lines()
	c := orig.Clone()
	c.Neighbors[0].Options[0] = "hold-time=90"
	c.ImportFilters[0].Prefixes[0] = "10.0.0.0/8"
	c.Imports[0].Filters[0] = 9
	c.Other[0] = "bgp log packet"
	if diff := cmp.Diff(want, orig.Lines()); diff != "" {
		t.Errorf("changing a clone changed the original (-want +got):\n%s", diff)
	}
}
