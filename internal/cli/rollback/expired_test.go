package rollback

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// errRefused stands for a router that cannot be reached.
var errRefused = errors.New("connection refused")

// TestExpiredOneRouterFails checks that rollback --expired undoes the
// overdue change of a reachable router even when another router, handled
// first, cannot be reached; the run then fails, and the unreachable
// router's change stays pending for the next run.
func TestExpiredOneRouterFails(t *testing.T) {
	t.Parallel()
	sc, err := rtxtest.LoadScenario(filepath.Join("..", "..", "..", "testdata", "scenarios", "article-ja.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc.BGP.EstablishDelay = time.Nanosecond
	srv := rtxtest.NewServer(sc)
	t.Cleanup(srv.Close)
	_, portText, err := net.SplitHostPort(srv.SSHAddr())
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatal(err)
	}
	user := sc.Users[0]
	connect := func(ctx context.Context, tg cli.Target) (*rtx.Client, error) {
		if tg.Port != port {
			return nil, errRefused
		}
		return rtx.Dial(ctx, rtx.Config{Transport: "ssh", Addr: tg.Addr(), User: tg.User, Password: user.Password,
			AdminPassword: sc.AdminPassword, SSH: transport.SSHConfig{InsecureIgnoreHostKey: true}})
	}

	// Turn forced tunnelling on without saving: the change the journal
	// says is overdue.
	c, err := connect(t.Context(), cli.Target{Host: config.Host{Host: "127.0.0.1", Port: port, User: user.Name}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Administrator(t.Context()); err != nil {
		t.Fatal(err)
	}
	bgp, err := rtx.ReadBGP(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := rtx.PlanTunnel(bgp, rtx.TunnelOn, rtx.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rtx.ApplyTunnel(t.Context(), c, plan, rtx.ApplyOptions{NoSave: true, VerifyTimeout: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	store := &state.Store{Root: dir}
	deadline := time.Now().Add(-time.Minute)
	for _, r := range []struct {
		host string
		port int
	}{{"0-unreachable", 1}, {"127.0.0.1", port}} {
		id, err := store.Append(state.Entry{Host: r.host, Action: state.ActionTunnelOn, Pending: true, Deadline: deadline, Before: plan.Before, After: plan.After})
		if err != nil {
			t.Fatal(err)
		}
		rec := &pending.Record{Conn: config.Host{Host: "127.0.0.1", Port: r.port, Transport: "ssh", User: user.Name},
			Pending: rtx.Pending{Before: plan.Before, After: plan.After}}
		if err := pending.WriteRecord(dir, r.host, id, rec); err != nil {
			t.Fatal(err)
		}
	}

	ios, _, out, _ := iostreams.Test()
	opts := &Options{RouterOptions: cli.RouterOptions{IO: ios, Connect: connect, Now: time.Now}, Log: cli.LogOptions{File: filepath.Join(dir, "rtxctl.log")},
		Expired: true, VerifyTimeout: 5 * time.Second, StateDir: dir}
	opts.Conn.Timeout = 10 * time.Second
	err = run(t.Context(), opts)
	if !errors.Is(err, errRefused) || !strings.Contains(err.Error(), "0-unreachable") {
		t.Errorf("error = %v, want the unreachable router's", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out)
	}
	if got := rtx.ParseBGPLines(srv.Router.RunningConfig()).Lines(); !slices.Equal(got, plan.Before) {
		t.Errorf("running bgp lines mismatch (-want +got):\n%s", cmp.Diff(plan.Before, got))
	}
	for host, want := range map[string]state.State{"0-unreachable": state.StatePending, "127.0.0.1": state.StateExpiredReverted} {
		// The records of the router reached have moved to its identity.
		clitest.CheckEntryState(t, store, store.Key(host, host), 1, want)
	}
}
