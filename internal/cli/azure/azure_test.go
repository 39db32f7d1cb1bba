package azure

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	pkgazure "github.com/rtxctl/rtxctl/pkg/azure"
)

// testConfig has the router tokyo with Azure settings.
var testConfig = &config.Config{Routers: map[string]config.Host{"tokyo": {
	Name: "tokyo", Host: "192.168.100.1",
	Azure: config.Azure{Subscription: "sub-1", ResourceGroup: "rg-net", Gateway: "vgw-tokyo", PeerAddress: "192.168.254.1",
		NICs: []string{"vm1-nic"}, RouteTable: "rt-vms"},
}}}

func TestNewCmdCheck(t *testing.T) {
	t.Parallel()
	type parsed struct {
		Target                          pkgazure.Target
		Subscription, RouterState, Host string
		Wait                            bool
		Timeout                         time.Duration
	}
	tests := []struct {
		name      string
		args      []string
		want      parsed
		wantUsage bool
	}{
		{name: "from the config file", args: []string{"tokyo"}, want: parsed{
			Target:       pkgazure.Target{ResourceGroup: "rg-net", Gateway: "vgw-tokyo", PeerAddress: "192.168.254.1", NICs: []string{"vm1-nic"}},
			Subscription: "sub-1", RouterState: "auto", Host: "192.168.100.1", Timeout: defaultTimeout,
		}},
		{name: "flags win", args: []string{"tokyo", "--gateway", "vgw-2", "--nic", "a", "--nic", "b", "--router-state", "on", "--wait", "--timeout", "5s"}, want: parsed{
			Target:       pkgazure.Target{ResourceGroup: "rg-net", Gateway: "vgw-2", PeerAddress: "192.168.254.1", NICs: []string{"a", "b"}},
			Subscription: "sub-1", RouterState: "on", Wait: true, Timeout: 5 * time.Second,
		}},
		{name: "flags only, no router", args: []string{"--router-state", "off", "--subscription", "s", "--resource-group", "g", "--gateway", "v"}, want: parsed{
			Target: pkgazure.Target{ResourceGroup: "g", Gateway: "v"}, Subscription: "s", RouterState: "off", Timeout: defaultTimeout,
		}},
		{name: "auto needs a router", args: []string{"--subscription", "s", "--resource-group", "g", "--gateway", "v"}, wantUsage: true},
		{name: "missing gateway", args: []string{"--router-state", "on", "--subscription", "s", "--resource-group", "g"}, wantUsage: true},
		{name: "bad router state", args: []string{"tokyo", "--router-state", "maybe"}, wantUsage: true},
		{name: "unknown router", args: []string{"osaka"}, wantUsage: true},
		{name: "plain http endpoint", args: []string{"tokyo", "--azure-endpoint", "http://127.0.0.1"}, wantUsage: true},
		{name: "two routers", args: []string{"tokyo", "osaka"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts, err := clitest.Execute(clitest.NewFactory(testConfig, ""), newCmdCheck, tt.args)
			if !clitest.CheckUsage(t, err, tt.wantUsage) {
				return
			}
			got := parsed{Target: opts.Azure.Target(), Subscription: opts.Azure.Subscription, RouterState: opts.RouterState,
				Host: opts.Target.Host.Host, Wait: opts.Wait, Timeout: opts.Conn.Timeout}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewCmdKMSRoutes(t *testing.T) {
	t.Parallel()
	type parsed struct {
		Subscription, ResourceGroup, RouteTable string
		Apply                                   bool
	}
	tests := []struct {
		name      string
		args      []string
		want      parsed
		wantUsage bool
	}{
		{name: "from the config file", args: []string{"--router", "tokyo"}, want: parsed{"sub-1", "rg-net", "rt-vms", false}},
		{name: "table argument wins", args: []string{"rt-other", "--router", "tokyo", "--apply"}, want: parsed{"sub-1", "rg-net", "rt-other", true}},
		{name: "flags only", args: []string{"rt", "--subscription", "s", "--resource-group", "g"}, want: parsed{"s", "g", "rt", false}},
		{name: "no table", args: []string{"--subscription", "s", "--resource-group", "g"}, wantUsage: true},
		{name: "no resource group", args: []string{"rt", "--subscription", "s"}, wantUsage: true},
		{name: "bad output", args: []string{"--router", "tokyo", "-o", "yaml"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts, err := clitest.Execute(clitest.NewFactory(testConfig, ""), newCmdKMSRoutes, tt.args)
			if !clitest.CheckUsage(t, err, tt.wantUsage) {
				return
			}
			got := parsed{opts.Azure.Subscription, opts.Azure.ResourceGroup, opts.RouteTable, opts.Apply}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
