package rtxtest

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const peer = "10.10.50.254"

func TestForcedTunnelRefresh(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		language string
		reminder []string
	}{
		{"japanese", "ja", []string{
			sjis(t, "BGPの設定が変更されました。"),
			sjis(t, "すべての設定が完了したら、設定を有効にするために'bgp configure refresh'コマンドを実行してください。"),
		}},
		{"english", "en", []string{
			"BGP configuration has been changed.",
			"After completing all settings, execute the 'bgp configure refresh' command to enable them.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Language = tt.language
			sc.Columns = 200
			r := NewRouter(sc)
			applied := r.AppliedConfig()
			c := adminConsole(t, r)
			before := []string{"192.168.100.0/24"}
			if diff := cmp.Diff(before, r.AdvertisedRoutes(peer)); diff != "" {
				t.Fatalf("advertised routes at start (-want +got):\n%s", diff)
			}
			for _, cmd := range []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2"} {
				if diff := cmp.Diff(tt.reminder, c.run(cmd, "# ")); diff != "" {
					t.Errorf("%q output mismatch (-want +got):\n%s", cmd, diff)
				}
			}
			if diff := cmp.Diff(applied, r.AppliedConfig()); diff != "" {
				t.Errorf("applied config changed before refresh (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, r.AdvertisedRoutes(peer)); diff != "" {
				t.Errorf("advertised routes changed before refresh (-want +got):\n%s", diff)
			}
			if got := c.run("bgp configure refresh", "# "); got != nil {
				t.Errorf("bgp configure refresh printed %q", got)
			}
			if got := r.NeighborState(peer); got != "Active" {
				t.Errorf("neighbor right after refresh = %q, want Active", got)
			}
			if got := c.run("show status bgp neighbor "+peer+" advertised-routes", "# "); got[0] != "Total routes: 0" {
				t.Errorf("advertised-routes while down = %q", got)
			}
			r.Advance(3 * time.Second)
			if got := r.NeighborState(peer); got != "Established" {
				t.Errorf("neighbor after the delay = %q, want Established", got)
			}
			want := []string{
				"Total routes: 3",
				"*: valid route",
				"  Network            Next Hop        Metric LocPrf Path",
				"* default            0.0.0.0              0        IGP",
				"* 192.168.100.0/24   0.0.0.0              0        IGP",
				"* 192.168.254.0/24   0.0.0.0              0        IGP",
			}
			got := c.run("show status bgp neighbor "+peer+" advertised-routes", "# ")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("advertised-routes after refresh mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBGPReminderVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		variant string
		want    []int // reminder lines printed by each of three BGP commands, then after refresh
	}{
		{"", []int{3, 3, 3}},
		{"every", []int{3, 3, 3}},
		{"once", []int{3, 0, 3}},
		{"off", []int{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run("variant "+tt.variant, func(t *testing.T) {
			t.Parallel()
			sc := englishScenario()
			sc.Variants.BGPReminder = tt.variant
			c := adminConsole(t, NewRouter(sc))
			got := []int{
				len(c.run("bgp import filter 2 include 0.0.0.0/0", "# ")),
				len(c.run("no bgp import filter 2", "# ")),
			}
			c.run("bgp configure refresh", "# ")
			got = append(got, len(c.run("bgp log neighbor", "# ")))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reminder line counts mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNeighborStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*Scenario)
		cmds   []string
		wait   time.Duration
		before string
		after  string
	}{
		{name: "default delay", wait: 3 * time.Second, before: "Active", after: "Established"},
		{name: "custom delay", edit: func(sc *Scenario) { sc.BGP.EstablishDelay = time.Minute }, wait: 59 * time.Second, before: "Active", after: "Active"},
		{name: "idle while down", edit: func(sc *Scenario) { sc.BGP.DownState = "Idle" }, wait: 3 * time.Second, before: "Idle", after: "Established"},
		{name: "never establishes", edit: func(sc *Scenario) { sc.Faults.BGPNeverEstablishes = true }, wait: time.Hour, before: "Active", after: "Active"},
		{name: "bgp use off", cmds: []string{"bgp use off"}, wait: time.Hour, before: "Idle", after: "Idle"},
		{name: "no autonomous system", cmds: []string{"no bgp autonomous-system"}, wait: time.Hour, before: "Idle", after: "Idle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRouter(editScenario(longSessionScenario(), tt.edit))
			c := adminConsole(t, r)
			for _, cmd := range tt.cmds {
				c.run(cmd, "# ")
			}
			c.run("bgp configure refresh", "# ")
			got := []string{r.NeighborState(peer)}
			r.Advance(tt.wait)
			got = append(got, r.NeighborState(peer))
			block := c.run("show status bgp neighbor", "# ")
			if diff := cmp.Diff([]string{tt.before, tt.after}, got); diff != "" {
				t.Errorf("states mismatch (-want +got):\n%s", diff)
			}
			if len(block) < 3 || !strings.HasPrefix(block[2], "  BGP state = "+tt.after) {
				t.Errorf("show status bgp neighbor = %q, want state %s", block, tt.after)
			}
		})
	}
	if got := NewRouter(nil).NeighborState("10.0.0.9"); got != "" {
		t.Errorf("NeighborState of an unknown neighbor = %q, want empty", got)
	}
}

func TestShowBGPNeighborBlocks(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.LoginTimer = 21474836 // the clock jumps further than the default login timer
	r := NewRouter(sc)
	c := adminConsole(t, r)
	c.run("bgp neighbor 2 65522 10.10.60.254", "# ")
	c.run("bgp configure refresh", "# ")
	down := []string{
		"BGP neighbor is 10.10.50.254, remote AS 65521, local AS 65530, external link",
		"  BGP version 0, remote router ID 0.0.0.0",
		"  BGP state = Active",
		"  Last read 00:00:00, hold time is 0, keepalive interval is 0 seconds",
		"  Received 0 messages, 0 notifications, 0 in queue",
		"  Sent 0 messages, 0 notifications, 0 in queue",
		"  Connection established 0; dropped 0",
		"  Last reset never",
		"Local host: unspecified",
		"Foreign host: 10.10.50.254, Foreign port: 0",
	}
	got := c.run("show status bgp neighbor", "# ")
	if diff := cmp.Diff(down, got[:10]); diff != "" {
		t.Errorf("down block mismatch (-want +got):\n%s", diff)
	}
	if len(got) != 21 || got[10] != "" || !strings.HasPrefix(got[11], "BGP neighbor is 10.10.60.254, remote AS 65522") {
		t.Errorf("second neighbor block missing or not separated: %q", got)
	}
	r.Advance(3*time.Second + 83*time.Minute)
	up := c.run("show status bgp neighbor "+peer, "# ")
	want := []string{
		"BGP neighbor is 10.10.50.254, remote AS 65521, local AS 65530, external link",
		"  BGP version 4, remote router ID 10.10.50.254",
		"  BGP state = Established, up for 01:23:",
		"  Last read 00:00:00, hold time is 30, keepalive interval is 10 seconds",
	}
	up[2] = up[2][:len(want[2])]
	if diff := cmp.Diff(want, up[:4]); diff != "" {
		t.Errorf("established block mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("Local host: 192.168.254.1, Local port: 179", up[8]); diff != "" {
		t.Errorf("local host line mismatch (-want +got):\n%s", diff)
	}
}

func TestAdvertisedRoutesVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		variant string
		want    []string
	}{
		{"tunnel on at start", "tunnel-on-ja.yaml", "", []string{"default", "192.168.100.0/24", "192.168.254.0/24"}},
		{"tunnel on, numeric default", "tunnel-on-ja.yaml", "0.0.0.0/0", []string{"0.0.0.0/0", "192.168.100.0/24", "192.168.254.0/24"}},
		{"tunnel off", "article-ja.yaml", "", []string{"192.168.100.0/24"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := LoadScenario(scenarioDir + "/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			sc.Variants.DefaultRoute = tt.variant
			if diff := cmp.Diff(tt.want, NewRouter(sc).AdvertisedRoutes(peer)); diff != "" {
				t.Errorf("advertised routes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportFilterOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		filters string
		want    []string
	}{
		{"equal default only", "bgp import filter 1 equal 0.0.0.0/0\nbgp import 65521 static filter 1\n", []string{"default"}},
		{"include everything", "bgp import filter 1 include 0.0.0.0/0\nbgp import 65521 static filter 1\n", []string{"default", "10.1.0.0/16", "192.168.100.0/24"}},
		{"all keyword", "bgp import filter 1 include all\nbgp import 65521 static filter 1\n", []string{"default", "10.1.0.0/16", "192.168.100.0/24"}},
		{"refines excludes the prefix itself", "bgp import filter 1 refines 10.0.0.0/8 192.168.100.0/24\nbgp import 65521 static filter 1\n", []string{"10.1.0.0/16"}},
		{"first match decides", "bgp import filter 1 reject equal 0.0.0.0/0\nbgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 1 2\n", []string{"10.1.0.0/16", "192.168.100.0/24"}},
		{"undefined filter skipped", "bgp import filter 2 equal 10.1.0.0/16\nbgp import 65521 static filter 9 2\n", []string{"10.1.0.0/16"}},
		{"other AS not used", "bgp import filter 1 include 0.0.0.0/0\nbgp import 65000 static filter 1\n", nil},
		{"no import", "bgp import filter 1 include 0.0.0.0/0\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := &Scenario{SavedConfig: "ip route default gateway 192.168.100.254\nip route 10.1.0.0/16 gateway 192.168.100.253\nip lan1 address 192.168.100.1/24\n" +
				"bgp use on\nbgp autonomous-system 65530\nbgp neighbor 1 65521 10.10.50.254\n" + tt.filters}
			if diff := cmp.Diff(tt.want, NewRouter(sc).AdvertisedRoutes(peer)); diff != "" {
				t.Errorf("advertised routes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterMatches(t *testing.T) {
	t.Parallel()
	p := netip.MustParsePrefix
	tests := []struct {
		kind   string
		filter string
		route  string
		want   bool
	}{
		{"include", "0.0.0.0/0", "0.0.0.0/0", true},
		{"include", "0.0.0.0/0", "10.0.0.0/8", true},
		{"include", "10.0.0.0/8", "10.1.0.0/16", true},
		{"include", "10.0.0.0/8", "11.0.0.0/8", false},
		{"include", "10.0.0.0/16", "10.0.0.0/8", false},
		{"equal", "0.0.0.0/0", "0.0.0.0/0", true},
		{"equal", "0.0.0.0/0", "10.0.0.0/8", false},
		{"refines", "10.0.0.0/8", "10.0.0.0/8", false},
		{"refines", "10.0.0.0/8", "10.0.0.0/9", true},
	}
	for _, tt := range tests {
		f := filterEntry{kind: tt.kind, prefixes: []netip.Prefix{p(tt.filter)}}
		if got := f.matches(p(tt.route)); got != tt.want {
			t.Errorf("%s %s matches %s = %v, want %v", tt.kind, tt.filter, tt.route, got, tt.want)
		}
	}
}

func TestShowIPRoute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		language string
		header   string
	}{
		{"en", "Destination         Gateway          Interface       Kind  Additional Info."},
		{"ja", sjis(t, "宛先ネットワーク    ゲートウェイ     インタフェース  種別  付加情報")},
	}
	for _, tt := range tests {
		t.Run(tt.language, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Language = tt.language
			sc.SavedConfig += "ip route 10.2.0.0/16 gateway pp 1\nip route 10.3.0.0/16 gateway tunnel 2\nip route 10.4.0.0/16 gateway dhcp lan3\nip route 10.5.0.0/16 gateway 172.16.0.1\nip route 10.6.0.1 gateway 192.168.100.9\n"
			c := sshConsole(t, NewRouter(sc), "rtxctl")
			want := []string{
				tt.header,
				"default             192.168.254.254  LAN2            static  ",
				"10.2.0.0/16         -                PP[01]          static  ",
				"10.3.0.0/16         -                TUNNEL[2]       static  ",
				"10.4.0.0/16         ***.***.***.***  LAN3(DHCP)      static  ",
				"10.5.0.0/16         172.16.0.1       -               static  ",
				"10.6.0.1/32         192.168.100.9    LAN1            static  ",
				"192.168.100.0/24    192.168.100.1    LAN1          implicit  ",
				"192.168.254.0/24    192.168.254.1    LAN2          implicit  ",
			}
			if diff := cmp.Diff(want, c.run("show ip route", "> ")); diff != "" {
				t.Errorf("show ip route mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
