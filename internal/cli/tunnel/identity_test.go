package tunnel_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// routersBehindOneAddress starts two fakes on 127.0.0.1 (different ports and
// serial numbers, as two routers behind port forwards of one bastion),
// sharing one state directory, with a change left pending on the first.
func routersBehindOneAddress(t *testing.T) (a, b *fake) {
	t.Helper()
	a = newFake(t, combos[0], "off", func(sc *rtxtest.Scenario) { sc.Serial = "S0000000A" })
	b = newFake(t, combos[0], "off", func(sc *rtxtest.Scenario) { sc.Serial = "S0000000B" })
	b.Env["XDG_STATE_HOME"] = a.Env["XDG_STATE_HOME"]
	wantExit(t, a.run(t, "tunnel on", "--rollback-in", "10m", "--verify-timeout", verifyTimeout), 0)
	return a, b
}

// hasSchedule reports whether f runs a `schedule at` entry.
func hasSchedule(f *fake) bool {
	return slices.ContainsFunc(f.Server.Router.RunningConfig(), func(l string) bool { return strings.HasPrefix(l, "schedule at ") })
}

// TestRoutersBehindOneAddress checks that each router has its own records:
// a change pending on A neither blocks B nor is confirmed through B, and
// rolling back A reverts A.
func TestRoutersBehindOneAddress(t *testing.T) {
	t.Parallel()
	a, b := routersBehindOneAddress(t)

	wantExit(t, b.run(t, "tunnel on", "--verify-timeout", verifyTimeout), 0)
	b.checkSaved(t, "on")

	r := b.run(t, "confirm")
	wantExit(t, r, 0)
	wantContains(t, "stderr", r.stderr, "nothing to confirm at 127.0.0.1: no pending change")
	if !hasSchedule(a) {
		t.Error("confirm through B removed A's schedule entry")
	}
	a.checkSaved(t, "off")
	store := &state.Store{Root: filepath.Join(a.Env["XDG_STATE_HOME"], "rtxctl")}
	if _, _, err := store.Pending("rtx1210_s0000000a"); err != nil {
		t.Errorf("A's change is no longer pending after confirm through B: %v", err)
	}

	wantExit(t, a.run(t, "rollback", "--verify-timeout", verifyTimeout), 0)
	a.checkRunning(t, "off")
	a.checkSaved(t, "off")
	if hasSchedule(a) {
		t.Error("A's schedule entry is still armed after rollback")
	}
	b.checkRunning(t, "on")
}

// TestRouteNowReachesAnotherRouter checks that confirm and rollback refuse
// when the address a pending change was made through now reaches another
// router (a port forward moved): nothing is sent to it and the change stays
// pending.
func TestRouteNowReachesAnotherRouter(t *testing.T) {
	t.Parallel()
	for _, verb := range []string{"confirm", "rollback"} {
		t.Run(verb, func(t *testing.T) {
			t.Parallel()
			a, b := routersBehindOneAddress(t)
			// B's address reached A until now.
			root := filepath.Join(a.Env["XDG_STATE_HOME"], "rtxctl")
			var routes map[string]state.Identity
			data, err := os.ReadFile(filepath.Join(root, "routes.json"))
			if err == nil {
				err = json.Unmarshal(data, &routes)
			}
			if err != nil {
				t.Fatal(err)
			}
			for route, id := range routes {
				routes[strings.Replace(route, a.port(t), b.port(t), 1)] = id
			}
			if data, err = json.Marshal(routes); err == nil {
				err = os.WriteFile(filepath.Join(root, "routes.json"), data, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}

			mark := len(b.Server.Router.Commands())
			r := b.run(t, verb)
			wantExit(t, r, cli.ExitFailure)
			wantContains(t, "stderr", r.stderr, "reached RTX1210 serial S0000000A before and now reaches RTX1210 serial S0000000B")
			if got := b.configCommands(mark); len(got) > 0 {
				t.Errorf("commands sent to the other router: %q", got)
			}
			store := &state.Store{Root: root}
			if _, _, err := store.Pending("rtx1210_s0000000a"); err != nil {
				t.Errorf("A's change is no longer pending: %v", err)
			}
			if !hasSchedule(a) {
				t.Error("A's schedule entry was removed")
			}
		})
	}
}

// port is the port rtxctl reaches f on.
func (f *fake) port(t *testing.T) string {
	t.Helper()
	i := slices.Index(f.Conn, "--port")
	if i < 0 {
		t.Fatal("no --port")
	}
	return f.Conn[i+1]
}
