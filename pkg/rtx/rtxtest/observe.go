package rtxtest

import (
	"slices"
	"sync"
)

// configObserver is the function given to [Router.ObserveConfig] and what it was last
// told.
type configObserver struct {
	mu       sync.Mutex // serialises reports so that they arrive in order; taken before Router.mu
	fn       func(running, saved []string)
	reported bool // fn was called at least once
	running  []string
	saved    []string
}

// ObserveConfig makes the router call fn with its running configuration and the saved
// configuration it runs (what [Router.RunningConfig] and [Router.SavedConfig] return):
// once before ObserveConfig returns, then whenever either differs from what fn was last
// given, checked at these points:
//
//   - before a console session writes each prompt, so a change made by a command
//     (including `save`, `load` and the save question of `exit`) is reported before the
//     client sees the next prompt;
//   - when a session ends (logout, login timer, drop, `restart`), before its connection
//     is closed;
//   - when a session waiting for input wakes because a schedule or rollback timer is
//     due, or because the clock moved ([Router.Advance]).
//
// Every logged-in session wakes on time for the router's schedules and rollback timers,
// so while any session is open a change they make is reported when it happens; one that
// falls due while no session is open is reported before the next session's first prompt.
//
// Calls of fn are serialised and made without the router's lock held: fn may call the
// router's methods but not ObserveConfig, and it delays the session that reports (the
// prompt waits for fn). The slices are fn's own. A nil fn stops observing; a call of a
// replaced fn already under way may still finish after ObserveConfig returns. Without an
// observer the sessions check nothing.
func (r *Router) ObserveConfig(fn func(running, saved []string)) {
	if fn == nil {
		r.observer.Store(nil)
		return
	}
	o := &configObserver{fn: fn}
	r.observer.Store(o)
	o.report(r)
}

// reportConfig tells the observer, if any, about a change of configuration. The caller
// does not hold r.mu.
func (r *Router) reportConfig() {
	if o := r.observer.Load(); o != nil {
		o.report(r)
	}
}

// report calls o.fn when r's configurations differ from the last ones reported (or
// were never reported).
func (o *configObserver) report(r *Router) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r.mu.Lock()
	r.tickLocked()
	running, saved := r.running.lines, r.saved[r.configNo].lines
	changed := !o.reported || !slices.Equal(running, o.running) || !slices.Equal(saved, o.saved)
	if changed {
		o.reported, o.running, o.saved = true, slices.Clone(running), slices.Clone(saved)
	}
	r.mu.Unlock()
	if changed {
		o.fn(slices.Clone(o.running), slices.Clone(o.saved))
	}
}
