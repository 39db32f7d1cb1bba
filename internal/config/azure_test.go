package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAzure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Azure
		wantErr bool
	}{
		{
			name: "full",
			in: `routers:
  tokyo:
    host: 192.168.100.1
    azure:
      subscription: sub-1
      resource_group: rg-network
      gateway: vgw-tokyo
      peer_address: 192.168.254.1
      nics: [vm1-nic, vm2-nic]
      route_table: rt-vms
      endpoint: https://127.0.0.1:8443
      ca_file: /tmp/azure-ca.pem
`,
			want: Azure{Subscription: "sub-1", ResourceGroup: "rg-network", Gateway: "vgw-tokyo", PeerAddress: "192.168.254.1",
				NICs: []string{"vm1-nic", "vm2-nic"}, RouteTable: "rt-vms", Endpoint: "https://127.0.0.1:8443", CAFile: "/tmp/azure-ca.pem"},
		},
		{name: "absent", in: "routers:\n  tokyo:\n    host: 192.168.100.1\n"},
		{name: "unknown field", in: "routers:\n  tokyo:\n    azure:\n      client_secret: x\n", wantErr: true},
		{name: "plain http endpoint", in: "routers:\n  tokyo:\n    azure:\n      endpoint: http://127.0.0.1:80\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse(strings.NewReader(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatal("Parse succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, cfg.Routers["tokyo"].Azure); diff != "" {
				t.Errorf("Azure mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
