package rtxtest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAdvertisedPrefixes checks that AdvertisedPrefixes is AdvertisedRoutes
// with the default route written 0.0.0.0/0, and empty while the neighbor is
// down.
func TestAdvertisedPrefixes(t *testing.T) {
	t.Parallel()
	sc, err := LoadScenario(scenarioDir + "/tunnel-on-ja.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(sc)
	if got := r.AdvertisedRoutes(peer); len(got) == 0 || got[0] != "default" {
		t.Fatalf("AdvertisedRoutes = %q, want the default route first", got)
	}
	want := []string{"0.0.0.0/0", "192.168.100.0/24", "192.168.254.0/24"}
	if diff := cmp.Diff(want, r.AdvertisedPrefixes(peer)); diff != "" {
		t.Errorf("AdvertisedPrefixes mismatch (-want +got):\n%s", diff)
	}
	r.SetFaults(Faults{BGPNeverEstablishes: true})
	if got := r.AdvertisedPrefixes(peer); len(got) != 0 {
		t.Errorf("AdvertisedPrefixes with the neighbor down = %q, want none", got)
	}
}
