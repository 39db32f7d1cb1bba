package history

import (
	"fmt"
	"slices"
	"time"

	"github.com/rtxctl/rtxctl/internal/state"
)

// Report is the JSON output of `rtxctl history -o json` (see docs/json.md).
type Report struct {
	// Changes are the changes in time order.
	Changes []Change `json:"changes"`
}

// Final states of a change ([Change.State]), for scripts; [Change.Summary]
// says the same in words.
const (
	StateApplied         = "applied"          // applied and saved
	StateUnsaved         = "applied-unsaved"  // applied and verified, not saved (--no-save)
	StateNoChange        = "no-change"        // already in place: nothing sent
	StatePending         = "pending"          // awaiting rtxctl confirm before its deadline
	StateConfirmed       = "confirmed"        // a pending change confirmed and saved
	StateRolledBack      = "rolled-back"      // a pending change undone by rtxctl rollback
	StateExpiredReverted = "expired-reverted" // a pending change undone at its deadline
	StateFailed          = "failed"           // failed; see Error
	StateInterrupted     = "interrupted"      // cut off; a later run dealt with what it left
	StateUnfinished      = "unfinished"       // cut off; no later run has dealt with it yet
)

// Change is one change made to a router: the journal entry that made it
// (the intent, Entries[0]) merged with the entries recording its outcome
// and later lifecycle (Entries[1:], those naming it in ref).
type Change struct {
	ID     int          `json:"id"`
	Time   time.Time    `json:"time"`
	Host   string       `json:"host"`
	Router string       `json:"router"`
	User   state.User   `json:"user"`
	Action state.Action `json:"action"`
	// State is the final state (one of the State constants); Summary says
	// it in words, as the table does.
	State   string `json:"state"`
	Summary string `json:"summary"`
	// Saved reports whether the change ended saved on the router.
	Saved bool `json:"saved"`
	// Deadline is when a change made with --rollback-in was (or is) undone
	// unless confirmed; absent otherwise.
	Deadline time.Time `json:"deadline,omitzero"`
	// Error is the last failure recorded for the change.
	Error string `json:"error,omitempty"`
	// Entries are the journal entries of the change, as written (folded:
	// the first carries the final lifecycle state).
	Entries []state.Entry `json:"entries"`
}

// Changes merges journal entries (in id order, as [state.Store.Entries]
// returns them) into one Change per entry without a ref; now tells
// overdue pending changes.
func Changes(entries []state.Entry, now time.Time) []Change {
	var out []Change
	index := map[int]int{} // entry id -> change index
	for _, e := range entries {
		if i, ok := index[e.Ref]; ok && e.Ref != 0 {
			out[i].Entries = append(out[i].Entries, e)
			index[e.ID] = i
			continue
		}
		index[e.ID] = len(out)
		out = append(out, Change{ID: e.ID, Time: e.Time, Host: e.Host, Router: e.RouterKey(), User: e.User, Action: e.Action, Entries: []state.Entry{e}})
	}
	for i := range out {
		out[i].summarize(now)
	}
	return out
}

// summarize sets the final state, its words, Saved, Deadline and Error
// from the entries.
func (c *Change) summarize(now time.Time) {
	root := c.Entries[0]
	c.Deadline = root.Deadline
	own := outcome(c.Entries, root.Action)
	last := outcome(c.Entries, "")
	c.Saved = own.Saved || root.State == state.StateConfirmed
	for _, e := range c.Entries {
		if e.Error != "" {
			c.Error = e.Error
		}
	}
	interrupted := slices.ContainsFunc(c.Entries, func(e state.Entry) bool { return e.Result == state.ResultInterrupted })
	switch root.State {
	case state.StatePending:
		c.State, c.Summary = StatePending, "pending until "+clock(root.Deadline)
		if root.RouterScheduleID != 0 {
			c.Summary += fmt.Sprintf(" (router schedule %d)", root.RouterScheduleID)
		}
		if root.Expired(now) {
			c.Summary += ", overdue: run rtxctl rollback --expired"
		}
	case state.StateConfirmed:
		c.State, c.Summary = StateConfirmed, "confirmed and saved"
	case state.StateRolledBack:
		c.rolledBack(interrupted, last)
	case state.StateExpiredReverted:
		c.State, c.Summary = StateExpiredReverted, "rolled back by the router at the deadline"
		if len(last.Commands) > 0 {
			c.Summary = "rolled back at the deadline by rtxctl rollback --expired"
		}
	default:
		c.plain(root, own)
	}
	if root.State == "" && last.ID != own.ID && last.Action == state.ActionRollback && last.Result != state.ResultFailed {
		c.Summary += "; its previous lines restored " + clock(last.Time) + " (rollback --to)"
	}
}

// rolledBack words a pending change that ended rolled back: undone by
// rtxctl rollback, failed before anything changed, or cut off before it
// was made.
func (c *Change) rolledBack(interrupted bool, last state.Entry) {
	switch {
	case interrupted:
		c.State, c.Summary = StateInterrupted, "interrupted before the change: the next run removed the router's rollback schedule"
	case last.Action != state.ActionRollback && last.Result == state.ResultReverted:
		c.State, c.Summary = StateFailed, "failed and undone: the previous lines run again, nothing saved"
	case last.Action != state.ActionRollback:
		c.State, c.Summary = StateFailed, "failed: nothing changed"
	default:
		c.State, c.Summary = StateRolledBack, "rolled back by rtxctl rollback"
	}
}

// plain words a change made without --rollback-in from its own outcome.
func (c *Change) plain(root, own state.Entry) {
	switch own.Result {
	case state.ResultApplied:
		c.State, c.Summary = StateApplied, "applied and saved"
		if !own.Saved {
			c.State, c.Summary = StateUnsaved, "applied, not saved"
		}
	case state.ResultNoChange:
		c.State, c.Summary = StateNoChange, "already in place: nothing sent"
	case state.ResultReverted:
		c.State, c.Summary = StateFailed, "failed and undone: the previous lines run again, nothing saved"
	case state.ResultFailed:
		c.State, c.Summary = StateFailed, "failed"
	case state.ResultInterrupted:
		c.State, c.Summary = StateInterrupted, "interrupted"
		switch {
		case root.Armed != nil && root.Armed.RollbackTimer > 0:
			c.Summary += ": the next run waited for the router's rollback timer"
		case root.Armed != nil && root.Armed.Schedule:
			c.Summary += ": the next run removed the router's rollback schedule"
		}
	default:
		c.State, c.Summary = StateUnfinished, "no outcome recorded"
		if root.Armed != nil {
			c.Summary = "interrupted: the next run deals with the router's rollback timer"
		}
	}
}

// outcome returns the last entry with a result among entries, of the
// given action ("" = any); the zero Entry when there is none.
func outcome(entries []state.Entry, action state.Action) state.Entry {
	for _, e := range slices.Backward(entries) {
		if e.Result != "" && (action == "" || e.Action == action) {
			return e
		}
	}
	return state.Entry{}
}

// clock formats a moment for the table, in the local zone, to the minute.
func clock(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// sortByTime orders changes by time, then router, then id.
func sortByTime(changes []Change) {
	slices.SortStableFunc(changes, func(a, b Change) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if a.Router != b.Router {
			if a.Router < b.Router {
				return -1
			}
			return 1
		}
		return a.ID - b.ID
	})
}
