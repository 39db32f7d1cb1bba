package status_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/cli/root"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// TestStatusBootConfig runs `rtxctl status` against a fake router in
// Japanese (localised status labels and state words) that runs one saved
// configuration and boots from another, or from the same one: the text
// names the boot configuration only when it differs, JSON always has both,
// and the running configuration is byte-identical afterwards.
func TestStatusBootConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		running, boot int
		wantRow       bool
	}{
		{name: "config0 running, config2 at boot", running: 0, boot: 2, wantRow: true},
		{name: "config1 running and at boot", running: 1, boot: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := rtxtest.DefaultScenario()
			sc.ConfigFile, sc.DefaultConfigFile = tt.running, &tt.boot
			if tt.boot != tt.running {
				sc.SavedConfigs = map[int]string{tt.boot: "ip route default gateway 192.168.254.254\n"}
			}
			sc.Variants.LocalizedStatus, sc.Variants.LocalizedStateWords = true, true
			fake := clitest.StartFake(t, sc, "ssh", 10*time.Second)
			running := fake.Server.Router.RunningConfig()

			out := runStatus(t, fake, "-o", "json")
			var got struct {
				Saved       bool                `json:"saved"`
				ConfigFiles *rtx.ConfigFiles    `json:"config_files"`
				Neighbors   []rtx.NeighborState `json:"neighbors"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("status -o json: %v\n%s", err, out)
			}
			if diff := cmp.Diff(&rtx.ConfigFiles{Running: tt.running, Boot: tt.boot}, got.ConfigFiles); diff != "" {
				t.Errorf("config_files mismatch (-want +got):\n%s", diff)
			}
			if !got.Saved || len(got.Neighbors) != 1 || got.Neighbors[0].State != "Established" {
				t.Errorf("status -o json = %s, want saved and the neighbor Established", out)
			}

			out = runStatus(t, fake)
			if row := strings.Contains(out, "\nboots from: "); row != tt.wantRow {
				t.Errorf("status text has a boots from row = %v, want %v:\n%s", row, tt.wantRow, out)
			}
			if diff := cmp.Diff(running, fake.Server.Router.RunningConfig()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// runStatus runs `rtxctl status` against fake with extra flags and returns
// its standard output; it must exit 0.
func runStatus(t *testing.T, fake *clitest.Fake, extra ...string) string {
	t.Helper()
	r := fake.Run(t.Context(), func(ctx context.Context, f *cli.Factory, args []string) int {
		return root.Execute(ctx, f.IO, root.NewCmdRoot(f), args)
	}, "status", extra...)
	if r.Code != 0 {
		t.Fatal(r)
	}
	return r.Stdout
}
