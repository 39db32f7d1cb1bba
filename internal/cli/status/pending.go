package status

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
)

// Pending is the router's change awaiting confirmation, from the journal.
type Pending struct {
	JournalID int          `json:"journal_id"`
	Action    state.Action `json:"action"`
	Deadline  time.Time    `json:"deadline"`
	// Expired reports that the deadline has passed.
	Expired bool `json:"expired"`
	// RouterScheduleID is the router's `schedule at` entry; 0 when none.
	RouterScheduleID int `json:"router_schedule_id,omitempty"`
	// RollbackTimer reports the change of an interrupted run, which the
	// router's session rollback timer undoes by itself.
	RollbackTimer bool `json:"rollback_timer,omitempty"`
}

// readPending returns the pending change of the router reached by route
// ("host:port" as dialled) at host in the journal under stateDir, or nil
// (also when stateDir is ""). The route tells apart routers behind one
// address once their identities are known, as tunnel on|off records them.
func readPending(stateDir, route, host string, now time.Time) (*Pending, error) {
	if stateDir == "" {
		return nil, nil
	}
	store := &state.Store{Root: stateDir}
	p, err := pending.Find(store, store.Key(route, host))
	if errors.Is(err, state.ErrNoPending) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Pending{JournalID: p.Entry.ID, Action: p.Entry.Action, Deadline: p.Entry.Deadline, Expired: p.Entry.Expired(now),
		RouterScheduleID: p.Entry.RouterScheduleID, RollbackTimer: p.Timer()}, nil
}

// writePending prints p as a row of the status table.
func writePending(w io.Writer, p *Pending) error {
	var how string
	switch {
	case p.RollbackTimer:
		how = "the router's rollback timer of an interrupted run undoes it"
	case p.RouterScheduleID == 0:
		how = "no router schedule: rollback --expired (cron) undoes it"
	case p.Expired:
		how = fmt.Sprintf("router schedule %d; rollback --expired (cron) finishes it", p.RouterScheduleID)
	default:
		how = fmt.Sprintf("router schedule %d", p.RouterScheduleID)
	}
	until := "until"
	if p.Expired {
		until = "expired at"
	}
	_, err := fmt.Fprintf(w, "%-19s %s (journal entry %d) %s %s; %s\n", "pending:", p.Action, p.JournalID, until, p.Deadline.Local().Format(time.RFC3339), how)
	return err
}
