package layers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const module = "github.com/rtxctl/rtxctl/"

// client lists the client's packages, bottom first: a package may import
// only packages of a lower rank (and the standard library and third-party
// modules allowed for its side).
var client = map[string]int{
	"pkg/transport":           1,
	"pkg/channel":             2,
	"pkg/channel/channeltest": 3,
	"pkg/driver":              3,
	"pkg/rtx":                 4,
	"pkg/azure":               4,
	"internal/build":          5,
	"internal/config":         5,
	"internal/iostreams":      5,
	"internal/logfile":        5,
	"internal/progress":       5,
	"internal/state":          5,
	"internal/inventory":      6,
	"internal/lock":           6,
	"internal/cli":            7,
	"internal/pending":        8,
	"internal/fleet":          8,
	"internal/azureopts":      8,
	"internal/cli/clitest":    8,
	"internal/cli/azure":      9,
	"internal/cli/capture":    9,
	"internal/cli/confirm":    9,
	"internal/cli/history":    9,
	"internal/cli/rollback":   9,
	"internal/cli/show":       9,
	"internal/cli/status":     9,
	"internal/cli/tunnel":     9,
	"internal/cli/version":    9,
	"internal/cli/root":       10,
	"cmd/rtxctl":              11,
	"scripts/genman":          11,
	"internal/layers":         0,
}

// fake lists the fake router's packages, bottom first; they may import no
// client package, in their tests either.
var fake = map[string]int{
	"pkg/rtx/rtxtest":     1,
	"pkg/azure/azuretest": 1,
	"internal/fakertx":    2,
	"cmd/fakertx":         3,
}

// commands are the packages of the individual commands: none may import
// another (shared plumbing belongs in internal/cli).
const commands = "internal/cli/"

// frameworkOnly are third-party packages the library under pkg/ must not use.
var frameworkOnly = []string{"github.com/spf13/cobra", "github.com/spf13/pflag"}

// pkgInfo is what `go list -json` says of one package.
type pkgInfo struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// TestLayering checks every package of the module against the rules.
func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range violations(pkgs) {
		t.Error(p)
	}
}

// TestLayeringCatchesBadImports shows that each rule fails on a deliberate
// bad import.
func TestLayeringCatchesBadImports(t *testing.T) {
	tests := []struct {
		name string
		pkg  pkgInfo
		want []string
	}{
		{
			name: "library imports internal",
			pkg:  pkgInfo{ImportPath: module + "pkg/rtx", Imports: []string{module + "internal/state"}},
			want: []string{"pkg/rtx imports internal/state: the library never imports internal/"},
		},
		{
			name: "import points up",
			pkg:  pkgInfo{ImportPath: module + "pkg/transport", Imports: []string{module + "pkg/driver"}},
			want: []string{"pkg/transport imports pkg/driver: imports point down (rank 1 -> 3)"},
		},
		{
			name: "fake imports the client in a test",
			pkg:  pkgInfo{ImportPath: module + "pkg/rtx/rtxtest", XTestImports: []string{module + "pkg/channel"}},
			want: []string{"pkg/rtx/rtxtest imports pkg/channel: the fake imports no client package"},
		},
		{
			name: "client imports the fake",
			pkg:  pkgInfo{ImportPath: module + "internal/cli/show", Imports: []string{module + "internal/fakertx"}},
			want: []string{"internal/cli/show imports internal/fakertx: only tests may use the fake"},
		},
		{
			name: "command imports test support",
			pkg:  pkgInfo{ImportPath: module + "internal/cli/show", Imports: []string{module + "internal/cli/clitest"}},
			want: []string{"internal/cli/show imports internal/cli/clitest: only tests may use test support"},
		},
		{
			name: "test support may use the fake",
			pkg:  pkgInfo{ImportPath: module + "internal/cli/clitest", Imports: []string{module + "pkg/rtx/rtxtest", module + "internal/cli"}},
		},
		{
			name: "library uses cobra",
			pkg:  pkgInfo{ImportPath: module + "pkg/driver", Imports: []string{"github.com/spf13/cobra"}},
			want: []string{"pkg/driver imports github.com/spf13/cobra: the library does not use the command-line framework"},
		},
		{
			name: "command imports a sibling",
			pkg:  pkgInfo{ImportPath: module + "internal/cli/show", Imports: []string{module + "internal/cli/tunnel"}},
			want: []string{"internal/cli/show imports internal/cli/tunnel: a command package imports no sibling (move shared code to internal/cli)"},
		},
		{
			name: "unplaced package",
			pkg:  pkgInfo{ImportPath: module + "internal/newthing"},
			want: []string{"internal/newthing has no layer: add it to the table in internal/layers"},
		},
		{
			name: "allowed",
			pkg:  pkgInfo{ImportPath: module + "pkg/rtx", Imports: []string{module + "pkg/driver", "fmt"}, TestImports: []string{module + "pkg/rtx/rtxtest"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := violations([]pkgInfo{tt.pkg})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("violations mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkgInfo
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkgInfo
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// violations returns one line per broken rule, sorted.
func violations(pkgs []pkgInfo) []string {
	var out []string
	for _, p := range pkgs {
		name := strings.TrimPrefix(p.ImportPath, module)
		rank, isClient := client[name]
		_, isFake := fake[name]
		if !isClient && !isFake {
			out = append(out, name+" has no layer: add it to the table in internal/layers")
			continue
		}
		if isFake {
			out = append(out, fakeViolations(name, p)...)
			continue
		}
		for _, imp := range p.Imports {
			if v := clientViolation(name, rank, imp); v != "" {
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}

func clientViolation(name string, rank int, imp string) string {
	if strings.HasPrefix(name, "pkg/") {
		for _, f := range frameworkOnly {
			if imp == f || strings.HasPrefix(imp, f+"/") {
				return fmt.Sprintf("%s imports %s: the library does not use the command-line framework", name, imp)
			}
		}
	}
	if !strings.HasPrefix(imp, module) {
		return ""
	}
	dep := strings.TrimPrefix(imp, module)
	if _, ok := fake[dep]; ok && !isTestSupport(name) {
		return fmt.Sprintf("%s imports %s: only tests may use the fake", name, dep)
	}
	if isTestSupport(dep) && !isTestSupport(name) {
		return fmt.Sprintf("%s imports %s: only tests may use test support", name, dep)
	}
	if strings.HasPrefix(name, "pkg/") && strings.HasPrefix(dep, "internal/") {
		return fmt.Sprintf("%s imports %s: the library never imports internal/", name, dep)
	}
	if isCommand(name) && isCommand(dep) {
		return fmt.Sprintf("%s imports %s: a command package imports no sibling (move shared code to internal/cli)", name, dep)
	}
	if depRank, ok := client[dep]; ok && depRank >= rank {
		return fmt.Sprintf("%s imports %s: imports point down (rank %d -> %d)", name, dep, rank, depRank)
	}
	return ""
}

func fakeViolations(name string, p pkgInfo) []string {
	var out []string
	seen := map[string]bool{}
	for _, imps := range [][]string{p.Imports, p.TestImports, p.XTestImports} {
		for _, imp := range imps {
			dep := strings.TrimPrefix(imp, module)
			if _, ok := client[dep]; ok && !seen[dep] {
				seen[dep] = true
				out = append(out, fmt.Sprintf("%s imports %s: the fake imports no client package", name, dep))
			}
		}
	}
	return out
}

// isTestSupport reports whether name is a package of helpers for tests
// (channeltest, clitest): only tests and other test support import it, so
// it may use the fake.
func isTestSupport(name string) bool {
	return strings.HasSuffix(name, "test")
}

// isCommand reports whether name is one command's package (one level below
// internal/cli, not the root command, not test support).
func isCommand(name string) bool {
	rest, ok := strings.CutPrefix(name, commands)
	return ok && !strings.Contains(rest, "/") && rest != "root" && rest != "clitest"
}
