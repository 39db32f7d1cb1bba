package state

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLearn(t *testing.T) {
	t.Parallel()
	a := Identity{Model: "RTX1210", Serial: "S0000000A"}
	b := Identity{Model: "RTX1210", Serial: "S0000000B"}
	s := newStore(t)
	// Records kept under the host before routers had identities.
	appendAll(t, s, tunnelOn(false))

	if got := s.Key("192.168.100.1:22", host); got != host {
		t.Errorf("Key() before first contact = %q, want %q", got, host)
	}
	key, moved, err := s.Learn("192.168.100.1:22", host, a)
	if err != nil || key != "rtx1210_s0000000a" || !moved {
		t.Fatalf("Learn(first contact) = %q, %t, %v, want rtx1210_s0000000a, true, nil", key, moved, err)
	}
	if _, err := os.Stat(filepath.Join(s.Root, host)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("host directory still there after the move: %v", err)
	}
	entries, _, err := s.Entries(key)
	if err != nil || len(entries) != 1 {
		t.Errorf("Entries(%q) = %d entries, %v, want the one moved", key, len(entries), err)
	}

	// A second route to the same router, and another router on the same
	// host behind another port.
	if _, moved, err := s.Learn("[::ffff:192.168.100.1]:22", "::ffff:192.168.100.1", a); err != nil || moved {
		t.Errorf("Learn(second route) moved = %t, error = %v, want false, nil", moved, err)
	}
	if _, _, err := s.Learn("192.168.100.1:2222", host, b); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ route, host, want string }{
		{"192.168.100.1:22", host, "rtx1210_s0000000a"},
		{"[::ffff:192.168.100.1]:22", "::ffff:192.168.100.1", "rtx1210_s0000000a"},
		{"192.168.100.1:2222", host, "rtx1210_s0000000b"},
		{host, host, host}, // two routers on the host: a bare host is ambiguous
		{"rtx1210_s0000000b", "rtx1210_s0000000b", "rtx1210_s0000000b"},
		{"::ffff:192.168.100.1", "::ffff:192.168.100.1", "rtx1210_s0000000a"}, // a bare IPv6 host
		{"192.0.2.1:22", "192.0.2.1", "192.0.2.1"},
		{"192.168.100.1:2223", host, host}, // a new route: maybe another router
	}
	for _, tt := range tests {
		if got := s.Key(tt.route, tt.host); got != tt.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tt.route, tt.host, got, tt.want)
		}
	}

	// The route now reaches the other router.
	if key, _, err := s.Learn("192.168.100.1:22", host, b); !errors.Is(err, ErrOtherRouter) || key != b.Key() {
		t.Errorf("Learn(other router) = %q, %v, want %q, %v", key, err, b.Key(), ErrOtherRouter)
	}
	routes, err := s.routes()
	if err != nil {
		t.Fatal(err)
	}
	want := Routes{"192.168.100.1:22": b, "[::ffff:192.168.100.1]:22": a, "192.168.100.1:2222": b}
	if diff := cmp.Diff(want, routes); diff != "" {
		t.Errorf("routes mismatch (-want +got):\n%s", diff)
	}
	checkMode(t, filepath.Join(s.Root, routesFile), fileMode)
}
