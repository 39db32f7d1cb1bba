package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const atomicFile = `routers:
  a: {host: 192.0.2.1}
  b: {host: 192.0.2.2}
  c: {host: 192.0.2.3}
  d: {host: 192.0.2.4, pair: osaka}
  e: {host: 192.0.2.5, pair: osaka}
  f: {host: 192.0.2.6}
groups:
  tokyo:
    routers: [a, b]
    atomic: true
  all: [a, b, c, d, e, f]
  bc: {routers: [b, c]}
`

func TestAtomicUnits(t *testing.T) {
	t.Parallel()
	cfg, err := Parse(strings.NewReader(atomicFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		names []string
		want  []AtomicUnit
	}{
		{[]string{"a", "b"}, []AtomicUnit{{Routers: []string{"a", "b"}, Groups: []string{"tokyo"}}}},
		{[]string{"b", "a"}, []AtomicUnit{{Routers: []string{"b", "a"}, Groups: []string{"tokyo"}}}},
		// A router of an atomic group alone: its unit says who is left out.
		{[]string{"a"}, []AtomicUnit{{Routers: []string{"a"}, Groups: []string{"tokyo"}, Missing: []string{"b"}}}},
		// The pairs are tied, the others are on their own; a plain group ties nothing.
		{[]string{"c", "a", "d", "f", "b", "e"}, []AtomicUnit{
			{Routers: []string{"c"}},
			{Routers: []string{"a", "b"}, Groups: []string{"tokyo"}},
			{Routers: []string{"d", "e"}, Groups: []string{"osaka"}},
			{Routers: []string{"f"}},
		}},
		{[]string{"e", "c"}, []AtomicUnit{{Routers: []string{"e"}, Groups: []string{"osaka"}, Missing: []string{"d"}}, {Routers: []string{"c"}}}},
		{nil, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cfg.AtomicUnits(tt.names), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("AtomicUnits(%q) (-want +got):\n%s", tt.names, diff)
		}
	}
}

// Atomic groups sharing a router are one unit: changing them apart could
// leave either half changed.
func TestAtomicUnitsOverlapping(t *testing.T) {
	t.Parallel()
	cfg := &Config{
		Routers: map[string]Host{"a": {}, "b": {}, "c": {Pair: "p"}, "d": {Pair: "p"}},
		Groups:  map[string]Group{"g1": {Routers: []string{"a", "b"}, Atomic: true}, "g2": {Routers: []string{"b", "c"}, Atomic: true}},
	}
	want := []AtomicUnit{{Routers: []string{"d", "a", "b", "c"}, Groups: []string{"g1", "g2", "p"}}}
	if diff := cmp.Diff(want, cfg.AtomicUnits([]string{"d", "a", "b", "c"}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("AtomicUnits (-want +got):\n%s", diff)
	}
}

func TestPairIsAGroup(t *testing.T) {
	t.Parallel()
	cfg, err := Parse(strings.NewReader(atomicFile))
	if err != nil {
		t.Fatal(err)
	}
	got, err := cfg.Group("osaka")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"d", "e"}, got); diff != "" {
		t.Errorf("Group(osaka) (-want +got):\n%s", diff)
	}
	_, err = cfg.Group("osak")
	if want := `unknown group "osak" (known groups: all, bc, osaka, tokyo)`; err == nil || err.Error() != want {
		t.Errorf("Group(osak) error = %v, want %q", err, want)
	}
}

func TestParseAtomicGroupErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"pair named like a group", "routers:\n  a: {host: 192.0.2.1, pair: g}\ngroups:\n  g: [a]\n",
			`router "a": pair "g" has the name of a group under groups; rename one of them`},
		{"unknown field in a group", "routers:\n  a: {host: 192.0.2.1}\ngroups:\n  g:\n    routers: [a]\n    atomc: true\n",
			`line 6: unknown field "atomc" in a group (valid fields: routers, atomic)`},
		{"group is a word", "routers:\n  a: {host: 192.0.2.1}\ngroups:\n  g: a\n",
			`line 4: a group must be a list of router names, or routers: and atomic:`},
		{"atomic is not a boolean", "routers:\n  a: {host: 192.0.2.1}\ngroups:\n  g: {routers: [a], atomic: maybe}\n",
			`line 4: "maybe" must be true or false`},
		{"undefined member", "routers:\n  a: {host: 192.0.2.1}\ngroups:\n  g: {routers: [a, b], atomic: true}\n",
			`group "g": router "b" is not defined under routers`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse error = %v, want %q", err, tt.want)
			}
		})
	}
}
