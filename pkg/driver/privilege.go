package driver

import (
	"context"
	"fmt"
	"regexp"
)

// Escalate enters level to from the current level, which must be to's
// Previous. If the device asks to.PasswordPrompt, password is sent as a
// secret (an empty password sends an empty line). Success is decided by the
// prompt alone: to's prompt means success; the old prompt or a repeated
// password question means the password was rejected ([ErrBadPassword]), or,
// if no password was asked, that the device refused the command.
//
// Every failure is a [*PrivilegeError]. ctx bounds the whole exchange.
func (d *Driver) Escalate(ctx context.Context, to, password string) error {
	from := d.level
	fail := func(err error) error { return &PrivilegeError{From: from, To: to, Err: err} }
	lvl, err := d.p.level(to)
	if err != nil {
		return fail(err)
	}
	if lvl.Name == from {
		return nil
	}
	if lvl.Previous != from {
		return fail(fmt.Errorf("%s is entered from %s, not from %s", to, lvl.Previous, from))
	}
	if password != "" {
		d.ch.Redact(password)
	}
	if err := d.resync(ctx); err != nil {
		return fail(err)
	}
	if err := d.ch.WriteLine(ctx, lvl.Escalate); err != nil {
		return fail(err)
	}
	var extra []*regexp.Regexp
	if lvl.PasswordPrompt != nil {
		extra = append(extra, lvl.PasswordPrompt)
	}
	r, err := d.await(ctx, lvl.Escalate, extra...)
	if err != nil {
		d.cutShort(lvl.Escalate, err)
		return fail(err)
	}
	asked := r.extra == 0
	if asked {
		if err := d.ch.WriteSecret(ctx, password); err != nil {
			return fail(err)
		}
		if r, err = d.await(ctx, "", extra...); err != nil {
			d.cutShort(lvl.Escalate, err)
			return fail(err)
		}
		if r.extra == 0 {
			// Asked again: give up without guessing, and leave the question
			// with an empty answer so the session returns to a prompt.
			return fail(d.abandon(ctx, extra...))
		}
	}
	d.setLevel(r.level.Name)
	if r.level.Name == to {
		return nil
	}
	if _, msg := d.output(lvl.Escalate, r.text); !asked && msg != "" {
		return fail(&CommandError{Command: lvl.Escalate, Output: r.text, Message: msg})
	}
	if asked {
		return fail(ErrBadPassword)
	}
	return fail(fmt.Errorf("%q did not change the prompt", lvl.Escalate))
}

// abandonTries bounds how often a repeated password question is answered
// with an empty line before the session is given up.
const abandonTries = 3

// abandon answers repeated password questions with empty lines until a
// prompt appears, and returns ErrBadPassword (or a read error).
func (d *Driver) abandon(ctx context.Context, extra ...*regexp.Regexp) error {
	for range abandonTries {
		if err := d.ch.WriteLine(ctx, ""); err != nil {
			return fmt.Errorf("%w; then: %w", ErrBadPassword, err)
		}
		r, err := d.await(ctx, "", extra...)
		if err != nil {
			return fmt.Errorf("%w; then: %w", ErrBadPassword, err)
		}
		if r.level != nil {
			d.setLevel(r.level.Name)
			return ErrBadPassword
		}
	}
	return fmt.Errorf("%w; still asked for a password after %d empty answers", ErrBadPassword, abandonTries)
}

// Deescalate returns from the current level to its Previous level with the
// level's Deescalate command, answering platform questions (such as a save
// confirmation) on the way. Failure is a [*PrivilegeError].
func (d *Driver) Deescalate(ctx context.Context) error {
	from := d.level
	lvl, err := d.p.level(from)
	if err != nil {
		return &PrivilegeError{From: from, Err: err}
	}
	fail := func(err error) error { return &PrivilegeError{From: from, To: lvl.Previous, Err: err} }
	if lvl.Previous == "" || lvl.Deescalate == "" {
		return fail(fmt.Errorf("%s is the lowest level", from))
	}
	if err := d.resync(ctx); err != nil {
		return fail(err)
	}
	if err := d.ch.WriteLine(ctx, lvl.Deescalate); err != nil {
		return fail(err)
	}
	r, err := d.await(ctx, lvl.Deescalate)
	if err != nil {
		d.cutShort(lvl.Deescalate, err)
		return fail(err)
	}
	d.setLevel(r.level.Name)
	if r.level.Name != lvl.Previous {
		if _, msg := d.output(lvl.Deescalate, r.text); msg != "" {
			return fail(&CommandError{Command: lvl.Deescalate, Output: r.text, Message: msg})
		}
		return fail(fmt.Errorf("%q left the session at %s", lvl.Deescalate, r.level.Name))
	}
	return nil
}
