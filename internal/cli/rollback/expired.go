package rollback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/pending"
	"github.com/rtxctl/rtxctl/internal/state"
)

// runExpired undoes every pending change whose deadline has passed, router
// by router; a failing router does not stop the others. It prints nothing
// unless asked (-v, -o json) and logs every action.
func runExpired(ctx context.Context, opts *Options, store *state.Store, logger *slog.Logger) error {
	pending, warnings, err := store.AllPending()
	for _, w := range warnings {
		logger.Warn("journal", "warning", w.String())
	}
	if err != nil {
		return err
	}
	now := opts.Now()
	var (
		reports []*Report
		errs    []error
	)
	for _, e := range pending {
		if !e.Expired(now) {
			continue
		}
		rep, err := expire(ctx, opts, store, logger, e)
		if err != nil {
			logger.Error("rollback of an expired change failed", "host", e.Host, "entry", e.ID, "error", err)
			errs = append(errs, err)
			rep = &Report{Host: e.Host, JournalID: e.ID, Action: e.Action, Error: err.Error()}
		}
		reports = append(reports, rep)
		if ctx.Err() != nil {
			break
		}
	}
	if len(reports) == 0 && opts.Log.Verbose {
		fmt.Fprintln(opts.IO.ErrOut, "no pending change past its deadline")
	}
	if opts.Conn.Output == cli.OutputJSON {
		if reports == nil {
			reports = []*Report{}
		}
		if err := writeJSON(opts.IO.Out, expiredJSON{Routers: reports}); err != nil {
			errs = append(errs, err)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	// Several routers failed, perhaps for different reasons: exit status 1.
	return fmt.Errorf("%d routers failed:\n%s", len(errs), errors.Join(errs...).Error())
}

// expire undoes the expired pending change e, reaching its router with the
// recorded connection settings (a change without a record, whose router
// undoes it by its session rollback timer, is only recorded).
func expire(ctx context.Context, opts *Options, store *state.Store, logger *slog.Logger, e state.Entry) (*Report, error) {
	p, err := pending.Of(store, e)
	if err != nil {
		return nil, err
	}
	var target cli.Target
	if !p.Timer() {
		target = recordTarget(opts, p.Record)
	}
	r := &router{opts: opts, store: store, logger: logger, name: e.Host, key: e.RouterKey(), target: target, user: state.User{Login: target.User, Local: state.LocalUser()}, only: e.ID}
	rep, err := r.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Host, err)
	}
	return rep, nil
}

// recordTarget is how --expired reaches the router of rec: the recorded
// connection settings, with the password files of the config file when the
// router was named from it and is still there (the passwords themselves are
// never recorded; without files they come from the environment).
func recordTarget(opts *Options, rec *pending.Record) cli.Target {
	t := rec.Target(opts.Conn.Timeout)
	t.Debug = opts.Conn.Debug
	if rec.Router == "" || opts.Config == nil {
		return t
	}
	if h, err := opts.Config.Router(rec.Router); err == nil {
		t.PasswordFile, t.AdminPasswordFile = h.PasswordFile, h.AdminPasswordFile
	}
	return t
}

// expiredJSON is the `-o json` output of `rollback --expired`: one rollback
// report per router it handled.
type expiredJSON struct {
	Routers []*Report `json:"routers"`
}
