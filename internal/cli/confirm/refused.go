package confirm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// notConfirmedError is a refusal to confirm worded for the operator; it
// unwraps to the library's error.
type notConfirmedError struct {
	msg string
	err error
}

func (e *notConfirmedError) Error() string { return e.msg }

// Unwrap returns the library's error.
func (e *notConfirmedError) Unwrap() error { return e.err }

// notConfirmed explains a refusal to confirm the pending change p because
// the router runs neither it nor the configuration before it (err wraps an
// [*rtx.PendingChangedError]; res is what confirm did). verified says
// whether the journal records the run that made p as having finished it:
// when not, that run was cut off half-way and left a half-made change (exit
// status 10, the change is not kept); when it was, someone else changed the
// BGP lines since (exit status 1). The message says what the router runs
// and saves, what undoes the change by itself and when, and what to run
// next; router names the router in the commands to run.
func notConfirmed(p *pending.Change, router string, verified bool, res *rtx.ConfirmResult, err error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (journal entry %d) at %s was not confirmed and nothing was saved: ", p.Entry.Action, p.Entry.ID, p.Entry.Host)
	code := cli.ExitVerifyFailed
	if verified {
		code = cli.ExitFailure
		b.WriteString("the router's BGP configuration was changed after the change was made and verified (by hand, or by another tool); " +
			"router: running neither the change nor the configuration before it, and rtxctl saved nothing (whoever changed the lines may have saved them)")
	} else {
		b.WriteString("the run that made the change was cut off (killed, or its connection lost) in the middle of it, before the change was complete and verified; " +
			"router: running a half-made change (not saved), saved unchanged (the configuration before the change)")
	}
	net, armed := undoneBy(p, res)
	fmt.Fprintf(&b, "; %s; ", net)
	switch {
	case verified:
		fmt.Fprintf(&b, "find out who changed it, then run `rtxctl rollback %s` to put back the configuration before the change (this discards the other changes too)", router)
	default:
		fmt.Fprintf(&b, "run `rtxctl rollback %s` to undo it now, then make the change again", router)
	}
	if armed {
		b.WriteString(", or wait for the router's schedule")
	}
	var pe *rtx.PendingChangedError
	if errors.As(err, &pe) {
		b.WriteString("\nthe router runs, compared with the configuration before the change:")
		for _, l := range pe.Made() {
			b.WriteString("\n  " + l)
		}
	}
	return &cli.ExitError{Code: code, Err: &notConfirmedError{msg: b.String(), err: err}}
}

// undoneBy says what undoes the pending change p by itself and when, after
// confirm did res; armed reports that it is the router's schedule.
func undoneBy(p *pending.Change, res *rtx.ConfirmResult) (text string, armed bool) {
	deadline := p.Entry.Deadline.Local().Format(time.RFC3339)
	rb := p.Pending().ScheduledRollback
	switch {
	case res != nil && res.Disarmed:
		return fmt.Sprintf("the router's rollback schedule was removed just before the configuration changed, so nothing on the router undoes it: `rtxctl rollback --expired` does after %s", deadline), false
	case rb != nil && rb.Restart:
		return fmt.Sprintf("the router's schedule %d restarts it into the saved configuration at %s router time", rb.ID, rb.Deadline.Format(time.DateTime)), true
	case rb != nil:
		return fmt.Sprintf("the router's schedule %d restores the saved configuration at %s router time", rb.ID, rb.Deadline.Format(time.DateTime)), true
	}
	return fmt.Sprintf("nothing on the router undoes it: `rtxctl rollback --expired` does after %s", deadline), false
}
