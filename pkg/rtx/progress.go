package rtx

import "time"

// ProgressKind says what a [ProgressEvent] reports.
type ProgressKind int

// ProgressKind values.
const (
	// ProgressPoll is one reading while waiting: of the neighbors during a
	// verification, of the router clock during a timer wait. Callers
	// usually show it only when debugging.
	ProgressPoll ProgressKind = iota + 1
	// ProgressState reports a neighbor's BGP state read for the first time
	// (From is "") or changed (Idle → Active → Established).
	ProgressState
	// ProgressRoute reports that the default route appeared in, or was
	// withdrawn from, the routes advertised to a neighbor.
	ProgressRoute
	// ProgressDone reports that the wait is over; Err says how it ended.
	ProgressDone
)

// ProgressEvent is one report of a wait: the verification of
// [ApplyTunnel] (and so of [RestoreBGP] and [RollbackPending]) or a wait for
// a rollback timer to run out ([TimerWait]).
type ProgressEvent struct {
	// Kind says what is reported.
	Kind ProgressKind
	// Want is the state a verification waits for; "" for a timer wait.
	Want TunnelState
	// Neighbor is the neighbor the event is about. For a ProgressPoll of a
	// verification it is the first neighbor not yet in the wanted state
	// (zero when all are).
	Neighbor NeighborState
	// From is the neighbor's BGP state before a ProgressState ("" at its
	// first reading; "" is also an unknown state in Neighbor.State).
	From string
	// Timer is the timer waited for; nil during a verification.
	Timer *TimerWait
	// Elapsed is the time since the wait began, Timeout its bound.
	Elapsed time.Duration
	Timeout time.Duration
	// Err is how a ProgressDone wait ended: nil when what was waited for
	// happened, else the cause (context.DeadlineExceeded for a timeout).
	Err error
}

// TimerWait describes a rollback timer left on the router that a run waits
// to run out.
type TimerWait struct {
	// What names the timer for an operator, e.g. "the rollback timer of
	// the interrupted tunnel-on (journal entry 1)".
	What string
	// RouterDeadline is when it runs out on the router clock; zero when
	// only the controller clock knows (then see Deadline).
	RouterDeadline time.Time
	// Deadline is when it runs out on the controller clock.
	Deadline time.Time
	// Left is the time still to wait at this reading.
	Left time.Duration
}

// Progress receives the events of a wait, in order, on the goroutine of
// the call that waits; it must not block for long. A nil Progress reports
// nothing.
type Progress func(ProgressEvent)

// Report calls p with ev when p is not nil.
func (p Progress) Report(ev ProgressEvent) {
	if p != nil {
		p(ev)
	}
}

// verifyWatch turns the neighbor readings of one verification into
// progress events: what changed since the previous reading, then the poll.
type verifyWatch struct {
	progress Progress
	want     TunnelState
	timeout  time.Duration
	start    time.Time
	now      func() time.Time
	last     map[string]NeighborState
}

func newVerifyWatch(p Progress, want TunnelState, timeout time.Duration, now func() time.Time) *verifyWatch {
	return &verifyWatch{progress: p, want: want, timeout: timeout, start: now(), now: now, last: map[string]NeighborState{}}
}

// event fills in what every event of the verification carries.
func (w *verifyWatch) event(kind ProgressKind, n NeighborState) ProgressEvent {
	return ProgressEvent{Kind: kind, Want: w.want, Neighbor: n, Elapsed: w.now().Sub(w.start), Timeout: w.timeout}
}

// poll reports one reading of the neighbors; waiting is the first one not
// yet in the wanted state (nil when all are).
func (w *verifyWatch) poll(states []NeighborState, waiting *NeighborState) {
	if w.progress == nil {
		return
	}
	for _, n := range states {
		prev, seen := w.last[n.Address]
		if !seen || prev.State != n.State {
			ev := w.event(ProgressState, n)
			ev.From = prev.State
			w.progress(ev)
		}
		if seen && prev.AdvertisesDefault != n.AdvertisesDefault {
			w.progress(w.event(ProgressRoute, n))
		}
		w.last[n.Address] = n
	}
	ev := w.event(ProgressPoll, NeighborState{})
	if waiting != nil {
		ev.Neighbor = *waiting
	}
	w.progress(ev)
}

// done reports the end of the verification.
func (w *verifyWatch) done(err error) {
	ev := w.event(ProgressDone, NeighborState{})
	ev.Err = err
	w.progress.Report(ev)
}
