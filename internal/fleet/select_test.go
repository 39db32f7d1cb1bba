package fleet

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/state"
)

func testConfig() *config.Config {
	hosts := []config.Host{
		{Name: "tokyo", Host: "192.0.2.1"},
		{Name: "tokyo-telnet", Host: "192.0.2.1", Port: 2323, Transport: "telnet"},
		{Name: "tokyo-again", Host: "192.0.2.1", Port: 22},
		{Name: "TOKYO-upper", Host: "192.0.2.1"},
		{Name: "osaka", Host: "192.0.2.2"},
		{Name: "osaka-b", Host: "192.0.2.3"},
		{Name: "nagoya", Host: "192.0.2.4", Transport: "telnet"},
	}
	cfg := &config.Config{Routers: map[string]config.Host{}, Groups: map[string]config.Group{
		"kansai": {Routers: []string{"osaka", "osaka-b"}},
		"pair":   {Routers: []string{"osaka-b", "osaka"}},
		"empty":  {Routers: []string{}},
	}}
	for _, h := range hosts {
		cfg.Routers[h.Name] = h
	}
	return cfg
}

func names(hosts []config.Host) []string {
	var out []string
	for _, h := range hosts {
		out = append(out, h.Name)
	}
	return out
}

func TestSelect(t *testing.T) {
	t.Parallel()
	identities := map[string]string{"192.0.2.1:2323": "rtx1210_s1", "192.0.2.1:22": "rtx1210_s1", "192.0.2.3:22": "rtx830_s2"}
	tests := []struct {
		name     string
		sel      Selection
		want     []string
		wantDups []Duplicate
		wantErr  error
	}{
		{name: "names in order", sel: Selection{Names: []string{"osaka", "nagoya"}}, want: []string{"osaka", "nagoya"}},
		{name: "name twice", sel: Selection{Names: []string{"osaka", "osaka"}}, want: []string{"osaka"}},
		{name: "group", sel: Selection{Groups: []string{"kansai"}}, want: []string{"osaka", "osaka-b"}},
		{name: "names then groups", sel: Selection{Names: []string{"osaka-b"}, Groups: []string{"kansai"}}, want: []string{"osaka-b", "osaka"}},
		{
			name:     "same route",
			sel:      Selection{Names: []string{"tokyo", "tokyo-again", "TOKYO-upper"}},
			want:     []string{"tokyo"},
			wantDups: []Duplicate{{Name: "tokyo-again", Of: "tokyo"}, {Name: "TOKYO-upper", Of: "tokyo"}},
		},
		{name: "other port is another router without identity", sel: Selection{Names: []string{"tokyo", "tokyo-telnet"}}, want: []string{"tokyo", "tokyo-telnet"}},
		{
			name:     "same identity",
			sel:      Selection{Names: []string{"tokyo-telnet", "tokyo"}, Identity: func(r string) string { return identities[r] }},
			want:     []string{"tokyo-telnet"},
			wantDups: []Duplicate{{Name: "tokyo", Of: "tokyo-telnet"}},
		},
		{
			name:     "all by name",
			sel:      Selection{All: true, Identity: func(r string) string { return identities[r] }},
			want:     []string{"TOKYO-upper", "nagoya", "osaka", "osaka-b"},
			wantDups: []Duplicate{{Name: "tokyo", Of: "TOKYO-upper"}, {Name: "tokyo-again", Of: "TOKYO-upper"}, {Name: "tokyo-telnet", Of: "TOKYO-upper"}},
		},
		{name: "unknown router", sel: Selection{Names: []string{"kobe"}}, wantErr: config.ErrUnknownRouter},
		{name: "unknown group", sel: Selection{Groups: []string{"kyushu"}}, wantErr: config.ErrUnknownGroup},
		{name: "nothing", sel: Selection{}, wantErr: ErrNoRouters},
		{name: "empty group", sel: Selection{Groups: []string{"empty"}}, wantErr: ErrNoRouters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hosts, dups, err := Select(testConfig(), tt.sel)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Select() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, names(hosts)); diff != "" {
				t.Errorf("Select() routers mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDups, dups); diff != "" {
				t.Errorf("Select() duplicates mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRoute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h    config.Host
		want string
	}{
		{config.Host{Host: "rtx.example.jp"}, "rtx.example.jp:22"},
		{config.Host{Host: "192.0.2.1", Transport: "telnet"}, "192.0.2.1:23"},
		{config.Host{Host: "192.0.2.1", Port: 2222}, "192.0.2.1:2222"},
		{config.Host{Host: "[2001:db8::1]"}, "[2001:db8::1]:22"},
		{config.Host{Host: "2001:db8::1", Port: 2323}, "[2001:db8::1]:2323"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Route(tt.h)); diff != "" {
			t.Errorf("Route(%+v) mismatch (-want +got):\n%s", tt.h, diff)
		}
	}
}

// TestSelectStateIdentity plugs the state directory's routes into Select:
// two routes that reached one router make one router.
func TestSelectStateIdentity(t *testing.T) {
	t.Parallel()
	store := &state.Store{Root: t.TempDir()}
	id := state.Identity{Model: "RTX1210", Serial: "S4H024020"}
	for _, route := range []string{"192.0.2.1:22", "192.0.2.1:2323"} {
		if _, _, err := store.Learn(route, "192.0.2.1", id); err != nil {
			t.Fatal(err)
		}
	}
	sel := Selection{Names: []string{"tokyo", "tokyo-telnet", "osaka"}, Identity: func(r string) string { return store.Key(r, "") }}
	hosts, dups, err := Select(testConfig(), sel)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"tokyo", "osaka"}, names(hosts)); diff != "" {
		t.Errorf("Select() routers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Duplicate{{Name: "tokyo-telnet", Of: "tokyo"}}, dups); diff != "" {
		t.Errorf("Select() duplicates mismatch (-want +got):\n%s", diff)
	}
}
