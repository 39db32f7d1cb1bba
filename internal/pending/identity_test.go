package pending

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/state"
)

// environment is a router answering `show environment` with its serial.
type environment string

func (e environment) Run(context.Context, string) (string, error) {
	return fmt.Sprintf("  main:  RTX1210 ver=00 serial=%s MAC-Address=00:a0:de:00:00:01\n", e), nil
}

// firstRun does what a changing command does on its first contact through
// route with the router serial: take the lock before connecting, then learn
// the router's identity and take its lock ([Rekey]), holding both a while.
func firstRun(ctx context.Context, store *state.Store, route, host, serial string) (string, error) {
	key := store.Key(route, host)
	ios, _, _, _ := iostreams.Test()
	acquire := func(key string) (func() error, error) {
		return cli.LockRouter(ctx, ios, store.Root, route, key, host, 10*time.Second)
	}
	release, err := acquire(key)
	if err != nil {
		return "", err
	}
	defer release()
	key, releaseRouter, err := Rekey(ctx, environment(serial), store, route, host, key, acquire)
	if err != nil {
		return "", err
	}
	time.Sleep(20 * time.Millisecond) // the run changes the router
	return key, releaseRouter()
}

// TestRekeyConcurrentFirstRuns runs first contacts at once: routers behind
// one address (one port each) and two runs reaching one router. Every run
// gets its router's key; none fails on a lock file moved away with the
// host's records.
func TestRekeyConcurrentFirstRuns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		routes []string
		serial func(i int) string
		legacy bool // records kept under the host's directory before identities
	}{
		{"routers behind one address", []string{"127.0.0.1:2201", "127.0.0.1:2202", "127.0.0.1:2203", "127.0.0.1:2204"}, func(i int) string { return fmt.Sprintf("S%d", i) }, false},
		{"two runs, one router", []string{"127.0.0.1:2201", "127.0.0.1:2201"}, func(int) string { return "S1" }, false},
		{"two runs, one router with the host's records", []string{"127.0.0.1:2201", "127.0.0.1:2201"}, func(int) string { return "S1" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &state.Store{Root: t.TempDir()}
			if tt.legacy {
				dir, err := state.EnsureHostDir(store.Root, "127.0.0.1")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got := make([]string, len(tt.routes))
			errs := make([]error, len(tt.routes))
			var wg sync.WaitGroup
			for i, route := range tt.routes {
				wg.Go(func() { got[i], errs[i] = firstRun(t.Context(), store, route, "127.0.0.1", tt.serial(i)) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := range tt.routes {
				want = append(want, state.Identity{Model: "RTX1210", Serial: tt.serial(i)}.Key())
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("keys mismatch (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(filepath.Join(store.Root, want[0], "journal.jsonl")); tt.legacy && err != nil {
				t.Errorf("the host's records did not move to the router's directory: %v", err)
			}
		})
	}
}
