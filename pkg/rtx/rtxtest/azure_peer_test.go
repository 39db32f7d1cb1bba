package rtxtest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAdvertisedPrefixes checks that the default route is 0.0.0.0/0 in CIDR
// form whatever the router prints for it.
func TestAdvertisedPrefixes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		variant string
		want    []string
	}{
		{"tunnel on", "tunnel-on-ja.yaml", "", []string{"0.0.0.0/0", "192.168.100.0/24", "192.168.254.0/24"}},
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
			if diff := cmp.Diff(tt.want, NewRouter(sc).AdvertisedPrefixes(peer)); diff != "" {
				t.Errorf("advertised prefixes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
