package config

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseFakertxFleet reads the config.yaml that fakertx --routers writes
// (the golden file of internal/fakertx, which may not import this package):
// the fake's file must stay a valid configuration.
func TestParseFakertxFleet(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../fakertx/testdata/fleet/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("Parse(fakertx config.yaml) error = %v", err)
	}
	want := Host{
		Name: "rtx01", Host: "127.0.0.1", Port: 10001, Transport: "ssh", User: "rtxctl",
		KnownHosts: "/fleet/known_hosts", PasswordFile: "/fleet/login.password", AdminPasswordFile: "/fleet/admin.password",
	}
	if diff := cmp.Diff(want, cfg.Routers["rtx01"]); diff != "" {
		t.Errorf("router rtx01 mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]Group{"healthy": {Routers: []string{"rtx01", "rtx02"}}, "slow": {Routers: []string{"rtx03"}}, "down": {Routers: []string{"rtx04"}}}, cfg.Groups); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
}
