package pending

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Journal is one router's journal as a run writes it: the router's key,
// the router as the user named it, who runs, and the clock. The commands
// confirm and roll back pending changes through it, so that what is recorded
// for each outcome is decided here.
type Journal struct {
	Store *state.Store
	// Key names the router's records (see [state.Store.Key]); Host is
	// the router as named, for the entries.
	Key, Host string
	User      state.User
	// Now is the controller clock; nil means time.Now.
	Now func() time.Time
}

func (j *Journal) now() time.Time {
	if j.Now == nil {
		return time.Now()
	}
	return j.Now()
}

// append adds e with the journal's router and user.
func (j *Journal) append(e state.Entry) (int, error) {
	e.Host, e.Router, e.User = j.Host, j.Key, j.User
	id, err := j.Store.Append(e)
	if err != nil {
		return 0, fmt.Errorf("write the journal: %w", err)
	}
	return id, nil
}

// WriteAhead appends e (a rollback of the entry e.Ref) before a restore
// that may arm a session `rollback timer` of timer on the router r, with
// that timer read from r's clock (see [TimerArmed]; slack bounds the
// commands up to the arming), so that a later run waits for the timer if
// this one is cut off.
func (j *Journal) WriteAhead(ctx context.Context, r rtx.Commander, e state.Entry, timer, slack time.Duration) (state.Entry, error) {
	armed, err := TimerArmed(ctx, r, timer, slack, j.now)
	if err != nil {
		return e, fmt.Errorf("read the router clock: %w", err)
	}
	e.Action, e.Armed = state.ActionRollback, armed
	if e.ID, err = j.append(e); err != nil {
		return e, err
	}
	e.Host, e.Router, e.User = j.Host, j.Key, j.User
	return e, nil
}

// clears returns the id of the write-ahead entry w for the outcome of a
// restore that failed with err (nil on success): 0 when its rollback timer
// may still run.
func clears(w state.Entry, err error) int {
	if TimerLeft(err, true) {
		return 0
	}
	return w.ID
}

// Confirm makes the pending change p final on the router r
// ([rtx.ConfirmPending]) and records the outcome: confirmed; expired-reverted
// when the router had already undone it (the error matches
// [rtx.ErrAlreadyUndone]); or failed, still pending.
func (j *Journal) Confirm(ctx context.Context, r rtx.ConfigSession, p *Change) (*rtx.ConfirmResult, error) {
	res, err := rtx.ConfirmPending(ctx, r, p.Pending())
	e := state.Entry{Ref: p.Entry.ID, Action: state.ActionConfirm}
	switch {
	case errors.Is(err, rtx.ErrAlreadyUndone):
		e.Action, e.Result, e.State = state.ActionRollback, state.ResultReverted, state.StateExpiredReverted
	case err != nil:
		e.Result, e.Error = state.ResultFailed, err.Error()
	default:
		e.Result, e.Saved, e.State = state.ResultApplied, true, state.StateConfirmed
	}
	if _, jerr := j.append(e); jerr != nil {
		err = errors.Join(err, jerr)
	}
	return res, err
}

// Rollback undoes the pending change p on the router r now
// ([rtx.RollbackPending] with opts, after writing ahead the rollback timer
// it arms, see [Journal.WriteAhead]) and records the outcome: rolled-back,
// or expired-reverted once p's deadline has passed; failed, still pending,
// when the restore failed. It returns the new state.
func (j *Journal) Rollback(ctx context.Context, r rtx.ConfigSession, p *Change, opts rtx.RestoreOptions, slack time.Duration) (*rtx.RollbackResult, state.State, error) {
	w, err := j.WriteAhead(ctx, r, state.Entry{Ref: p.Entry.ID}, opts.Apply.RollbackTimer, slack)
	if err != nil {
		return nil, "", err
	}
	res, err := rtx.RollbackPending(ctx, r, p.Pending(), opts)
	e := state.Entry{Ref: p.Entry.ID, Clears: clears(w, err), Action: state.ActionRollback, Before: p.Entry.After, After: p.Entry.Before}
	if res != nil && res.Restore != nil && res.Restore.Plan != nil {
		e.Commands = res.Restore.Plan.Steps()
	}
	switch {
	case err != nil:
		e.Result, e.Error = state.ResultFailed, err.Error()
	case res.AlreadyUndone():
		e.Result, e.Commands = state.ResultNoChange, nil
	default:
		e.Result = state.ResultReverted
	}
	if err == nil {
		e.State = state.StateRolledBack
		if p.Entry.Expired(j.now()) {
			e.State = state.StateExpiredReverted
		}
	}
	if _, jerr := j.append(e); jerr != nil {
		err = errors.Join(err, jerr)
	}
	return res, e.State, err
}

// Restore puts back exactly the BGP lines recorded before journal entry to
// on the router r ([rtx.RestoreBGP] with opts, which saves), after writing
// ahead the rollback timer it arms, and records it as a rollback referring
// to entry to, with the backup taken before.
func (j *Journal) Restore(ctx context.Context, r rtx.ConfigSession, to state.Entry, backup string, opts rtx.RestoreOptions, slack time.Duration) (*rtx.ApplyResult, error) {
	w, err := j.WriteAhead(ctx, r, state.Entry{Ref: to.ID, After: to.Before, Backup: backup}, opts.Apply.RollbackTimer, slack)
	if err != nil {
		return nil, err
	}
	res, err := rtx.RestoreBGP(ctx, r, to.Before, opts)
	e := state.Entry{Ref: to.ID, Clears: clears(w, err), Action: state.ActionRollback, After: to.Before, Backup: backup, Result: state.ResultApplied}
	if res != nil && res.Plan != nil {
		e.Before, e.Commands, e.Saved = res.Plan.Before, res.Plan.Steps(), res.Saved
		if res.Plan.NoOp() {
			e.Result = state.ResultNoChange
		}
	}
	if err != nil {
		e.Result, e.Error = state.ResultFailed, err.Error()
	}
	if _, jerr := j.append(e); jerr != nil {
		err = errors.Join(err, jerr)
	}
	return res, err
}
