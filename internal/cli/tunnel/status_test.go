package tunnel_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// statusJSON holds the fields of `rtxctl status -o json` scripts rely on.
type statusJSON struct {
	Host              string         `json:"host"`
	Tunnel            string         `json:"tunnel"`
	Config            string         `json:"config"`
	Saved             bool           `json:"saved"`
	PeerAS            int            `json:"peer_as"`
	Neighbors         []neighborJSON `json:"neighbors"`
	AdvertisesDefault bool           `json:"advertises_default"`
	Model             string         `json:"model"`
	Revision          string         `json:"revision"`
}

// neighborJSON is a neighbor in the JSON of `status`.
type neighborJSON struct {
	Address string `json:"address"`
	State   string `json:"state"`
}

func wantStatus(tunnel, config string, saved, advertises bool) statusJSON {
	s := statusJSON{Host: "127.0.0.1", Tunnel: tunnel, Config: config, Saved: saved, PeerAS: 65521,
		AdvertisesDefault: advertises, Model: "RTX1210", Revision: "14.01.42"}
	s.Neighbors = []neighborJSON{{"10.10.50.254", "Established"}}
	return s
}

// TestStatus checks `rtxctl status -o json` (and `tunnel status`) in every
// state, over every transport and language, and that it sends no
// configuration command.
func TestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		saved   string
		edit    func(*rtxtest.Scenario)
		prepare func(*testing.T, *fake)
		want    statusJSON
	}{
		{name: "off", saved: "off", want: wantStatus("off", "off", true, false)},
		{name: "on", saved: "on", want: wantStatus("on", "on", true, true)},
		{
			name: "configured on but not refreshed", saved: "off", prepare: configureWithoutRefresh("on"),
			want: wantStatus("partial", "on", true, false),
		},
		{
			name: "configured off but not refreshed", saved: "on", prepare: configureWithoutRefresh("off"),
			want: wantStatus("partial", "off", true, true),
		},
		{
			name: "filter defined but not referenced", saved: "off", edit: addSaved("bgp import filter 2 include 0.0.0.0/0"),
			want: wantStatus("partial", "partial", true, false),
		},
		{
			name: "on but not saved", saved: "off",
			prepare: func(t *testing.T, f *fake) {
				wantExit(t, f.run(t, "tunnel on", "--no-save", "--verify-timeout", verifyTimeout), 0)
			},
			want: wantStatus("on", "on", false, true),
		},
	}
	for _, c := range combos {
		t.Run(c.String(), func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					f := newFake(t, c, tt.saved, tt.edit)
					if tt.prepare != nil {
						tt.prepare(t, f)
					}
					mark := len(f.Server.Router.Commands())
					for _, verb := range []string{"status", "tunnel status"} {
						r := f.run(t, verb, "-o", "json")
						wantExit(t, r, 0)
						var got statusJSON
						if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
							t.Fatalf("%s -o json: %v\n%s", verb, err, r.stdout)
						}
						if diff := cmp.Diff(tt.want, got); diff != "" {
							t.Errorf("%s -o json mismatch (-want +got):\n%s", verb, diff)
						}
					}
					if got := f.configCommands(mark); len(got) > 0 {
						t.Errorf("status sent configuration commands %q", got)
					}
				})
			}
		})
	}
}

func TestStatusText(t *testing.T) {
	t.Parallel()
	f := newFake(t, combos[0], "off", addSaved("bgp import filter 2 include 0.0.0.0/0"))
	r := f.run(t, "status")
	wantExit(t, r, 0)
	wantContains(t, "stdout", r.stdout,
		"forced tunnel:      partial\n",
		"saved:              yes",
		"peer AS:            65521\n",
		"neighbor:           10.10.50.254 Established\n",
		"advertises default: no\n",
		"also advertised:    192.168.100.0/24 (to 10.10.50.254)\n",
		"model:              RTX1210 Rev.14.01.42\n",
		"issue:",
	)
}

func TestStatusSeveralNeighbors(t *testing.T) {
	t.Parallel()
	f := newFake(t, combos[0], "off", addSaved("bgp neighbor 2 65522 10.10.60.254 hold-time=30 local-address=192.168.254.1"))
	r := f.run(t, "status")
	wantExit(t, r, cli.ExitUsage)
	wantContains(t, "stderr", r.stderr, "65521 (neighbor 1, 10.10.50.254)", "65522 (neighbor 2, 10.10.60.254)", "--peer-as")

	r = f.run(t, "status", "--peer-as", "65522", "-o", "json")
	wantExit(t, r, 0)
	var got statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.PeerAS != 65522 || len(got.Neighbors) != 1 || got.Neighbors[0].Address != "10.10.60.254" {
		t.Errorf("status --peer-as 65522: peer_as %d, neighbors %v; want 65522, 10.10.60.254", got.PeerAS, got.Neighbors)
	}
}
