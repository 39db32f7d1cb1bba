package capture

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// realCapture returns a file of testdata/real.
func realCapture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// TestNewReport reads real router output as a capture would hold it.
func TestNewReport(t *testing.T) {
	t.Parallel()
	f := &File{
		Header: map[string]string{keyFormat: "1", keyModel: "RTX1210", keyRevision: "14.01.28", keyTransport: "ssh",
			keyColumns: "200", keyLines: "infinity", keyCharacter: "en.ascii"},
		Outputs: []Output{
			{Command: cmdEnvironment, Text: realCapture(t, "rtx1210_show_environment_en.txt")},
			{Command: cmdConfig, Text: realCapture(t, "rtx1220_show_config.txt")},
			{Command: cmdNeighbors, Text: realCapture(t, "aws_show_status_bgp_neighbor_active.txt")},
			{Command: cmdNeighbors + " 169.254.255.1 advertised-routes", Text: realCapture(t, "aws_advertised_routes_default.txt")},
			{Command: cmdRoutes, Text: realCapture(t, "aws_show_ip_route.txt")},
			{Command: cmdUsers, Text: "garbage\n"},
			{Command: cmdNeighbors + " 10.0.0.1", Text: "Error: Invalid command name\n"},
			{Command: "show config 0", Text: "Current time: never\n"},
		},
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rep := NewReport(ctx, "real.txtar", f)
	want := []CommandReport{
		{Command: cmdEnvironment, OK: true, Read: []string{"RTX1210 Rev.14.01.28", "clock 2020/03/17 16:21:59 +09:00", "runs config0, boots config2", "serial S4H024020"}},
		{Command: cmdConfig, OK: true, Read: []string{"header: RTX1220 Rev.15.04.04", "11 top-level lines"}},
		{Command: cmdNeighbors, OK: true, Read: []string{"neighbor 169.254.255.1 AS 7224 Active", "neighbor 169.254.255.5 AS 7224 Active"}},
		{Command: cmdNeighbors + " 169.254.255.1 advertised-routes", OK: true, Read: []string{"default route advertised"}},
		{Command: cmdRoutes, OK: true, Read: []string{"2 routes"}},
		{Command: cmdUsers, OK: true, Read: []string{"recorded, 1 lines (rtxctl does not parse it)"}},
		{Command: cmdNeighbors + " 10.0.0.1", Problems: []string{"the router refused the command: Error: Invalid command name"}},
		{Command: "show config 0", Problems: []string{"no model and firmware revision in the header"}, Read: []string{"1 top-level lines"}},
	}
	if diff := cmp.Diff(want, rep.Commands); diff != "" {
		t.Errorf("NewReport commands mismatch (-want +got):\n%s", diff)
	}
	// Without `show config | grep bgp` the status cannot be read.
	if rep.Understood || rep.Status != nil || !strings.Contains(rep.StatusError, "show config | grep bgp") {
		t.Errorf("report: understood %v, status %v, status error %q; want the missing bgp lines reported", rep.Understood, rep.Status, rep.StatusError)
	}
	var b strings.Builder
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"router:   RTX1210 Rev.14.01.28 over ssh\n",
		"console:  lines infinity, columns 200, character en.ascii\n",
		"show status bgp neighbor 10.0.0.1                          NOT UNDERSTOOD\n    problem: the router refused the command: Error: Invalid command name\n",
		"status:   NOT UNDERSTOOD: ",
		"result:   rtxctl could not read everything",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Write output lacks %q:\n%s", want, b.String())
		}
	}
}
