package history

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/json")

func TestNewCmdHistory(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1"}}}
	tests := []struct {
		name       string
		args       string
		wantHost   string
		wantOutput string
		wantLimit  int
		wantFlag   bool
		identity   string // a router's records directory to create first
	}{
		{name: "router", args: "tokyo", wantHost: "192.0.2.1", wantOutput: "text"},
		{name: "host", args: "--host 127.0.0.1 -o json", wantHost: "127.0.0.1", wantOutput: "json"},
		{name: "host wins", args: "tokyo --host 127.0.0.1", wantHost: "127.0.0.1", wantOutput: "text"},
		{name: "every router", args: "--limit 3", wantOutput: "text", wantLimit: 3},
		{name: "identity", args: "rtx1210_s123", identity: "rtx1210_s123", wantOutput: "text"},
		{name: "unknown router", args: "osaka", wantFlag: true},
		{name: "bad output", args: "tokyo -o yaml", wantFlag: true},
		{name: "negative limit", args: "--limit -1", wantFlag: true},
		{name: "bad since", args: "--since yesterday", wantFlag: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			if tt.identity != "" {
				if err := os.MkdirAll(filepath.Join(home, "rtxctl", tt.identity), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			got, err := clitest.Execute(clitest.NewFactory(cfg, home), NewCmdHistory, strings.Fields(tt.args))
			if !clitest.CheckUsage(t, err, tt.wantFlag) {
				return
			}
			if got.Host != tt.wantHost || got.Output != tt.wantOutput || got.Limit != tt.wantLimit {
				t.Errorf("host, output, limit = %q, %q, %d; want %q, %q, %d", got.Host, got.Output, got.Limit, tt.wantHost, tt.wantOutput, tt.wantLimit)
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.Local)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"24h", now.Add(-24 * time.Hour)},
		{"2026-12-05", time.Date(2026, 12, 5, 0, 0, 0, 0, time.Local)},
		{"2026-12-05 09:30", time.Date(2026, 12, 5, 9, 30, 0, 0, time.Local)},
		{"2026-12-05T09:30:00Z", time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseSince(tt.in, now)
		if err != nil {
			t.Fatalf("parseSince(%q): %v", tt.in, err)
		}
		if !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

var (
	at     = time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	ops    = state.User{Local: "ops", Login: "admin"}
	before = []string{"bgp import 65521 static filter 1"}
	after  = []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2"}
)

// journal returns the entries of one change (id 1) and its outcomes, with
// the fields the journal always sets.
func journal(entries ...state.Entry) []state.Entry {
	for i := range entries {
		e := &entries[i]
		e.ID, e.Time, e.Host, e.User = i+1, at.Add(time.Duration(i)*time.Minute), "tokyo", ops
		if e.Action == "" {
			e.Action = state.ActionTunnelOn
		}
		if i > 0 && e.Ref == 0 {
			e.Ref = 1
		}
	}
	return entries
}

func TestChanges(t *testing.T) {
	t.Parallel()
	pending := state.Entry{Before: before, After: after, Pending: true, State: state.StatePending, Deadline: at.Add(15 * time.Minute), RouterScheduleID: 3}
	folded := func(s state.State) state.Entry {
		e := pending
		e.Pending, e.State = false, s
		return e
	}
	tests := []struct {
		name      string
		entries   []state.Entry
		now       time.Time
		wantState string
		wantWords string
	}{
		{name: "applied and saved", entries: journal(state.Entry{Before: before, After: after}, state.Entry{Result: state.ResultApplied, Saved: true}),
			wantState: StateApplied, wantWords: "applied and saved"},
		{name: "no save", entries: journal(state.Entry{}, state.Entry{Result: state.ResultApplied}),
			wantState: StateUnsaved, wantWords: "applied, not saved"},
		{name: "failed and undone", entries: journal(state.Entry{}, state.Entry{Result: state.ResultReverted, Error: "verification failed"}),
			wantState: StateFailed, wantWords: "failed and undone: the previous lines run again, nothing saved"},
		{name: "pending", entries: journal(pending, state.Entry{Result: state.ResultApplied}), now: at,
			wantState: StatePending, wantWords: "pending until " + clock(at.Add(15*time.Minute)) + " (router schedule 3)"},
		{name: "overdue", entries: journal(pending, state.Entry{Result: state.ResultApplied}), now: at.Add(time.Hour),
			wantState: StatePending, wantWords: "pending until " + clock(at.Add(15*time.Minute)) + " (router schedule 3), overdue: run rtxctl rollback --expired"},
		{name: "confirmed", entries: journal(folded(state.StateConfirmed), state.Entry{Result: state.ResultApplied},
			state.Entry{Action: state.ActionConfirm, Result: state.ResultApplied, Saved: true, State: state.StateConfirmed}),
			wantState: StateConfirmed, wantWords: "confirmed and saved"},
		{name: "rolled back", entries: journal(folded(state.StateRolledBack), state.Entry{Result: state.ResultApplied},
			state.Entry{Action: state.ActionRollback, Result: state.ResultReverted, State: state.StateRolledBack, Commands: []string{"no bgp import filter 2"}}),
			wantState: StateRolledBack, wantWords: "rolled back by rtxctl rollback"},
		{name: "undone by the router", entries: journal(folded(state.StateExpiredReverted), state.Entry{Result: state.ResultApplied},
			state.Entry{Action: state.ActionRollback, Result: state.ResultNoChange, State: state.StateExpiredReverted}),
			wantState: StateExpiredReverted, wantWords: "rolled back by the router at the deadline"},
		{name: "undone by cron", entries: journal(folded(state.StateExpiredReverted), state.Entry{Result: state.ResultApplied},
			state.Entry{Action: state.ActionRollback, Result: state.ResultReverted, State: state.StateExpiredReverted, Commands: []string{"no bgp import filter 2"}}),
			wantState: StateExpiredReverted, wantWords: "rolled back at the deadline by rtxctl rollback --expired"},
		{name: "interrupted under the rollback timer", entries: journal(state.Entry{Armed: &state.Armed{RollbackTimer: 210}},
			state.Entry{Result: state.ResultInterrupted, Clears: 1}),
			wantState: StateInterrupted, wantWords: "interrupted: the next run waited for the router's rollback timer"},
		{name: "interrupted, not dealt with", entries: journal(state.Entry{Armed: &state.Armed{RollbackTimer: 210}}),
			wantState: StateUnfinished, wantWords: "interrupted: the next run deals with the router's rollback timer"},
		{name: "interrupted before the pending change", entries: journal(folded(state.StateRolledBack),
			state.Entry{Result: state.ResultInterrupted, State: state.StateRolledBack, Clears: 1}),
			wantState: StateInterrupted, wantWords: "interrupted before the change: the next run removed the router's rollback schedule"},
		{name: "restored later", entries: journal(state.Entry{}, state.Entry{Result: state.ResultApplied, Saved: true},
			state.Entry{Action: state.ActionRollback, Result: state.ResultApplied, Saved: true}),
			wantState: StateApplied, wantWords: "applied and saved; its previous lines restored " + clock(at.Add(2*time.Minute)) + " (rollback --to)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Changes(tt.entries, tt.now)
			if len(got) != 1 {
				t.Fatalf("Changes returned %d changes, want 1: %+v", len(got), got)
			}
			if diff := cmp.Diff([2]string{tt.wantState, tt.wantWords}, [2]string{got[0].State, got[0].Summary}); diff != "" {
				t.Errorf("state and words mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.entries, got[0].Entries); diff != "" {
				t.Errorf("entries mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	var changes []Change
	for i := range 5 {
		changes = append(changes, Change{ID: i + 1, Time: at.Add(time.Duration(i) * time.Hour)})
	}
	ids := func(cs []Change) (out []int) {
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		since time.Time
		limit int
		want  []int
	}{
		{name: "all", want: []int{1, 2, 3, 4, 5}},
		{name: "limit", limit: 2, want: []int{4, 5}},
		{name: "since", since: at.Add(3 * time.Hour), want: []int{4, 5}},
		{name: "since and limit", since: at.Add(time.Hour), limit: 3, want: []int{3, 4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, ids(filter(changes, tt.since, tt.limit))); diff != "" {
				t.Errorf("filter mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGolden checks the text table and the JSON of a confirmed pending
// change and a failed change (rerun with -update to rewrite the goldens).
func TestGolden(t *testing.T) {
	t.Parallel()
	changes := Changes(journal(
		state.Entry{Before: before, After: after, State: state.StateConfirmed, Deadline: at.Add(15 * time.Minute), RouterScheduleID: 3},
		state.Entry{Result: state.ResultApplied},
		state.Entry{Action: state.ActionConfirm, Result: state.ResultApplied, Saved: true, State: state.StateConfirmed},
	), at)
	failed := journal(state.Entry{Action: state.ActionTunnelOff, Before: after, After: before}, state.Entry{Action: state.ActionTunnelOff, Result: state.ResultReverted, Error: "verification failed"})
	for i := range failed {
		failed[i].ID += 3
		failed[i].Time = failed[i].Time.Add(time.Hour)
	}
	failed[1].Ref = 4
	changes = append(changes, Changes(failed, at)...)

	var js bytes.Buffer
	if err := cli.WriteJSON(&js, Report{Changes: changes}); err != nil {
		t.Fatal(err)
	}
	clitest.Golden(t, filepath.Join("testdata", "json", "history.golden"), js.String(), *update)

	// The table shows local times: the same wall clock in every zone.
	for i := range changes {
		u := changes[i].Time
		changes[i].Time = time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), 0, time.Local)
	}
	var text bytes.Buffer
	if err := Write(&text, changes, true); err != nil {
		t.Fatal(err)
	}
	clitest.Golden(t, filepath.Join("testdata", "json", "history-text.golden"), text.String(), *update)
}

// TestHistorySeveral checks history over several routers: one result per
// router, its changes in data.
func TestHistorySeveral(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{
		Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1"}, "osaka": {Name: "osaka", Host: "192.0.2.2"}, "nagoya": {Name: "nagoya", Host: "192.0.2.3"},
			"nat1": {Name: "nat1", Host: "198.51.100.1", Port: 2201}, "nat2": {Name: "nat2", Host: "198.51.100.1", Port: 2202}},
		Groups: map[string]config.Group{"west": {Routers: []string{"osaka", "nagoya"}}},
	}
	type result struct {
		Router   string
		ExitCode int
		State    string
		Changes  int
	}
	tests := []struct {
		name string
		args string
		want []result
	}{
		{"routers", "tokyo osaka", []result{{"tokyo", 0, "2 changes", 2}, {"osaka", 0, "1 change", 1}}},
		{"group", "--group west", []result{{"osaka", 0, "1 change", 1}, {"nagoya", 0, "0 changes", 0}}},
		{"all", "--all --limit 1", []result{{"nagoya", 0, "0 changes", 0}, {"nat1", 0, "1 change", 1}, {"nat2", 0, "1 change", 1}, {"osaka", 0, "1 change", 1}, {"tokyo", 0, "1 change", 1}}},
		{"behind one address", "nat2 nat1", []result{{"nat2", 0, "2 changes", 2}, {"nat1", 0, "1 change", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			store := &state.Store{Root: filepath.Join(home, "rtxctl")}
			for i, route := range []string{"198.51.100.1:2201", "198.51.100.1:2202"} {
				if _, _, err := store.Learn(route, "198.51.100.1", state.Identity{Model: "RTX1210", Serial: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, key := range []string{"192.0.2.1", "192.0.2.1", "192.0.2.2", "rtx1210_0", "rtx1210_1", "rtx1210_1"} {
				clitest.AppendInterrupted(t, store, key, state.ActionTunnelOn, at)
			}
			f := clitest.NewFactory(cfg, home)
			var out *bytes.Buffer
			f.IO, _, out, _ = iostreams.Test()
			cmd := NewCmdHistory(f, nil)
			cmd.SetArgs(append(strings.Fields(tt.args), "-o", "json"))
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			var got []result
			dec := json.NewDecoder(out)
			for {
				var line struct {
					Router   string `json:"router"`
					ExitCode int    `json:"exit_code"`
					State    string `json:"state"`
					Data     Report `json:"data"`
				}
				if err := dec.Decode(&line); err != nil {
					break
				}
				if line.Router != "" {
					got = append(got, result{line.Router, line.ExitCode, line.State, len(line.Data.Changes)})
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("results mismatch (-want +got):\n%s\n%s", diff, out)
			}
		})
	}
}
