package status_test

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/root"
	"github.com/rtxctl/rtxctl/internal/iostreams"
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
			srv := rtxtest.NewServer(sc)
			t.Cleanup(srv.Close)
			running := srv.Router.RunningConfig()

			out := runStatus(t, srv, "-o", "json")
			var got struct {
				Saved       bool             `json:"saved"`
				ConfigFiles *rtx.ConfigFiles `json:"config_files"`
				Neighbor    rtx.NeighborState
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("status -o json: %v\n%s", err, out)
			}
			if diff := cmp.Diff(&rtx.ConfigFiles{Running: tt.running, Boot: tt.boot}, got.ConfigFiles); diff != "" {
				t.Errorf("config_files mismatch (-want +got):\n%s", diff)
			}
			if !got.Saved || got.Neighbor.State != "Established" {
				t.Errorf("status -o json = %s, want saved and the neighbor Established", out)
			}

			out = runStatus(t, srv)
			if row := strings.Contains(out, "\nboots from: "); row != tt.wantRow {
				t.Errorf("status text has a boots from row = %v, want %v:\n%s", row, tt.wantRow, out)
			}
			if diff := cmp.Diff(running, srv.Router.RunningConfig()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// runStatus runs `rtxctl status` against srv over SSH with extra flags and
// returns its standard output; it must exit 0.
func runStatus(t *testing.T, srv *rtxtest.Server, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, err := net.SplitHostPort(srv.SSHAddr())
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{cli.PasswordEnv: "rtxctl-login", "XDG_CONFIG_HOME": filepath.Join(dir, "config")}
	ios, _, out, errOut := iostreams.Test()
	f := cli.NewFactory()
	f.IO = ios
	f.LookupEnv = func(key string) (string, bool) {
		v, ok := env[key]
		return v, ok
	}
	args := append([]string{"status", "--host", "127.0.0.1", "--port", port, "--transport", "ssh",
		"--known-hosts", knownHosts, "--timeout", "10s", "--user", "rtxctl"}, extra...)
	if code := root.Execute(t.Context(), ios, root.NewCmdRoot(f), args); code != 0 {
		t.Fatalf("rtxctl %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out.String()
}
