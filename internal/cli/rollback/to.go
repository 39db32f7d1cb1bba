package rollback

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// errNoLines is wrapped by the error of --to naming an entry that recorded
// no BGP lines.
var errNoLines = errors.New("no bgp lines recorded before it")

// restore puts back exactly the BGP lines recorded before journal entry
// --to, verifies and saves them, after backing up the configuration.
func (r *router) restore(ctx context.Context, sess cli.Session) (*Report, error) {
	to, err := r.entry()
	if err != nil {
		return nil, err
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
	res, err := r.journal().Restore(ctx, sess, to, backup, r.restoreOptions(), r.slack())
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	r.logger.Info("restored", "host", r.host(), "to", to.ID, "changed", res.Changed, "saved", res.Saved)
	return &Report{Host: r.host(), JournalID: to.ID, Action: to.Action, Lines: to.Before, Changed: res.Changed, Saved: res.Saved}, nil
}

// preview shows what --to would restore (--dry-run): the plan from the
// running BGP lines to those recorded before the entry. It reads the
// journal and `show config` only, and says when a pending change would be
// rolled back first.
func (r *router) preview(ctx context.Context) (*Report, error) {
	to, err := r.entry()
	if err != nil {
		return nil, err
	}
	client, done, err := r.opts.Conn.OpenAdmin(ctx, r.opts.Connect, r.target)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := done(); cerr != nil {
			r.notef("warning: %v", cerr)
		}
	}()
	configText, err := cli.Session{Client: client, Timeout: r.target.Timeout}.Run(ctx, "show config")
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: read the configuration: %w", r.opts.To, r.host(), err)
	}
	sc, err := rtx.ParseShowConfig(configText)
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: read the configuration: %w", r.opts.To, r.host(), err)
	}
	plan, err := rtx.PlanRestore(sc.BGP(), to.Before, r.restoreOptions())
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	if p, err := pending.Find(r.store, r.key); err == nil {
		r.notef("dry run: %s (journal entry %d) is pending and would be rolled back first", p.Entry.Action, p.Entry.ID)
	}
	if plan.NoOp() {
		r.notef("dry run: the lines recorded before journal entry %d already run at %s: nothing would be sent", to.ID, r.host())
	} else {
		r.notef("dry run: nothing was sent; rtxctl rollback --to %d restores these lines, verifies and saves them", to.ID)
	}
	return &Report{Host: r.host(), JournalID: to.ID, Action: to.Action, Lines: plan.Before, DryRun: true, Plan: plan}, nil
}

// entry returns the journal entry --to names; it must have recorded the
// BGP lines from before it.
func (r *router) entry() (state.Entry, error) {
	to, _, err := r.store.Entry(r.key, r.opts.To)
	if err == nil && len(to.Before) == 0 {
		err = errNoLines
	}
	if err != nil {
		return state.Entry{}, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	return to, nil
}
