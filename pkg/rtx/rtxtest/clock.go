package rtxtest

import (
	"strings"
	"time"
)

// now reads the fake clock. The caller holds r.mu.
func (r *Router) now() time.Time {
	return time.Now().Add(r.offset)
}

// Now returns the router's clock: the real time plus every [Router.Advance] so far (and
// the scenario's start time offset).
func (r *Router) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now()
}

// Advance moves the fake clock forward by d: due `schedule at` entries fire in time order,
// expired rollback timers restore their configuration, BGP neighbors waiting to
// re-establish see the new time, and sessions re-check their login timers.
func (r *Router) Advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.offset += d
	r.tickLocked()
	r.notifyLocked()
}

// notifyLocked wakes every session waiting for input, so it re-checks the clock and restarts.
func (r *Router) notifyLocked() {
	close(r.clockMove)
	r.clockMove = make(chan struct{})
}

// rollback is an armed `rollback timer` (or `load ... rollback-timer=`).
type rollback struct {
	snapshot *config
	deadline time.Time
}

// earliestLocked returns the earliest armed event: a schedule (ties go to the lower ID)
// or a session's rollback timer; at is zero when nothing is armed.
func (r *Router) earliestLocked() (at time.Time, sched *schedule, rb *session) {
	for _, sc := range r.schedules {
		if !sc.next.IsZero() && (at.IsZero() || sc.next.Before(at) || sc.next.Equal(at) && sched != nil && sc.id < sched.id) {
			at, sched = sc.next, sc
		}
	}
	for s, b := range r.rollbacks {
		if d := r.rollbackDeadline(s, b); at.IsZero() || d.Before(at) {
			at, sched, rb = d, nil, s
		}
	}
	return at, sched, rb
}

// tickLocked fires every schedule and rollback timer due by now, earliest first.
func (r *Router) tickLocked() {
	now := r.now()
	for {
		at, sched, rb := r.earliestLocked()
		switch {
		case at.IsZero() || at.After(now):
			return
		case sched != nil:
			r.fireLocked(sched, at)
		default:
			r.restoreLocked(rb, at)
		}
	}
}

// nextEventLocked returns when the next schedule or rollback timer is due; zero if none is armed.
func (r *Router) nextEventLocked() time.Time {
	at, _, _ := r.earliestLocked()
	return at
}

// rollbackDeadline is when a session's rollback timer restores the configuration: at its
// own deadline, or earlier when the session's login timer expires (for a dropped
// connection, the login timer counts from its last input).
func (r *Router) rollbackDeadline(s *session, rb *rollback) time.Time {
	if idle := s.lastInput.Add(r.loginTimer()); idle.Before(rb.deadline) {
		return idle
	}
	return rb.deadline
}

// restoreLocked expires the rollback timer of session s at fake time at: the running
// configuration goes back to the snapshot (and BGP is refreshed unless the variant says not).
func (r *Router) restoreLocked(s *session, at time.Time) {
	rb, ok := r.rollbacks[s]
	if !ok {
		return
	}
	delete(r.rollbacks, s)
	r.running = rb.snapshot.clone()
	r.dirty = !r.running.equal(r.saved[r.configNo])
	r.syncSchedules(at)
	if !r.sc.Variants.RollbackNoRefresh {
		r.refreshLocked(at)
	}
}

// rollbackCommand runs `rollback timer SECONDS` for session s.
func (r *Router) rollbackCommand(s *session, args []string, at time.Time) error {
	if len(args) == 0 || !strings.EqualFold(args[0], "timer") {
		return errKeyword
	}
	if len(args) != 2 {
		return errParamCount
	}
	n, err := intArg(args[1], 1, 21474836)
	if err != nil {
		return err
	}
	r.rollbacks[s] = &rollback{snapshot: r.running.clone(), deadline: at.Add(time.Duration(n) * time.Second)}
	return nil
}

// restartLocked restarts the router at fake time at: it boots from the default config
// file, which becomes the running configuration and the Config. file; BGP re-establishes,
// rollback timers are dropped and every session is disconnected.
func (r *Router) restartLocked(at time.Time) {
	r.configNo = r.bootNo
	if _, ok := r.saved[r.configNo]; !ok {
		r.saved[r.configNo] = &config{} // a Go scenario that names no text for it
	}
	r.running = r.saved[r.configNo].clone()
	r.dirty = false
	r.rollbacks = map[*session]*rollback{}
	r.bootTime = at
	r.restarts++
	r.schedules = map[int]*schedule{}
	r.syncSchedules(at)
	r.refreshLocked(at)
	r.notifyLocked()
	for _, sc := range r.schedules {
		if sc.startup {
			r.runScheduledLocked(sc.command, at, false)
		}
	}
}

// loginTimer is the idle logout time.
func (r *Router) loginTimer() time.Duration {
	if v, ok := r.running.get("login timer"); ok && len(v) > 0 {
		if n, err := intArg(v[0], 120, 21474836); err == nil {
			return time.Duration(n) * time.Second
		}
		return 300 * time.Second
	}
	if r.sc.LoginTimer > 0 {
		return time.Duration(r.sc.LoginTimer) * time.Second
	}
	return 300 * time.Second
}
