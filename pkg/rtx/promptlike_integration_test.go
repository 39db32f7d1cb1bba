package rtx

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// TestPromptLookalikesAgainstFake: against a fake whose show config and
// show log hold lines that look like every prompt shape, each followed by a
// pause longer than the silence that settles an ambiguous prompt, no
// command is cut short and the next command reads its own reply, whether
// the session sets `console lines infinity` or finds it set. (A console
// that pages cannot confirm a settled prompt by typing ahead, see
// driver.Platform.Probe: there a pause longer than that silence right after
// a prompt-like continuation line can still end a command.)
func TestPromptLookalikesAgainstFake(t *testing.T) {
	t.Parallel()
	sc, err := rtxtest.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", "prompt-lookalike.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	wantLog := sc.Outputs["show log"]
	for _, tc := range []struct {
		transport string
		leave     bool // console left alone, set to lines infinity in the scenario
	}{{"ssh", false}, {"telnet", false}, {"ssh", true}} {
		name := tc.transport
		if tc.leave {
			name += "/console left alone"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			sc := *sc
			if tc.leave {
				sc.Lines = "infinity"
			}
			srv := rtxtest.NewServer(&sc)
			t.Cleanup(srv.Close)
			c := dialFakeConsole(t, ctx, srv, tc.transport, tc.leave, true)
			out, err := c.Run(ctx, "show config")
			if err != nil {
				t.Fatalf("Run(show config): %v", err)
			}
			got, err := ParseShowConfig(out)
			if err != nil {
				t.Fatalf("ParseShowConfig: %v", err)
			}
			var lines []string
			for _, l := range got.Lines {
				lines = append(lines, l.Text)
			}
			for _, want := range strings.Split(strings.TrimSuffix(sc.SavedConfig, "\n"), "\n") {
				if !contains(lines, strings.TrimRight(want, " ")) {
					t.Errorf("show config lacks %q; got:\n%s", want, out)
				}
			}
			for range 2 {
				log, err := c.Run(ctx, "show log")
				if err != nil {
					t.Fatalf("Run(show log): %v", err)
				}
				if diff := cmp.Diff(wantLog, log); diff != "" {
					t.Errorf("show log mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if strings.TrimRight(l, " ") == s {
			return true
		}
	}
	return false
}
