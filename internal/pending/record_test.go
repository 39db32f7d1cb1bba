package pending

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

func TestPendingRecordRoundTrip(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	rec := &Record{
		Router: "tokyo",
		Conn: config.Host{Host: "127.0.0.1", Port: 2222, Transport: "ssh", User: "admin", KnownHosts: "~/.ssh/known_hosts",
			PasswordFile: "~/.config/rtxctl/tokyo.password", AdminPasswordFile: "~/.config/rtxctl/tokyo.admin-password"},
		Pending: rtx.Pending{Before: []string{"bgp use on"}, After: []string{"bgp use on", "bgp import filter 2 include 0.0.0.0/0"},
			ScheduledRollback: &rtx.ScheduledRollback{ID: 1, Command: "load 0 difference silent", Line: "schedule at 1 +30 * load 0 difference silent", Relative: true}},
	}
	if err := WriteRecord(root, "127.0.0.1", 7, rec); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecord(root, "127.0.0.1", 7)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("ReadRecord mismatch (-want +got):\n%s", diff)
	}
	if _, err := ReadRecord(root, "127.0.0.1", 8); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadRecord(8) error = %v, want os.ErrNotExist", err)
	}
	if want := (cli.Target{Host: rec.Conn, Admin: true, Timeout: time.Second}); !cmp.Equal(want, got.Target(time.Second)) {
		t.Errorf("Target = %+v, want %+v", got.Target(time.Second), want)
	}
}

func TestFindPending(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		record    bool
		wantTimer bool
		wantErr   error
		wantIn    string
	}{
		{name: "rollback-in change", record: true, wantIn: "confirm it (rtxctl confirm tokyo) or roll it back (rtxctl rollback tokyo) first"},
		{name: "interrupted run", wantTimer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &state.Store{Root: t.TempDir()}
			if _, err := Find(store, "127.0.0.1"); !errors.Is(err, state.ErrNoPending) {
				t.Fatalf("Find on an empty journal: error = %v, want state.ErrNoPending", err)
			}
			id, err := store.Append(state.Entry{Host: "127.0.0.1", Action: state.ActionTunnelOn, Pending: true, Deadline: deadline,
				Before: []string{"a"}, After: []string{"b"}})
			if err != nil {
				t.Fatal(err)
			}
			if tt.record {
				if err := WriteRecord(store.Root, "127.0.0.1", id, &Record{Pending: rtx.Pending{Before: []string{"a"}, After: []string{"b"}}}); err != nil {
					t.Fatal(err)
				}
			}
			p, err := Find(store, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if p.Timer() != tt.wantTimer {
				t.Errorf("Timer() = %t, want %t", p.Timer(), tt.wantTimer)
			}
			if diff := cmp.Diff(rtx.Pending{Before: []string{"a"}, After: []string{"b"}}, p.Pending()); diff != "" {
				t.Errorf("Pending() mismatch (-want +got):\n%s", diff)
			}
			if !p.Timer() {
				msg := Blocks(p, "tokyo")
				if !errors.Is(msg, ErrPending) {
					t.Errorf("Blocks does not match ErrPending: %v", msg)
				}
				if !strings.Contains(msg.Error(), tt.wantIn) {
					t.Errorf("error %q does not say %q", msg, tt.wantIn)
				}
			}
			if err := MarkTimerExpired(store, p, state.User{Local: "ops"}); err != nil {
				t.Fatal(err)
			}
			if _, err := Find(store, "127.0.0.1"); !errors.Is(err, state.ErrNoPending) {
				t.Errorf("Find after MarkTimerExpired: error = %v, want state.ErrNoPending", err)
			}
		})
	}
}

// TestVerified tells a pending change its run finished (applied and
// verified) from one whose run was cut off half-way, from the journal.
func TestVerified(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		after []state.Entry // appended after the pending entry (id 1) and its armed record
		want  bool
	}{
		{name: "killed half-way"},
		{name: "session lost half-way", after: []state.Entry{{Ref: 1, Action: state.ActionTunnelOn, Result: state.ResultFailed, Error: "connection lost"}}},
		{name: "confirm refused", after: []state.Entry{{Ref: 1, Action: state.ActionConfirm, Result: state.ResultFailed}}},
		{name: "applied and verified", after: []state.Entry{{Ref: 1, Clears: 2, Action: state.ActionTunnelOn, Result: state.ResultApplied}}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &state.Store{Root: t.TempDir()}
			entries := append([]state.Entry{
				{Action: state.ActionTunnelOn, Pending: true, Deadline: deadline, Armed: &state.Armed{Schedule: true}},
				{Ref: 1, Clears: 1, Action: state.ActionTunnelOn, Deadline: deadline, RouterScheduleID: 1},
			}, tt.after...)
			for _, e := range entries {
				e.Host = "127.0.0.1"
				if _, err := store.Append(e); err != nil {
					t.Fatal(err)
				}
			}
			p, err := Find(store, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			got, err := Verified(store, p)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Verified = %t, want %t", got, tt.want)
			}
		})
	}
}
