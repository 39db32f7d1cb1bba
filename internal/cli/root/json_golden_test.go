package root

import (
	"flag"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/iostreams"
)

var updateJSON = flag.Bool("update", false, "rewrite the JSON golden files in testdata/json")

// jsonVolatile matches the parts of the JSON output that differ from run
// to run (times, the local user, the state directory, the clock skew).
var jsonVolatile = regexp.MustCompile(`"(time|deadline|router_deadline|backup|local)": "[^"]*"|"(skew)": -?\d+`)

// TestJSONGolden checks the -o json output of the commands against
// testdata/json/*.golden (docs/json.md documents every field); -update
// rewrites them. It runs the commands in order against one fake router:
// status, the tunnel on plan, its safety net, a refused flag (the error
// object), the change, history.
func TestJSONGolden(t *testing.T) {
	t.Parallel()
	f := clitest.StartFake(t, clitest.ArticleScenario(t, repoRoot, "en"), "ssh", 20*time.Second)
	runs := []struct {
		name     string
		verb     string
		extra    []string
		wantCode int
	}{
		{name: "status", verb: "status"},
		{name: "tunnel-dry-run", verb: "tunnel on", extra: []string{"--dry-run"}},
		{name: "tunnel-dry-run-rollback-in", verb: "tunnel on", extra: []string{"--dry-run", "--rollback-in", "15m"}},
		{name: "error", verb: "tunnel on", extra: []string{"--rollback-in", "0"}, wantCode: 2},
		{name: "tunnel-on", verb: "tunnel on", extra: []string{"--verify-timeout", "5s"}},
	}
	for _, r := range runs {
		res := f.Run(t.Context(), execute, r.verb, append(r.extra, "-o", "json")...)
		if res.Code != r.wantCode {
			t.Fatalf("%v\nwant exit status %d", res, r.wantCode)
		}
		checkJSONGolden(t, r.name, res.Stdout)
	}
	// history reads the journal only: no connection flags.
	ios, _, out, errOut := iostreams.Test()
	if code := execute(t.Context(), f.Factory(ios), []string{"history", "--host", "127.0.0.1", "-o", "json"}); code != 0 {
		t.Fatalf("rtxctl history: exit %d\n%s", code, errOut)
	}
	checkJSONGolden(t, "history", out.String())
}

// checkJSONGolden compares the JSON output out, its volatile parts
// replaced, with testdata/json/NAME.golden, or rewrites it with -update.
func checkJSONGolden(t *testing.T, name, out string) {
	t.Helper()
	got := jsonVolatile.ReplaceAllString(out, `"$1$2": "…"`)
	clitest.Golden(t, filepath.Join(repoRoot, "testdata", "json", name+".golden"), got, *updateJSON)
}
