package rtx

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateTunnelGolden = flag.Bool("update-tunnel", false, "rewrite the forced-tunnel golden files in testdata")

func TestPlanTunnel(t *testing.T) {
	t.Parallel()
	type want struct {
		PeerAS   int
		FilterID int
		Commands []string
		Refresh  bool
		Notes    []string
	}
	advertising := func(def bool) []NeighborState {
		return []NeighborState{{Address: "10.0.0.4", State: "Established", AdvertisesDefault: def}}
	}
	const twoPeers = "bgp neighbor 2 65522 10.0.1.4\nbgp import 65522 static filter 1\n"
	tests := []struct {
		name   string
		config string
		want   TunnelState
		opts   PlanOptions
		out    want
	}{
		{
			name: "on from off", config: bgpOff, want: TunnelOn,
			out: want{Commands: []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2"}, Refresh: true},
		},
		{
			name: "on with equal", config: bgpOff, want: TunnelOn, opts: PlanOptions{Match: FilterEqual},
			out: want{Commands: []string{"bgp import filter 2 equal 0.0.0.0/0", "bgp import 65521 static filter 1 2"}, Refresh: true},
		},
		{
			name: "on with another filter id", config: bgpOff, want: TunnelOn, opts: PlanOptions{FilterID: 7},
			out: want{FilterID: 7, Commands: []string{"bgp import filter 7 include 0.0.0.0/0", "bgp import 65521 static filter 1 7"}, Refresh: true},
		},
		{name: "on when on", config: bgpOn, want: TunnelOn, opts: PlanOptions{Observed: advertising(true)}},
		{
			name: "on when on but not advertised: refresh only", config: bgpOn, want: TunnelOn, opts: PlanOptions{Observed: advertising(false)},
			out: want{Refresh: true, Notes: []string{"configuration is already on but the advertised routes disagree: refresh only"}},
		},
		{
			name: "on when on through another filter", config: bgpBase + "bgp import filter 5 equal 0.0.0.0/0\nbgp import 65521 static filter 5 1\n", want: TunnelOn,
			out: want{Notes: []string{"default route already imported by filter 5"}},
		},
		{
			name: "on when defined but not referenced", config: bgpDefined, want: TunnelOn,
			out: want{Commands: []string{"bgp import 65521 static filter 1 2"}, Refresh: true},
		},
		{
			name: "on reuses a default filter of the other kind", config: bgpBase + "bgp import filter 2 equal 0.0.0.0/0\nbgp import 65521 static filter 1\n", want: TunnelOn,
			out: want{Commands: []string{"bgp import 65521 static filter 1 2"}, Refresh: true, Notes: []string{`reusing existing "bgp import filter 2 equal 0.0.0.0/0"`}},
		},
		{
			name: "on when referenced but not defined", config: bgpDangle, want: TunnelOn,
			out: want{Commands: []string{"bgp import filter 2 include 0.0.0.0/0"}, Refresh: true},
		},
		{
			name: "on creates a missing import line", config: bgpBase, want: TunnelOn,
			out: want{Commands: []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 2"}, Refresh: true},
		},
		{
			name: "on for the chosen of several peers", config: bgpOff + twoPeers, want: TunnelOn, opts: PlanOptions{PeerAS: 65522},
			out: want{PeerAS: 65522, Commands: []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65522 static filter 1 2"}, Refresh: true},
		},
		{
			name: "off from on", config: bgpOn, want: TunnelOff,
			out: want{Commands: []string{"bgp import 65521 static filter 1", "no bgp import filter 2"}, Refresh: true},
		},
		{
			name: "off removes the import line when no filter is left", config: bgpBase + "bgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 2\n", want: TunnelOff,
			out: want{Commands: []string{"no bgp import 65521 static", "no bgp import filter 2"}, Refresh: true},
		},
		{name: "off when off", config: bgpOff, want: TunnelOff, opts: PlanOptions{Observed: advertising(false)}},
		{
			name: "off when off but still advertised: refresh only", config: bgpOff, want: TunnelOff, opts: PlanOptions{Observed: advertising(true)},
			out: want{Refresh: true, Notes: []string{"configuration is already off but the advertised routes disagree: refresh only"}},
		},
		{
			name: "off when defined but not referenced", config: bgpDefined, want: TunnelOff,
			out: want{Commands: []string{"no bgp import filter 2"}, Refresh: true},
		},
		{
			name: "off when referenced but not defined", config: bgpDangle, want: TunnelOff,
			out: want{Commands: []string{"bgp import 65521 static filter 1"}, Refresh: true},
		},
		{
			name: "off removes a default filter with another id", config: bgpBase + "bgp import filter 5 equal 0.0.0.0/0\nbgp import 65521 static filter 5 1\n", want: TunnelOff,
			out: want{Commands: []string{"bgp import 65521 static filter 1", "no bgp import filter 5"}, Refresh: true},
		},
		{
			name: "off keeps a filter another import line uses", config: bgpOn + "bgp neighbor 2 65522 10.0.1.4\nbgp import 65522 static filter 2\n", want: TunnelOff, opts: PlanOptions{PeerAS: 65521},
			out: want{Commands: []string{"bgp import 65521 static filter 1"}, Refresh: true},
		},
		{
			name: "off leaves a filter 2 of other use alone", config: bgpBase + "bgp import filter 2 include 10.0.0.0/8\nbgp import 65521 static filter 1\n", want: TunnelOff,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := PlanTunnel(mustBGP(t, tt.config), tt.want, tt.opts)
			if err != nil {
				t.Fatalf("PlanTunnel: %v", err)
			}
			wantOut := tt.out
			if wantOut.PeerAS == 0 {
				wantOut.PeerAS = 65521
			}
			if wantOut.FilterID == 0 {
				wantOut.FilterID = 2
			}
			if wantOut.Commands == nil {
				wantOut.Commands = []string{}
			}
			got := want{PeerAS: p.PeerAS, FilterID: p.FilterID, Commands: p.Commands, Refresh: p.Refresh, Notes: p.Notes}
			if diff := cmp.Diff(wantOut, got); diff != "" {
				t.Errorf("PlanTunnel(%q, %s) mismatch (-want +got):\n%s", tt.config, tt.want, diff)
			}
			if p.NoOp() != (len(tt.out.Commands) == 0 && !tt.out.Refresh) {
				t.Errorf("NoOp() = %v for %+v", p.NoOp(), got)
			}
			// Applying the commands to Before must give After, and the
			// result must be in the wanted state.
			after := ParseBGPLines(p.After)
			if diff := cmp.Diff(p.After, after.Lines()); diff != "" {
				t.Errorf("After is not canonical (-want +got):\n%s", diff)
			}
			if len(p.Commands) > 0 {
				if s := analyze(after, p.PeerAS, p.FilterID).state; s != tt.want {
					t.Errorf("state after the plan = %s, want %s", s, tt.want)
				}
			}
		})
	}
}

func TestPlanTunnelErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		config   string
		want     TunnelState
		opts     PlanOptions
		target   error
		conflict *FilterConflictError
		peer     *PeerASError
	}{
		{
			name: "filter id used for something else", config: bgpBase + "bgp import filter 2 include 10.0.0.0/8\nbgp import 65521 static filter 1\n", want: TunnelOn,
			target:   ErrFilterInUse,
			conflict: &FilterConflictError{ID: 2, Line: "bgp import filter 2 include 10.0.0.0/8", Reason: "is already used for other routes", FreeID: 3},
		},
		{
			name: "default rejected first", config: bgpBase + "bgp import filter 3 reject equal 0.0.0.0/0\nbgp import 65521 static filter 3 1\n", want: TunnelOn,
			target:   ErrFilterInUse,
			conflict: &FilterConflictError{ID: 3, Line: "bgp import filter 3 reject equal 0.0.0.0/0", Reason: "rejects the default route before any other filter of the import line"},
		},
		{
			name: "off with a shared default filter", config: bgpBase + "bgp import filter 2 include 0.0.0.0/0 10.0.0.0/8\nbgp import 65521 static filter 1 2\n", want: TunnelOff,
			target: ErrFilterInUse,
			conflict: &FilterConflictError{ID: 2, Line: "bgp import filter 2 include 0.0.0.0/0 10.0.0.0/8",
				Reason: "advertises the default route together with other routes; remove 0.0.0.0/0 from it by hand"},
		},
		{
			name: "several peer ASes", config: bgpOff + "bgp neighbor 2 65522 10.0.1.4\n", want: TunnelOn,
			target: ErrInvalidOption,
			peer: &PeerASError{Neighbors: []BGPNeighbor{
				{ID: 1, RemoteAS: 65521, Address: "10.0.0.4", Options: []string{"hold-time=30"}},
				{ID: 2, RemoteAS: 65522, Address: "10.0.1.4"},
			}},
		},
		{
			name: "unknown peer AS", config: bgpOff, want: TunnelOn, opts: PlanOptions{PeerAS: 64512},
			target: ErrInvalidOption,
			peer:   &PeerASError{PeerAS: 64512, Neighbors: []BGPNeighbor{{ID: 1, RemoteAS: 65521, Address: "10.0.0.4", Options: []string{"hold-time=30"}}}},
		},
		{name: "no neighbor", config: "bgp use on\n", want: TunnelOff, target: ErrInvalidOption, peer: &PeerASError{}},
		{name: "bad match", config: bgpOff, want: TunnelOn, opts: PlanOptions{Match: FilterRefines}, target: ErrInvalidOption},
		{name: "bad state", config: bgpOff, want: TunnelPartial, target: ErrInvalidOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := PlanTunnel(mustBGP(t, tt.config), tt.want, tt.opts)
			if !errors.Is(err, tt.target) {
				t.Fatalf("PlanTunnel = %v, want an error matching %v", err, tt.target)
			}
			checkErrorAs(t, err, tt.conflict)
			checkErrorAs(t, err, tt.peer)
		})
	}
}

// checkErrorAs fails t unless err holds an error of want's type equal to
// want; a nil want checks nothing.
func checkErrorAs[E any, P interface {
	*E
	error
}](t *testing.T, err error, want P) {
	t.Helper()
	if want == nil {
		return
	}
	var got P
	if !errors.As(err, &got) {
		t.Fatalf("PlanTunnel = %v, want a %T", err, want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%T mismatch (-want +got):\n%s", want, diff)
	}
}

// TestTunnelPlanRender checks the human and JSON renderings against golden
// files; run with -update-tunnel to rewrite them.
func TestTunnelPlanRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		want   TunnelState
		opts   PlanOptions
	}{
		{name: "on", config: bgpOff, want: TunnelOn},
		{name: "off", config: bgpOn, want: TunnelOff},
		{name: "off-last-filter", config: bgpBase + "bgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 2\n", want: TunnelOff},
		{name: "refresh-only", config: bgpOn, want: TunnelOn, opts: PlanOptions{Observed: []NeighborState{{Address: "10.0.0.4", State: "Established"}}}},
		{name: "noop", config: bgpOn, want: TunnelOn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := PlanTunnel(mustBGP(t, tt.config), tt.want, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "TestTunnelPlanRender", tt.name+".golden"), p.String())
			checkGolden(t, filepath.Join("testdata", "TestTunnelPlanRender", tt.name+".json.golden"), string(js)+"\n")
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateTunnelGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestDiffLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b []string
		want []string
	}{
		{name: "same", a: []string{"x", "y"}, b: []string{"x", "y"}, want: []string{"  x", "  y"}},
		{name: "replace", a: []string{"x", "y", "z"}, b: []string{"x", "Y", "z"}, want: []string{"  x", "- y", "+ Y", "  z"}},
		{name: "empty to lines", a: nil, b: []string{"x"}, want: []string{"+ x"}},
		{name: "lines to empty", a: []string{"x"}, b: nil, want: []string{"- x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, diffLines(tt.a, tt.b)); diff != "" {
				t.Errorf("diffLines(%q, %q) mismatch (-want +got):\n%s", tt.a, tt.b, diff)
			}
		})
	}
}

// FuzzPlanTunnel checks on any configuration that planning never panics and
// that the planned commands, run on a router holding Before, give After in
// the wanted state.
func FuzzPlanTunnel(f *testing.F) {
	for _, c := range []string{bgpOff, bgpOn, bgpDefined, bgpDangle, bgpBase,
		bgpBase + "bgp import filter 5 equal 0.0.0.0/0\nbgp import 65521 static filter 5 1\n",
		bgpBase + "bgp import filter 3 reject equal 0.0.0.0/0\nbgp import 65521 static filter 3 1\n"} {
		f.Add(c, true, uint8(0))
		f.Add(c, false, uint8(7))
	}
	f.Fuzz(func(t *testing.T, config string, on bool, filterID uint8) {
		b, err := ParseBGP(config)
		if err != nil {
			return
		}
		want := TunnelOff
		if on {
			want = TunnelOn
		}
		p, err := PlanTunnel(b, want, PlanOptions{PeerAS: 65521, FilterID: int(filterID)})
		if err != nil {
			return
		}
		fc := &fakeConsole{running: ParseBGPLines(p.Before)}
		for _, cmd := range p.Commands {
			if _, err := fc.Run(t.Context(), cmd); err != nil {
				t.Fatalf("plan command %q: %v", cmd, err)
			}
		}
		if diff := cmp.Diff(p.After, fc.running.Lines()); diff != "" {
			t.Errorf("commands %q on %q do not give After (-want +got):\n%s", p.Commands, p.Before, diff)
		}
		if s := analyze(fc.running, p.PeerAS, p.FilterID).state; len(p.Commands) > 0 && s != want {
			t.Errorf("state after %q = %s, want %s", p.Commands, s, want)
		}
	})
}
