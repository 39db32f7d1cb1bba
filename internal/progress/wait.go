package progress

import "time"

// Waiting shows one reading of a wait the library does not report through
// [Reporter.Progress], such as the wait for Azure: what says what is waited
// for and still missing, elapsed how long the wait has lasted, timeout its
// bound (0: none).
//
// On a terminal the status line becomes "what … 12s of 2m0s"; -v writes
// "what (12s of 2m0s)" as a timestamped line when what differs from the
// previous reading's, --debug one line every reading; -q, or standard
// error that is not a terminal, shows nothing. End the wait with
// [Reporter.Finish].
func (r *Reporter) Waiting(what string, elapsed, timeout time.Duration) {
	took := sofar(elapsed, timeout)
	switch {
	case r.mode == status:
		line := what + " … " + took
		r.draw(line, line)
	case r.mode == debug, r.mode == lines && what != r.waitingFor:
		r.stamp(what + " (" + took + ")")
	}
	r.waitingFor = what
}

// Finish ends a wait shown with [Reporter.Waiting]: on a terminal the
// status line is erased; -v and --debug write outcome, how the wait ended,
// as a timestamped line; otherwise nothing is shown. The first reading of
// the next wait is shown as new.
func (r *Reporter) Finish(outcome string) {
	switch r.mode {
	case status:
		r.Clear()
	case lines, debug:
		r.stamp(outcome)
	}
	r.waitingFor = ""
}
