package pending

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli"
)

// users answers `show status user` with the next of its tables, the last
// one for ever.
type users struct {
	tables []string
	reads  int
}

func (u *users) Run(_ context.Context, cmd string) (string, error) {
	if cmd != "show status user" {
		return "", fmt.Errorf("unexpected command %q", cmd)
	}
	t := u.tables[min(u.reads, len(u.tables)-1)]
	u.reads++
	return "   username        connection login time   idle       IP address\n" +
		"-------------------------------------------------------------------------------\n" + t, nil
}

func TestWaitIdle(t *testing.T) {
	t.Parallel()
	const (
		self  = "*+ rtxctl          ssh1       12/06 15:04  0:00:00    192.0.2.9\n"
		other = " + admin           telnet1    12/06 14:00  0:00:12    192.0.2.7\n"
		plain = "   admin           telnet1    12/06 14:00  0:00:12    192.0.2.7\n"
	)
	tests := []struct {
		name       string
		tables     []string
		wait       time.Duration
		wantReads  int
		wantWaited bool
		wantBusy   bool
		wantNotes  []string
	}{
		{name: "alone", tables: []string{self}, wait: time.Minute, wantReads: 1},
		{name: "another user not in administrator mode", tables: []string{self + plain}, wait: time.Minute, wantReads: 1},
		{name: "another administrator leaves", tables: []string{self + other, self + other, self}, wait: time.Minute, wantReads: 3, wantWaited: true,
			wantNotes: []string{"waiting up to 1m0s for another administrator session on the router to end: admin on telnet1 from 192.0.2.7 (logged in 12/06 14:00)"}},
		{name: "another administrator stays", tables: []string{other}, wait: 0, wantReads: 1, wantBusy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := &users{tables: tt.tables}
			var notes []string
			waited, err := WaitIdle(t.Context(), u, tt.wait, time.Millisecond, time.Now, func(format string, args ...any) {
				notes = append(notes, fmt.Sprintf(format, args...))
			})
			var busy *BusyError
			var exitErr *cli.ExitError
			if got := errors.As(err, &busy) && errors.As(err, &exitErr) && exitErr.Code == cli.ExitLocked; got != tt.wantBusy {
				t.Fatalf("WaitIdle() error = %v, want busy: %t", err, tt.wantBusy)
			}
			if !tt.wantBusy && err != nil {
				t.Fatal(err)
			}
			if waited != tt.wantWaited || u.reads != tt.wantReads {
				t.Errorf("WaitIdle() waited = %t after %d reads, want %t after %d", waited, u.reads, tt.wantWaited, tt.wantReads)
			}
			if diff := cmp.Diff(tt.wantNotes, notes); diff != "" {
				t.Errorf("notes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
