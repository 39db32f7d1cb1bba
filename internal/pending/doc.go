// Package pending owns the life of a change to a router across runs of
// rtxctl: what a run writes ahead in the journal before it arms anything on
// the router ([TimerArmed], [ScheduleArmed]), and what the next run does
// about a run that was cut off ([Recovery]): it inspects the router, then
// waits for the leftover session rollback timer to run out or removes the
// leftover schedule entry, before anything is changed or saved.
//
// The commands (tunnel, confirm, rollback) parse flags, call this package
// and print; the journal itself is package state.
package pending
