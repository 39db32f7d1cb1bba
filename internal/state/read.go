package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gofrs/flock"
)

// ErrNoEntry is returned when a journal has no entry with the requested id.
var ErrNoEntry = errors.New("no such journal entry")

// ErrNoPending is returned by [Store.Pending] when no change awaits confirmation.
var ErrNoPending = errors.New("no pending change")

// Warning describes a journal line that could not be used while reading: a line
// truncated by a crash or edited by hand (skipped), or a reference to a missing entry
// (kept, but not folded).
type Warning struct {
	// Path is the journal file.
	Path string
	// Line is the 1-based line number.
	Line int
	// Err says what is wrong with the line.
	Err error
}

// String formats w as "path:line: reason".
func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: %v", w.Path, w.Line, w.Err)
}

var (
	errTruncated  = errors.New("truncated last line")
	errBadID      = errors.New("id not above the previous entry's or above the highest id")
	errMissingRef = errors.New("ref names no earlier entry")
)

// Entries returns every entry of the journal of host (a router's key, see
// [Store.Key]) in id order, folded: an entry whose
// state was later changed by an entry with Ref reports the latest State, and Pending
// only while that state is StatePending. The entries that carry a Ref are returned
// too. A missing journal yields no entries. Unreadable lines are skipped and
// returned as warnings; the error reports only failures to read the file.
func (s *Store) Entries(host string) ([]Entry, []Warning, error) {
	dir, err := HostDir(s.Root, host)
	if err != nil {
		return nil, nil, fmt.Errorf("read journal: %w", err)
	}
	entries, warnings, err := readJournal(dir)
	if err != nil {
		return nil, warnings, fmt.Errorf("read journal of %s: %w", host, err)
	}
	return entries, warnings, nil
}

// Entry returns the folded entry with the given id from host's journal, or an error
// wrapping [ErrNoEntry].
func (s *Store) Entry(host string, id int) (Entry, []Warning, error) {
	entries, warnings, err := s.Entries(host)
	if err != nil {
		return Entry{}, warnings, err
	}
	i := find(entries, id)
	if i < 0 {
		return Entry{}, warnings, fmt.Errorf("journal of %s: entry %d: %w", host, id, ErrNoEntry)
	}
	return entries[i], warnings, nil
}

// Pending returns host's newest change still awaiting confirmation after folding
// (expired or not), or an error wrapping [ErrNoPending].
func (s *Store) Pending(host string) (Entry, []Warning, error) {
	entries, warnings, err := s.Entries(host)
	if err != nil {
		return Entry{}, warnings, err
	}
	pending := pendingOf(entries)
	if len(pending) == 0 {
		return Entry{}, warnings, fmt.Errorf("journal of %s: %w", host, ErrNoPending)
	}
	return pending[len(pending)-1], warnings, nil
}

// Keys returns the names of the routers' directories under the root (the
// keys of [Store.Key]), in order; a missing root yields none.
func (s *Store) Keys() ([]string, error) {
	dirs, err := os.ReadDir(s.Root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, d := range dirs {
		// A router's directory never starts with '.' (see [EnsureHostDir]).
		if d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			keys = append(keys, d.Name())
		}
	}
	return keys, nil
}

// AllPending returns every change awaiting confirmation in every journal under the
// root, ordered by router directory and id; [Entry.Expired] tells which are overdue.
// A missing root yields nothing.
func (s *Store) AllPending() ([]Entry, []Warning, error) {
	if s.Root == "" {
		return nil, nil, fmt.Errorf("read journals: %w", ErrNoHost)
	}
	keys, err := s.Keys()
	if err != nil {
		return nil, nil, fmt.Errorf("read journals: %w", err)
	}
	var all []Entry
	var warnings []Warning
	for _, key := range keys {
		entries, w, err := readJournal(filepath.Join(s.Root, key))
		warnings = append(warnings, w...)
		if err != nil {
			return nil, warnings, fmt.Errorf("read journals: %w", err)
		}
		all = append(all, pendingOf(entries)...)
	}
	return all, warnings, nil
}

// readJournal reads and folds the journal in dir under a shared lock, so that it never
// sees an append half-written.
func readJournal(dir string) ([]Entry, []Warning, error) {
	path := filepath.Join(dir, journalFile)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	lk := flock.New(filepath.Join(dir, journalLock), flock.SetPermissions(fileMode))
	if err := lk.RLock(); err != nil {
		return nil, nil, fmt.Errorf("lock %s: %w", path, err)
	}
	defer lk.Unlock()
	data, err := readIfExists(path)
	if err != nil {
		return nil, nil, err
	}
	entries, warnings := parse(path, data)
	return entries, warnings, nil
}

// parse decodes and folds the journal lines in data. Lines that do not decode, and
// entries whose id does not increase, are skipped with a warning, so the result is in
// strictly increasing id order. An entry with a Ref is folded into the earlier entry
// it names (see fold); a Ref to no earlier entry is kept but reported.
func parse(path string, data []byte) ([]Entry, []Warning) {
	var entries []Entry
	var warnings []Warning
	lines := bytes.Split(data, []byte{'\n'})
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		warn := func(err error) { warnings = append(warnings, Warning{Path: path, Line: i + 1, Err: err}) }
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			if i == len(lines)-1 {
				err = fmt.Errorf("%w: %w", errTruncated, err)
			}
			warn(err)
			continue
		}
		if e.ID <= 0 || e.ID > MaxID || len(entries) > 0 && e.ID <= entries[len(entries)-1].ID {
			warn(fmt.Errorf("%w: id %d", errBadID, e.ID))
			continue
		}
		if e.Ref != 0 {
			if t := find(entries, e.Ref); t < 0 {
				warn(fmt.Errorf("%w: ref %d", errMissingRef, e.Ref))
			} else {
				fold(&entries[t], e)
			}
		}
		entries = append(entries, e)
	}
	return entries, warnings
}

// fold applies the entry e, whose Ref names t, to t: a State sets t's State
// (and Pending); a RouterScheduleID sets t's schedule id and, with a Deadline,
// t's deadline (recorded once the pending change's schedule entry is armed).
func fold(t *Entry, e Entry) {
	if e.State != "" {
		t.State = e.State
		t.Pending = e.State == StatePending
	}
	if e.RouterScheduleID != 0 {
		t.RouterScheduleID = e.RouterScheduleID
	}
	if t.Pending && !e.Deadline.IsZero() {
		t.Deadline = e.Deadline
	}
}

// find returns the index of the entry with the given id in entries sorted by id, or -1.
func find(entries []Entry, id int) int {
	i := sort.Search(len(entries), func(i int) bool { return entries[i].ID >= id })
	if i < len(entries) && entries[i].ID == id {
		return i
	}
	return -1
}

// pendingOf returns the entries that are pending after folding.
func pendingOf(entries []Entry) []Entry {
	var pending []Entry
	for _, e := range entries {
		if e.Pending {
			pending = append(pending, e)
		}
	}
	return pending
}

// Leftovers returns the entries of entries (as [Store.Entries] returns them) whose
// Armed safety nets no later entry reports gone (Clears), in id order: runs cut
// off after they wrote their intent, whose rollback timer or schedule entry may
// still be armed on the router.
func Leftovers(entries []Entry) []Entry {
	cleared := map[int]bool{}
	for _, e := range entries {
		if e.Clears != 0 {
			cleared[e.Clears] = true
		}
	}
	var out []Entry
	for _, e := range entries {
		if e.Armed != nil && !cleared[e.ID] {
			out = append(out, e)
		}
	}
	return out
}
