package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAtomicGroups(t *testing.T) {
	const file = `routers:
  a: {host: 192.0.2.1}
  b: {host: 192.0.2.2}
  c: {host: 192.0.2.3}
groups:
  pair: [a, b]
  all: [a, b, c]
atomic_groups: [pair]
`
	cfg, err := Parse(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		names []string
		want  bool
	}{
		{[]string{"a", "b"}, true},
		{[]string{"b", "a"}, true},
		{[]string{"a"}, false}, // one router: nothing to keep together
		{[]string{"a", "b", "c"}, false},
		{[]string{"a", "c"}, false},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cfg.Atomic(tt.names)); diff != "" {
			t.Errorf("Atomic(%q) (-want +got):\n%s", tt.names, diff)
		}
	}
	_, err = Parse(strings.NewReader(strings.Replace(file, "atomic_groups: [pair]", "atomic_groups: [nope]", 1)))
	if want := `atomic_groups: group "nope" is not defined under groups`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("unknown atomic group: error = %v, want it to contain %q", err, want)
	}
}
