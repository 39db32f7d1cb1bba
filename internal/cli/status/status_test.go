package status

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

func TestNewCmdStatus(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{
		"tokyo": {Name: "tokyo", Host: "127.0.0.1", PeerAS: 65521, FilterID: 5},
	}}
	type parsed struct {
		Router, Host     string
		PeerAS, FilterID int
		Admin            bool
	}
	tests := []struct {
		name    string
		args    string
		want    parsed
		wantErr string
	}{
		{name: "defaults", args: "--host 127.0.0.1", want: parsed{Host: "127.0.0.1", FilterID: 2}},
		{name: "config file", args: "tokyo", want: parsed{Router: "tokyo", Host: "127.0.0.1", PeerAS: 65521, FilterID: 5}},
		{name: "flags win", args: "tokyo --peer-as 65000 --filter-id 3 --admin",
			want: parsed{Router: "tokyo", Host: "127.0.0.1", PeerAS: 65000, FilterID: 3, Admin: true}},
		{name: "bad peer AS", args: "--host 127.0.0.1 --peer-as -1", wantErr: "invalid --peer-as"},
		{name: "bad filter id", args: "--host 127.0.0.1 --filter-id -1", wantErr: "invalid --filter-id"},
		{name: "two routers, one unknown", args: "tokyo osaka", wantErr: `unknown router "osaka"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := clitest.Execute(clitest.NewFactory(cfg, ""), NewCmdStatus, strings.Fields(tt.args))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := parsed{Router: got.Router, Host: got.Target.Host.Host, PeerAS: got.PeerAS, FilterID: got.FilterID, Admin: got.Admin}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		st   *rtx.TunnelStatus
		want string
	}{
		{
			name: "on and saved",
			st: &rtx.TunnelStatus{
				Host: "192.168.100.1", Tunnel: rtx.TunnelOn, Config: rtx.TunnelOn, Saved: true, SavedChecked: true,
				PeerAS: 65521, FilterID: 2, AdvertisesDefault: true, Model: "RTX1210", Revision: "14.01.42",
				Neighbors: []rtx.NeighborState{{Address: "10.0.0.4", State: "Established", AdvertisesDefault: true,
					Advertised: []string{"192.168.1.0/24"}}},
			},
			want: `host:               192.168.100.1
forced tunnel:      on
saved:              yes (running BGP lines equal the saved ones)
peer AS:            65521
import filter:      2
neighbor:           10.0.0.4 Established
advertises default: yes
also advertised:    192.168.1.0/24 (to 10.0.0.4)
model:              RTX1210 Rev.14.01.42
`,
		},
		{
			name: "partial, unsaved, neighbor down",
			st: &rtx.TunnelStatus{
				Host: "r1", Tunnel: rtx.TunnelPartial, Config: rtx.TunnelOn, SavedChecked: true, PeerAS: 65521, FilterID: 2,
				Neighbors: []rtx.NeighborState{{Address: "10.0.0.4", State: "Active"}},
				Issues:    []string{"bgp neighbor 10.0.0.4 is not established (state Active)"},
			},
			want: `host:               r1
forced tunnel:      partial
configuration:      on
saved:              no (running BGP lines differ from the saved ones)
peer AS:            65521
import filter:      2
neighbor:           10.0.0.4 Active
advertises default: no
model:              unknown
issue:              bgp neighbor 10.0.0.4 is not established (state Active)
`,
		},
		{
			name: "boots from another configuration",
			st: &rtx.TunnelStatus{
				Host: "r1", Tunnel: rtx.TunnelOff, Config: rtx.TunnelOff, Saved: true, SavedChecked: true,
				ConfigFiles: &rtx.ConfigFiles{Running: 0, Boot: 2}, PeerAS: 65521, FilterID: 2, Model: "RTX1210",
			},
			want: `host:               r1
forced tunnel:      off
saved:              yes (running BGP lines equal the saved ones)
boots from:         config2 (the router runs config0, which save writes; a restart loads config2)
peer AS:            65521
import filter:      2
neighbor:           none
advertises default: no
model:              RTX1210
`,
		},
		{
			name: "boots from the configuration it runs",
			st: &rtx.TunnelStatus{
				Host: "r1", Tunnel: rtx.TunnelOff, Config: rtx.TunnelOff, Saved: true, SavedChecked: true,
				ConfigFiles: &rtx.ConfigFiles{Running: 1, Boot: 1}, PeerAS: 65521, FilterID: 2, Model: "RTX1210",
			},
			want: `host:               r1
forced tunnel:      off
saved:              yes (running BGP lines equal the saved ones)
peer AS:            65521
import filter:      2
neighbor:           none
advertises default: no
model:              RTX1210
`,
		},
		{
			name: "no neighbor, saved unknown",
			st:   &rtx.TunnelStatus{Host: "r1", Tunnel: rtx.TunnelOff, Config: rtx.TunnelOff, PeerAS: 65521, FilterID: 2, Model: "RTX830"},
			want: `host:               r1
forced tunnel:      off
saved:              unknown
peer AS:            65521
import filter:      2
neighbor:           none
advertises default: no
model:              RTX830
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			if err := Write(&b, tt.st); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("Write mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWritePending(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 25, 2, 0, 0, 0, time.Local)
	stamp := deadline.Format(time.RFC3339)
	tests := []struct {
		name string
		p    Pending
		want string
	}{
		{name: "router schedule", p: Pending{JournalID: 3, Action: "tunnel-on", Deadline: deadline, RouterScheduleID: 2},
			want: "pending:            tunnel-on (journal entry 3) until " + stamp + "; router schedule 2\n"},
		{name: "cron only, expired", p: Pending{JournalID: 3, Action: "tunnel-off", Deadline: deadline, Expired: true},
			want: "pending:            tunnel-off (journal entry 3) expired at " + stamp + "; no router schedule: rollback --expired (cron) undoes it\n"},
		{name: "router schedule, expired", p: Pending{JournalID: 4, Action: "tunnel-on", Deadline: deadline, Expired: true, RouterScheduleID: 1},
			want: "pending:            tunnel-on (journal entry 4) expired at " + stamp + "; router schedule 1; rollback --expired (cron) finishes it\n"},
		{name: "interrupted run", p: Pending{JournalID: 1, Action: "tunnel-on", Deadline: deadline, RollbackTimer: true},
			want: "pending:            tunnel-on (journal entry 1) until " + stamp + "; the router's rollback timer of an interrupted run undoes it\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			if err := writePending(&b, &tt.p); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("writePending mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
