package rollback

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/internal/cli"
)

// errNoLines is wrapped by the error of --to naming an entry that recorded
// no BGP lines.
var errNoLines = errors.New("no bgp lines recorded before it")

// restore puts back exactly the BGP lines recorded before journal entry
// --to, verifies and saves them, after backing up the configuration.
func (r *router) restore(ctx context.Context, sess cli.Session) (*Report, error) {
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
	res, err := r.journal().Restore(ctx, sess, to, backup, r.restoreOptions(), r.slack())
	if err != nil {
		return nil, fmt.Errorf("rollback --to %d at %s: %w", r.opts.To, r.host(), err)
	}
	r.logger.Info("restored", "host", r.host(), "to", to.ID, "changed", res.Changed, "saved", res.Saved)
	return &Report{Host: r.host(), JournalID: to.ID, Action: to.Action, Lines: to.Before, Changed: res.Changed, Saved: res.Saved}, nil
}
