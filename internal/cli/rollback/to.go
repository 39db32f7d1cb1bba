package rollback

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/internal/cli/status"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// errNoLines is wrapped by the error of --to naming an entry that recorded
// no BGP lines.
var errNoLines = errors.New("no bgp lines recorded before it")

// restore puts back exactly the BGP lines recorded before journal entry
// --to, verifies and saves them, after backing up the configuration.
func (r *router) restore(ctx context.Context, sess status.Session) (*Report, error) {
	to, _, err := r.store.Entry(r.key, r.opts.To)
	if err == nil && len(to.Before) == 0 {
		err = errNoLines
	}
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	configText, err := sess.Run(ctx, "show config")
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: read the configuration: %w", r.opts.To, r.host(), err)
	}
	// The backup holds the router's console settings, not the session's.
	backup, err := r.store.Backup(r.key, sess.Client.RouterConsole(configText))
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	w, err := r.writeAhead(ctx, sess, state.Entry{Ref: to.ID, After: to.Before, Backup: backup})
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	res, err := rtx.RestoreBGP(ctx, sess, to.Before, r.restoreOptions())
	e := state.Entry{Ref: to.ID, Clears: clears(w, err), Host: r.host(), Router: r.key, User: r.user, Action: state.ActionRollback, After: to.Before, Backup: backup, Result: state.ResultApplied}
	if res != nil && res.Plan != nil {
		e.Before, e.Commands, e.Saved = res.Plan.Before, res.Plan.Steps(), res.Saved
		if res.Plan.NoOp() {
			e.Result = state.ResultNoChange
		}
	}
	if err != nil {
		e.Result, e.Error = state.ResultFailed, err.Error()
	}
	if _, jerr := r.store.Append(e); jerr != nil {
		err = errors.Join(err, fmt.Errorf("write the journal: %w", jerr))
	}
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	r.logger.Info("restored", "host", r.host(), "to", to.ID, "changed", res.Changed, "saved", res.Saved)
	return &Report{Host: r.host(), JournalID: to.ID, Action: to.Action, Lines: to.Before, Changed: res.Changed, Saved: res.Saved}, nil
}
