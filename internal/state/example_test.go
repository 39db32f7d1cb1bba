package state_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/rtxctl/rtxctl/internal/state"
)

// Example shows the journal of a change made with a timed rollback: the change
// is recorded as pending, found again by a later run, and confirmed by a new entry
// that refers to it.
func Example() {
	root, err := os.MkdirTemp("", "rtxctl-state")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)
	now := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	s := &state.Store{Root: filepath.Join(root, "rtxctl"), Now: func() time.Time { return now }}

	const host = "192.168.100.1"
	backup, err := s.Backup(host, "bgp use on\nbgp import 65521 static filter 1\n")
	if err != nil {
		log.Fatal(err)
	}
	id, err := s.Append(state.Entry{
		Host:             host,
		User:             state.User{Login: "rtxctl", Local: "alice"},
		Action:           state.ActionTunnelOn,
		Before:           []string{"bgp import 65521 static filter 1"},
		After:            []string{"bgp import 65521 static filter 1 2", "bgp import filter 2 include 0.0.0.0/0"},
		Backup:           backup,
		Result:           state.ResultApplied,
		Pending:          true,
		Deadline:         now.Add(10 * time.Minute),
		RouterScheduleID: 7,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("backup:", filepath.Base(backup))

	// `rtxctl confirm`, later: find the pending change and record its confirmation.
	pending, _, err := s.Pending(host)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pending: %d %s, expired: %t\n", pending.ID, pending.Action, pending.Expired(now))
	if _, err := s.Append(state.Entry{
		Host: host, Action: state.ActionConfirm, Ref: id, State: state.StateConfirmed,
		Commands: []string{"no schedule at 7", "save"}, Result: state.ResultApplied, Saved: true,
	}); err != nil {
		log.Fatal(err)
	}

	entries, _, err := s.Entries(host)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Printf("%d %s ref=%d state=%s pending=%t\n", e.ID, e.Action, e.Ref, e.State, e.Pending)
	}
	_, _, err = s.Pending(host)
	fmt.Println("still pending:", !errors.Is(err, state.ErrNoPending))
	// Output:
	// backup: config-20261125T013000.000Z.txt
	// pending: 1 tunnel-on, expired: false
	// 1 tunnel-on ref=0 state=confirmed pending=false
	// 2 confirm ref=1 state=confirmed pending=false
	// still pending: false
}
