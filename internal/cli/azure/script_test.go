package azure_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"go.yaml.in/yaml/v3"

	"github.com/rtxctl/rtxctl/internal/cli/root"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/fakertx"
)

var update = flag.Bool("update", false, "rewrite the cmp files of the scripts")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rtxctl": func() { os.Exit(root.Main()) },
	})
}

// repoRoot is the repository root, relative to this package's directory.
var repoRoot = filepath.Join("..", "..", "..")

// TestAzureScripts runs testdata/script/azure/*.txtar: the real rtxctl
// against `fakertx --azure` (a fake router and a fake Azure whose gateway
// peers with it), started in-process by the script.
func TestAzureScripts(t *testing.T) {
	t.Parallel()
	scenarios, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(repoRoot, "testdata", "script", "azure"),
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
			env.Setenv("SCENARIOS", scenarios)
			// Only the fake's credentials, never a developer's own.
			for _, k := range []string{"AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CONFIG_DIR", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
				env.Setenv(k, "")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakertx": cmdFakertx,
		},
	})
}

// cmdFakertx starts `fakertx --azure` in-process for the rest of the
// script, with the English article scenario (BGP sessions re-established
// at once), and any further fakertx flags:
//
//	fakertx start [FLAGS...]
//
// It exports the credentials of the fake's token endpoint (AZURE_TENANT_ID,
// AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TOKEN_CREDENTIALS) and
// AZURE_DIR, and writes the router "fake" (SSH, with its azure settings)
// to the config file.
func cmdFakertx(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || args[0] != "start" {
		ts.Fatalf("usage: fakertx start [FLAGS...]")
	}
	sc, err := os.ReadFile(filepath.Join(ts.Getenv("SCENARIOS"), "article-en.yaml"))
	ts.Check(err)
	scenario := ts.MkAbs("scenario.yaml")
	ts.Check(os.WriteFile(scenario, append(sc, "bgp:\n  establish_delay: 1ms\n"...), 0o600))
	ready, knownHosts, dir := ts.MkAbs(".fakertx-ready"), ts.MkAbs("known_hosts"), ts.MkAbs("azure")
	// A script may start several fakes: never read the files of the last one.
	ts.Check(os.RemoveAll(ready))
	ts.Check(os.RemoveAll(dir))
	flags := append([]string{"--scenario", scenario, "--telnet", "off", "--ready-file", ready, "--known-hosts", knownHosts,
		"--azure", "--azure-dir", dir}, args[1:]...)
	ctx, cancel := context.WithCancel(context.Background())
	var (
		wg     sync.WaitGroup
		stderr bytes.Buffer
		code   int
	)
	wg.Go(func() { code = fakertx.Run(ctx, flags, &bytes.Buffer{}, &stderr) })
	ts.Defer(func() { cancel(); wg.Wait() })
	lines := waitReady(ts, ready, &wg, func() string { return strconv.Itoa(code) + ": " + stderr.String() })
	ts.Setenv("AZURE_DIR", dir)
	env, err := os.ReadFile(filepath.Join(dir, "env"))
	ts.Check(err)
	for _, line := range strings.Split(strings.TrimSpace(string(env)), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		ts.Setenv(k, v)
	}
	var snippet struct {
		Azure config.Azure `yaml:"azure"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "azure.yaml"))
	ts.Check(err)
	ts.Check(yaml.Unmarshal(data, &snippet))
	password := ts.MkAbs("fake.password")
	ts.Check(os.WriteFile(password, []byte("rtxctl-login\n"), 0o600))
	_, port, _ := strings.Cut(lines["ssh"], ":")
	p, err := strconv.Atoi(port)
	ts.Check(err)
	out, err := yaml.Marshal(map[string]map[string]config.Host{"routers": {"fake": {
		Host: "127.0.0.1", Port: p, Transport: "ssh", User: "rtxctl", KnownHosts: knownHosts, PasswordFile: password,
		AdminPasswordFile: password + "-admin", Azure: snippet.Azure,
	}}})
	ts.Check(err)
	ts.Check(os.WriteFile(password+"-admin", []byte("rtxctl-admin\n"), 0o600))
	cfgDir := filepath.Join(ts.Getenv("XDG_CONFIG_HOME"), "rtxctl")
	ts.Check(os.MkdirAll(cfgDir, 0o700))
	ts.Check(os.WriteFile(filepath.Join(cfgDir, "config.yaml"), out, 0o600))
}

// waitReady waits for fakertx's ready file and returns its NAME=VALUE
// lines; it fails the script if fakertx ends first (why says why).
func waitReady(ts *testscript.TestScript, ready string, wg *sync.WaitGroup, why func() string) map[string]string {
	ended := make(chan struct{})
	go func() { wg.Wait(); close(ended) }()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ended:
			ts.Fatalf("fakertx ended: %s", why())
		case <-deadline:
			ts.Fatalf("fakertx not ready after 10s")
		case <-tick.C:
		}
		f, err := os.Open(ready)
		if err != nil {
			continue
		}
		lines := map[string]string{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), "=")
			lines[k] = v
		}
		f.Close()
		return lines
	}
}
