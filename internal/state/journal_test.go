package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const host = "192.168.100.1"

var (
	offLines = []string{"bgp import 65521 static filter 1"}
	onLines  = []string{"bgp import 65521 static filter 1 2", "bgp import filter 2 include 0.0.0.0/0"}
	deadline = fixedNow.Add(10 * time.Minute)
)

// tunnelOn is a journal entry for `tunnel on`, pending when withDeadline is set.
func tunnelOn(withDeadline bool) Entry {
	e := Entry{
		Host:     host,
		User:     User{Login: "rtxctl", Local: "alice"},
		Action:   ActionTunnelOn,
		Before:   offLines,
		After:    onLines,
		Commands: []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2", "bgp configure refresh"},
		Backup:   "/state/192.168.100.1/config-20261125T013000.123Z.txt",
		Result:   ResultApplied,
		Saved:    !withDeadline,
	}
	if withDeadline {
		e.Pending = true
		e.Deadline = deadline
		e.RouterScheduleID = 7
	}
	return e
}

// change is an entry with a Ref that moves entry ref to state.
func change(action Action, ref int, state State) Entry {
	return Entry{Host: host, Action: action, Ref: ref, State: state, Result: ResultApplied, Saved: true}
}

// appendAll appends entries in order and fails the test on any error.
func appendAll(t *testing.T, s *Store, entries ...Entry) {
	t.Helper()
	for i, e := range entries {
		id, err := s.Append(e)
		if err != nil {
			t.Fatalf("Append(entry %d) error = %v", i, err)
		}
		if id != i+1 {
			t.Fatalf("Append(entry %d) id = %d, want %d", i, id, i+1)
		}
	}
}

func TestAppendEntries(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	written := tunnelOn(false)
	written.Time = time.Date(2026, 11, 25, 10, 30, 0, 0, time.FixedZone("JST", 9*3600))
	appendAll(t, s, written, tunnelOn(true))

	got, warnings, err := s.Entries(host)
	if err != nil {
		t.Fatalf("Entries() error = %v", err)
	}
	first := written
	first.ID = 1
	first.Time = time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	second := tunnelOn(true)
	second.ID = 2
	second.Time = fixedNow
	second.State = StatePending
	if diff := cmp.Diff([]Entry{first, second}, got); diff != "" {
		t.Errorf("Entries() mismatch (-want +got):\n%s", diff)
	}
	if len(warnings) != 0 {
		t.Errorf("Entries() warnings = %v, want none", warnings)
	}
	dir := filepath.Join(s.Root, host)
	checkMode(t, filepath.Join(dir, journalFile), 0o600)
	checkMode(t, filepath.Join(dir, journalLock), 0o600)
	checkMode(t, dir, 0o700)
}

func TestJournalLineFormat(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	appendAll(t, s, tunnelOn(true))
	data, err := os.ReadFile(filepath.Join(s.Root, host, journalFile))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("journal line %q: %v", data, err)
	}
	want := map[string]any{
		"id":                 1.0,
		"time":               "2026-11-25T01:30:00.123Z",
		"host":               host,
		"user":               map[string]any{"login": "rtxctl", "local": "alice"},
		"action":             "tunnel-on",
		"before":             []any{offLines[0]},
		"after":              []any{onLines[0], onLines[1]},
		"commands":           []any{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2", "bgp configure refresh"},
		"backup":             "/state/192.168.100.1/config-20261125T013000.123Z.txt",
		"result":             "applied",
		"saved":              false,
		"pending":            true,
		"deadline":           "2026-11-25T01:40:00.123Z",
		"router_schedule_id": 7.0,
		"state":              "pending",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("journal line mismatch (-want +got):\n%s", diff)
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || bytes.Count(data, []byte("\n")) != 1 {
		t.Errorf("journal = %q, want one line ending in a newline", data)
	}
}

func TestAppendInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*Entry)
		wantErr error
	}{
		{name: "no host", edit: func(e *Entry) { e.Host = "" }, wantErr: ErrInvalidEntry},
		{name: "no action", edit: func(e *Entry) { e.Action = "" }, wantErr: ErrInvalidEntry},
		{name: "pending without deadline", edit: func(e *Entry) { e.Deadline = time.Time{} }, wantErr: ErrInvalidEntry},
		{name: "pending with other state", edit: func(e *Entry) { e.State = StateConfirmed }, wantErr: ErrInvalidEntry},
		{name: "pending state without pending", edit: func(e *Entry) { e.Pending = false }, wantErr: ErrInvalidEntry},
		{name: "pending with ref", edit: func(e *Entry) { e.Ref = 1 }, wantErr: ErrInvalidEntry},
		{name: "negative ref", edit: func(e *Entry) { e.Pending, e.State, e.Ref = false, "", -1 }, wantErr: ErrInvalidEntry},
		{name: "ref to missing entry", edit: func(e *Entry) { e.Pending, e.State, e.Ref = false, StateConfirmed, 9 }, wantErr: ErrNoEntry},
		{name: "negative clears", edit: func(e *Entry) { e.Clears = -1 }, wantErr: ErrInvalidEntry},
		{name: "clears missing entry", edit: func(e *Entry) { e.Clears = 9 }, wantErr: ErrNoEntry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			appendAll(t, s, tunnelOn(false))
			e := tunnelOn(true)
			e.State = StatePending
			tt.edit(&e)
			if _, err := s.Append(e); !errors.Is(err, tt.wantErr) {
				t.Errorf("Append() error = %v, want %v", err, tt.wantErr)
			}
			got, _, err := s.Entries(host)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Errorf("journal has %d entries after a refused append, want 1", len(got))
			}
		})
	}
}

// summary is the part of a folded entry the folding tests compare.
type summary struct {
	ID      int
	State   State
	Pending bool
}

func summarise(entries []Entry) []summary {
	var out []summary
	for _, e := range entries {
		out = append(out, summary{e.ID, e.State, e.Pending})
	}
	return out
}

func TestFold(t *testing.T) {
	t.Parallel()
	failedConfirm := change(ActionConfirm, 1, "")
	failedConfirm.Result, failedConfirm.Saved, failedConfirm.Error = ResultFailed, false, "dial 192.168.100.1:22: connection refused"
	tests := []struct {
		name        string
		entries     []Entry
		want        []summary
		wantPending int // id; 0 = ErrNoPending
	}{
		{
			name:    "plain change",
			entries: []Entry{tunnelOn(false)},
			want:    []summary{{1, "", false}},
		},
		{
			name:        "pending",
			entries:     []Entry{tunnelOn(true)},
			want:        []summary{{1, StatePending, true}},
			wantPending: 1,
		},
		{
			name:    "confirmed",
			entries: []Entry{tunnelOn(true), change(ActionConfirm, 1, StateConfirmed)},
			want:    []summary{{1, StateConfirmed, false}, {2, StateConfirmed, false}},
		},
		{
			name:    "rolled back",
			entries: []Entry{tunnelOn(true), change(ActionRollback, 1, StateRolledBack)},
			want:    []summary{{1, StateRolledBack, false}, {2, StateRolledBack, false}},
		},
		{
			name:    "expired and reverted",
			entries: []Entry{tunnelOn(true), change(ActionRollback, 1, StateExpiredReverted)},
			want:    []summary{{1, StateExpiredReverted, false}, {2, StateExpiredReverted, false}},
		},
		{
			name:        "failed confirm leaves it pending",
			entries:     []Entry{tunnelOn(true), failedConfirm},
			want:        []summary{{1, StatePending, true}, {2, "", false}},
			wantPending: 1,
		},
		{
			name:    "rollback to an old change",
			entries: []Entry{tunnelOn(false), change(ActionRollback, 1, StateRolledBack)},
			want:    []summary{{1, StateRolledBack, false}, {2, StateRolledBack, false}},
		},
		{
			name: "newest of two pending",
			entries: []Entry{
				tunnelOn(true), change(ActionConfirm, 1, StateConfirmed),
				tunnelOn(true), tunnelOn(true),
			},
			want: []summary{
				{1, StateConfirmed, false}, {2, StateConfirmed, false},
				{3, StatePending, true}, {4, StatePending, true},
			},
			wantPending: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			appendAll(t, s, tt.entries...)
			got, warnings, err := s.Entries(host)
			if err != nil {
				t.Fatalf("Entries() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, summarise(got)); diff != "" {
				t.Errorf("Entries() mismatch (-want +got):\n%s", diff)
			}
			if len(warnings) != 0 {
				t.Errorf("Entries() warnings = %v, want none", warnings)
			}
			pending, _, err := s.Pending(host)
			if tt.wantPending == 0 {
				if !errors.Is(err, ErrNoPending) {
					t.Errorf("Pending() = %v, %v, want %v", pending.ID, err, ErrNoPending)
				}
				return
			}
			if err != nil || pending.ID != tt.wantPending {
				t.Errorf("Pending() = %d, %v, want %d", pending.ID, err, tt.wantPending)
			}
		})
	}
}

func TestEntry(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	appendAll(t, s, tunnelOn(true), change(ActionConfirm, 1, StateConfirmed))
	tests := []struct {
		name      string
		host      string
		id        int
		wantState State
		wantErr   error
	}{
		{name: "folded", host: host, id: 1, wantState: StateConfirmed},
		{name: "ref entry", host: host, id: 2, wantState: StateConfirmed},
		{name: "missing id", host: host, id: 3, wantErr: ErrNoEntry},
		{name: "unknown router", host: "10.0.0.1", id: 1, wantErr: ErrNoEntry},
		{name: "no host", host: "", id: 1, wantErr: ErrNoHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _, err := s.Entry(tt.host, tt.id)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Entry(%q, %d) error = %v, want %v", tt.host, tt.id, err, tt.wantErr)
			}
			if err == nil && (got.ID != tt.id || got.State != tt.wantState) {
				t.Errorf("Entry(%q, %d) = id %d state %q, want state %q", tt.host, tt.id, got.ID, got.State, tt.wantState)
			}
		})
	}
}

func TestAllPending(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	hosts := []string{"rtx-b", "[::1]:2222", "rtx-a"}
	for _, h := range hosts {
		e := tunnelOn(true)
		e.Host = h
		if _, err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	confirm := change(ActionConfirm, 1, StateConfirmed)
	confirm.Host = "rtx-b"
	if _, err := s.Append(confirm); err != nil {
		t.Fatal(err)
	}
	plain := tunnelOn(false)
	plain.Host = "rtx-c"
	if _, err := s.Append(plain); err != nil {
		t.Fatal(err)
	}
	// Files in the root that are not router directories are ignored.
	if err := os.WriteFile(filepath.Join(s.Root, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	got, warnings, err := s.AllPending()
	if err != nil {
		t.Fatalf("AllPending() error = %v", err)
	}
	var gotHosts []string
	for _, e := range got {
		gotHosts = append(gotHosts, e.Host)
		if !e.Pending || !e.Expired(deadline) || e.Expired(deadline.Add(-time.Millisecond)) {
			t.Errorf("AllPending() entry %+v: want pending, expired exactly from its deadline", e)
		}
	}
	if diff := cmp.Diff([]string{"[::1]:2222", "rtx-a"}, gotHosts); diff != "" {
		t.Errorf("AllPending() hosts mismatch (-want +got):\n%s", diff)
	}
	if len(warnings) != 0 {
		t.Errorf("AllPending() warnings = %v, want none", warnings)
	}
}

func TestAllPendingNoRoot(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	got, warnings, err := s.AllPending()
	if err != nil || got != nil || warnings != nil {
		t.Errorf("AllPending() on a missing root = %v, %v, %v, want nothing", got, warnings, err)
	}
}

func TestCorruptLines(t *testing.T) {
	t.Parallel()
	good := func(id int) string {
		line, err := json.Marshal(Entry{ID: id, Host: host, Action: ActionTunnelOff, Time: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		return string(line)
	}
	tests := []struct {
		name         string
		journal      string
		wantIDs      []int
		wantWarnings []string
		wantNextID   int
	}{
		{
			name:         "truncated last line",
			journal:      good(1) + "\n" + good(2) + "\n" + `{"id":3,"time":"2026-11-`,
			wantIDs:      []int{1, 2},
			wantNextID:   3,
			wantWarnings: []string{"3: truncated"},
		},
		{
			name:       "complete last line without newline",
			journal:    good(1) + "\n" + good(2),
			wantIDs:    []int{1, 2},
			wantNextID: 3,
		},
		{
			name:         "garbage in the middle",
			journal:      good(1) + "\n" + `{"id":2,"ti` + "\n" + good(2) + "\n",
			wantIDs:      []int{1, 2},
			wantNextID:   3,
			wantWarnings: []string{"2: syntax"},
		},
		{
			name:         "duplicate and zero ids",
			journal:      good(1) + "\n" + good(1) + "\n" + good(0) + "\n" + good(2) + "\n",
			wantIDs:      []int{1, 2},
			wantNextID:   3,
			wantWarnings: []string{"2: bad id", "3: bad id"},
		},
		{
			name:         "ref to a later entry",
			journal:      `{"id":1,"ref":2,"state":"confirmed","host":"h","action":"confirm"}` + "\n" + good(2) + "\n",
			wantIDs:      []int{1, 2},
			wantNextID:   3,
			wantWarnings: []string{"1: missing ref"},
		},
		{
			name:       "blank lines",
			journal:    "\n" + good(1) + "\n\n  \n",
			wantIDs:    []int{1},
			wantNextID: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			dir, err := EnsureHostDir(s.Root, host)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, journalFile)
			if err := os.WriteFile(path, []byte(tt.journal), 0o600); err != nil {
				t.Fatal(err)
			}
			entries, warnings, err := s.Entries(host)
			if err != nil {
				t.Fatalf("Entries() error = %v, want warnings only", err)
			}
			var ids []int
			for _, e := range entries {
				ids = append(ids, e.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("Entries() ids mismatch (-want +got):\n%s", diff)
			}
			var want []string
			for _, w := range tt.wantWarnings {
				want = append(want, fmt.Sprintf("%s:%s", path, w))
			}
			if diff := cmp.Diff(want, warningKinds(warnings)); diff != "" {
				t.Errorf("Entries() warnings mismatch (-want +got):\n%s", diff)
			}

			// The next append starts on a fresh line and is read back whole.
			id, err := s.Append(tunnelOn(false))
			if err != nil {
				t.Fatalf("Append() error = %v", err)
			}
			if id != tt.wantNextID {
				t.Errorf("Append() id = %d, want %d", id, tt.wantNextID)
			}
			if _, _, err := s.Entry(host, id); err != nil {
				t.Errorf("Entry(%d) after a corrupt journal: %v", id, err)
			}
		})
	}
}

// warningKinds reduces warnings to line numbers and the kind of error, so that tests
// compare them with errors.Is/As rather than by message.
func warningKinds(warnings []Warning) []string {
	var out []string
	for _, w := range warnings {
		var syntax *json.SyntaxError
		kind := "other"
		switch {
		case errors.Is(w.Err, errTruncated):
			kind = "truncated"
		case errors.Is(w.Err, errBadID):
			kind = "bad id"
		case errors.Is(w.Err, errMissingRef):
			kind = "missing ref"
		case errors.As(w.Err, &syntax):
			kind = "syntax"
		}
		out = append(out, fmt.Sprintf("%s:%d: %s", w.Path, w.Line, kind))
	}
	return out
}

func TestWarningString(t *testing.T) {
	t.Parallel()
	w := Warning{Path: "/s/h/journal.jsonl", Line: 3, Err: errTruncated}
	if diff := cmp.Diff("/s/h/journal.jsonl:3: truncated last line", w.String()); diff != "" {
		t.Errorf("Warning.String() mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentAppend(t *testing.T) {
	t.Parallel()
	const writers, perWriter = 8, 25
	root := filepath.Join(t.TempDir(), "rtxctl")
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			// A Store per writer, like separate processes sharing the root.
			s := &Store{Root: root}
			for i := range perWriter {
				e := tunnelOn(false)
				e.Error = fmt.Sprintf("writer %d entry %d", w, i)
				if _, err := s.Append(e); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Append() error = %v", err)
	}

	data, err := os.ReadFile(filepath.Join(root, host, journalFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) != writers*perWriter {
		t.Fatalf("journal has %d lines, want %d", len(lines), writers*perWriter)
	}
	seen := map[string]bool{}
	for i, line := range lines {
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		if e.ID != i+1 {
			t.Errorf("line %d has id %d", i+1, e.ID)
		}
		seen[e.Error] = true
	}
	if len(seen) != writers*perWriter {
		t.Errorf("journal holds %d distinct entries, want %d", len(seen), writers*perWriter)
	}
}

// TestJournalFull checks that ids never wrap: a journal whose last id is MaxID
// refuses appends, and a line with a larger id is skipped.
func TestJournalFull(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	dir, err := EnsureHostDir(s.Root, host)
	if err != nil {
		t.Fatal(err)
	}
	var lines []byte
	for _, id := range []int{MaxID, MaxID + 1} {
		e := tunnelOn(false)
		e.ID = id
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(append(lines, b...), '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, journalFile), lines, fileMode); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(tunnelOn(false)); !errors.Is(err, ErrJournalFull) {
		t.Errorf("Append() error = %v, want %v", err, ErrJournalFull)
	}
	got, warnings, err := s.Entries(host)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{MaxID}, ids(got)); diff != "" {
		t.Errorf("Entries() ids mismatch (-want +got):\n%s", diff)
	}
	if len(warnings) != 1 || !errors.Is(warnings[0].Err, errBadID) {
		t.Errorf("Entries() warnings = %v, want one bad id", warnings)
	}
}

func ids(entries []Entry) []int {
	var out []int
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}

func TestLeftovers(t *testing.T) {
	t.Parallel()
	armed := func() Entry {
		e := tunnelOn(false)
		e.Result = ""
		e.Armed = &Armed{RollbackTimer: 125, RouterDeadline: deadline, Deadline: deadline}
		return e
	}
	outcome := func(ref, clears int) Entry {
		e := change(ActionTunnelOn, ref, "")
		e.Clears = clears
		return e
	}
	tests := []struct {
		name    string
		entries []Entry
		want    []int
	}{
		{name: "nothing armed", entries: []Entry{tunnelOn(false)}},
		{name: "cut off", entries: []Entry{armed()}, want: []int{1}},
		{name: "finished", entries: []Entry{armed(), outcome(1, 1)}},
		{name: "session lost", entries: []Entry{armed(), outcome(1, 0)}, want: []int{1}},
		{name: "cleared by a later run", entries: []Entry{armed(), outcome(1, 0), armed(), outcome(1, 1)}, want: []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			appendAll(t, s, tt.entries...)
			got, _, err := s.Entries(host)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(Leftovers(got))); diff != "" {
				t.Errorf("Leftovers() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
