package progress

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx"
)

const peer = "10.10.50.254"

var (
	clock    = time.Date(2026, 12, 6, 15, 4, 5, 0, time.UTC)
	verified = 90 * time.Second
)

// establish is what the library reports while a neighbor comes back from
// Active and then advertises the default route (tunnel on).
func establish() []rtx.ProgressEvent {
	ev := func(kind rtx.ProgressKind, at time.Duration, n rtx.NeighborState, from string) rtx.ProgressEvent {
		return rtx.ProgressEvent{Kind: kind, Want: rtx.TunnelOn, Neighbor: n, From: from, Elapsed: at, Timeout: verified}
	}
	active := rtx.NeighborState{Address: peer, State: "Active"}
	up := rtx.NeighborState{Address: peer, State: "Established"}
	advertising := rtx.NeighborState{Address: peer, State: "Established", AdvertisesDefault: true}
	return []rtx.ProgressEvent{
		ev(rtx.ProgressState, 0, active, ""),
		ev(rtx.ProgressPoll, 0, active, ""),
		ev(rtx.ProgressPoll, 2*time.Second, active, ""),
		ev(rtx.ProgressState, 4*time.Second, up, "Active"),
		ev(rtx.ProgressPoll, 4*time.Second, up, ""),
		ev(rtx.ProgressRoute, 6*time.Second, advertising, ""),
		ev(rtx.ProgressPoll, 6*time.Second, rtx.NeighborState{}, ""),
		ev(rtx.ProgressDone, 6*time.Second, rtx.NeighborState{}, ""),
	}
}

// leftover is what a wait for an interrupted run's rollback timer reports.
func leftover() []rtx.ProgressEvent {
	timer := func(left time.Duration) *rtx.TimerWait {
		return &rtx.TimerWait{What: "the rollback timer of the interrupted tunnel-on (journal entry 1)",
			RouterDeadline: time.Date(2026, 12, 6, 10, 3, 0, 0, time.FixedZone("+09:00", 9*3600)), Left: left}
	}
	return []rtx.ProgressEvent{
		{Kind: rtx.ProgressPoll, Timer: timer(time.Minute), Timeout: 5 * time.Minute},
		{Kind: rtx.ProgressPoll, Timer: timer(59 * time.Second), Elapsed: time.Second, Timeout: 5 * time.Minute},
		{Kind: rtx.ProgressDone, Timer: timer(0), Elapsed: time.Minute, Timeout: 5 * time.Minute},
	}
}

// erase is what redraws the status line: carriage return, erase line.
const erase = "\r\x1b[2K"

// The status lines drawn on TERM=dumb, where shorter lines are padded.
const (
	dumbLong  = "waiting for the default route to be advertised to 10.10.50.254 … 4s of 1m30s"
	dumbShort = "every BGP neighbor agrees … 6s of 1m30s"
)

func TestReporter(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(key string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == key {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name   string
		opts   Options
		events []rtx.ProgressEvent
		want   string
	}{
		{
			name:   "terminal: one status line redrawn, erased at the end",
			opts:   Options{TTY: true},
			events: establish(),
			want: "waiting for BGP neighbor 10.10.50.254: Active → Established … 0s of 1m30s" +
				erase + "waiting for BGP neighbor 10.10.50.254: Active → Established … 2s of 1m30s" +
				erase + "waiting for the default route to be advertised to 10.10.50.254 … 4s of 1m30s" +
				erase + "every BGP neighbor agrees … 6s of 1m30s" +
				erase,
		},
		{
			name:   "terminal with colours",
			opts:   Options{TTY: true, Getenv: env("TERM", "xterm-256color")},
			events: establish()[1:2],
			want:   "waiting for BGP neighbor 10.10.50.254: \x1b[33mActive\x1b[0m → \x1b[32mEstablished\x1b[0m … 0s of 1m30s",
		},
		{
			name:   "NO_COLOR",
			opts:   Options{TTY: true, Getenv: env("TERM", "xterm-256color", "NO_COLOR", "1")},
			events: establish()[1:2],
			want:   "waiting for BGP neighbor 10.10.50.254: Active → Established … 0s of 1m30s",
		},
		{
			name:   "TERM=dumb: no colour, no erase sequence",
			opts:   Options{TTY: true, Getenv: env("TERM", "dumb")},
			events: establish()[3:],
			want: dumbLong + "\r" + dumbShort + strings.Repeat(" ", utf8.RuneCountInString(dumbLong)-utf8.RuneCountInString(dumbShort)) +
				"\r" + strings.Repeat(" ", utf8.RuneCountInString(dumbShort)) + "\r",
		},
		{
			name:   "narrow terminal: cut, never wrapped",
			opts:   Options{TTY: true, Width: 30, Getenv: env("TERM", "xterm-256color")},
			events: establish()[1:2],
			want:   "waiting for BGP neighbor 10.1",
		},
		{
			name:   "terminal: leftover timer",
			opts:   Options{TTY: true},
			events: leftover(),
			want: "waiting for the rollback timer of the interrupted tunnel-on (journal entry 1) to run out at 10:03:00 router time: 1m0s left … 0s of 5m0s" +
				erase + "waiting for the rollback timer of the interrupted tunnel-on (journal entry 1) to run out at 10:03:00 router time: 59s left … 1s of 5m0s" +
				erase,
		},
		{
			name:   "not a terminal: nothing",
			events: establish(),
		},
		{
			name:   "quiet: nothing",
			opts:   Options{TTY: true, Quiet: true},
			events: establish(),
		},
		{
			name:   "verbose: timestamped changes",
			opts:   Options{Verbose: true},
			events: establish(),
			want: "2026-12-06T15:04:05Z BGP neighbor 10.10.50.254: Active (0s of 1m30s)\n" +
				"2026-12-06T15:04:05Z BGP neighbor 10.10.50.254: Active → Established (4s of 1m30s)\n" +
				"2026-12-06T15:04:05Z default route advertised to 10.10.50.254 (6s of 1m30s)\n" +
				"2026-12-06T15:04:05Z BGP agrees after 6s\n",
		},
		{
			name: "verbose on a terminal: lines, no status line; a withdrawal and a timeout",
			opts: Options{TTY: true, Verbose: true},
			events: []rtx.ProgressEvent{
				{Kind: rtx.ProgressRoute, Want: rtx.TunnelOff, Neighbor: rtx.NeighborState{Address: peer, State: "Established"}, Elapsed: 2 * time.Second, Timeout: verified},
				{Kind: rtx.ProgressPoll, Want: rtx.TunnelOff, Neighbor: rtx.NeighborState{Address: peer, State: "Established", AdvertisesDefault: true}, Timeout: verified},
				{Kind: rtx.ProgressDone, Want: rtx.TunnelOff, Elapsed: verified, Timeout: verified, Err: context.DeadlineExceeded},
			},
			want: "2026-12-06T15:04:05Z default route withdrawn from 10.10.50.254 (2s of 1m30s)\n" +
				"2026-12-06T15:04:05Z stopped waiting after 1m30s\n",
		},
		{
			name:   "debug: every reading too",
			opts:   Options{Debug: true},
			events: append(establish()[:3], leftover()[1:]...),
			want: "2026-12-06T15:04:05Z BGP neighbor 10.10.50.254: Active (0s of 1m30s)\n" +
				"2026-12-06T15:04:05Z waiting for BGP neighbor 10.10.50.254: Active → Established (0s of 1m30s)\n" +
				"2026-12-06T15:04:05Z waiting for BGP neighbor 10.10.50.254: Active → Established (2s of 1m30s)\n" +
				"2026-12-06T15:04:05Z waiting for the rollback timer of the interrupted tunnel-on (journal entry 1) to run out at 10:03:00 router time: 59s left (1s of 5m0s)\n" +
				"2026-12-06T15:04:05Z the rollback timer of the interrupted tunnel-on (journal entry 1) has run out\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w bytes.Buffer
			opts := tt.opts
			opts.Now = func() time.Time { return clock }
			r := New(&w, opts)
			if p := r.Progress(); p != nil {
				for _, ev := range tt.events {
					p(ev)
				}
			}
			if diff := cmp.Diff(tt.want, w.String()); diff != "" {
				t.Errorf("drawn mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProgressNilWhenOff(t *testing.T) {
	t.Parallel()
	for _, opts := range []Options{{}, {TTY: true, Quiet: true}} {
		if New(&bytes.Buffer{}, opts).Progress() != nil {
			t.Errorf("New(%+v).Progress() is not nil", opts)
		}
	}
}

func TestClear(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	r := New(&w, Options{TTY: true})
	r.Clear()
	r.Report(establish()[1])
	r.Clear()
	r.Clear()
	want := "waiting for BGP neighbor 10.10.50.254: Active → Established … 0s of 1m30s\r\x1b[2K"
	if diff := cmp.Diff(want, w.String()); diff != "" {
		t.Errorf("drawn mismatch (-want +got):\n%s", diff)
	}
}
