package rtx

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

// ErrNoScheduledRollback is matched (errors.Is) by a [NoScheduledRollbackError]:
// the router cannot undo a change by itself, only the controller can.
var ErrNoScheduledRollback = errors.New("no on-router rollback")

// NoScheduledRollbackError reports why [ArmScheduledRollback] cannot arm an
// on-router rollback. Nothing was changed.
type NoScheduledRollbackError struct {
	// Model and Revision are the firmware, as `show environment` says.
	Model    string
	Revision string
	// Reason says what is missing.
	Reason string
	// Err is the router's answer when it refused the `schedule at`
	// command; nil when the firmware table decided.
	Err error
}

// Error names the firmware and the reason.
func (e *NoScheduledRollbackError) Error() string {
	msg := fmt.Sprintf("no on-router rollback on %s Rev.%s: %s", e.Model, e.Revision, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes a NoScheduledRollbackError match [ErrNoScheduledRollback].
func (e *NoScheduledRollbackError) Is(target error) bool { return target == ErrNoScheduledRollback }

// Unwrap returns the router's answer, if any.
func (e *NoScheduledRollbackError) Unwrap() error { return e.Err }

// ErrUnsavedChanges is matched (errors.Is) by an [UnsavedChangesError].
var ErrUnsavedChanges = errors.New("running configuration differs from the saved one")

// UnsavedChangesError reports that the running configuration has changes
// that are not saved: a scheduled `load` or `restart` would discard them
// too, so [ArmScheduledRollback] refuses. Nothing was changed.
type UnsavedChangesError struct {
	// ConfigFile is the saved configuration compared with.
	ConfigFile int
	// Diff lists the differing lines: "- " only saved, "+ " only running.
	Diff []string
}

// Error lists the differing lines.
func (e *UnsavedChangesError) Error() string {
	return fmt.Sprintf("running configuration differs from saved config %d (save or undo these changes first):\n%s",
		e.ConfigFile, strings.Join(e.Diff, "\n"))
}

// Is makes an UnsavedChangesError match [ErrUnsavedChanges].
func (e *UnsavedChangesError) Is(target error) bool { return target == ErrUnsavedChanges }

// ArmOptions tunes [ArmScheduledRollback].
type ArmOptions struct {
	// After is how long from now the router undoes the change. When 0,
	// Deadline is used.
	After time.Duration
	// Deadline is the controller time at which the router undoes the
	// change; used when After is 0. One of After and Deadline must lie in
	// the future.
	Deadline time.Time
	// AllowRestart allows a scheduled `restart` (a full reboot into the
	// saved configuration) when the firmware cannot run `load` from a
	// schedule. false means such firmware gets a [NoScheduledRollbackError],
	// and so does a router that boots from another saved configuration
	// than the one it runs (a restart would not bring back the running
	// one).
	AllowRestart bool
	// Now is the controller clock; nil means time.Now.
	Now func() time.Time
}

func (o ArmOptions) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// ScheduledRollback is an armed on-router rollback: a `schedule at` entry that
// restores the saved configuration at the deadline. It is a plain value the
// caller records (it marshals to JSON) to disarm the entry later.
type ScheduledRollback struct {
	// ID is the schedule ID.
	ID int `json:"id"`
	// Command is the scheduled command: `load N difference silent` or
	// `restart`.
	Command string `json:"command"`
	// Line is the `schedule at` command that armed it.
	Line string `json:"line"`
	// Restart reports that the router reboots at the deadline.
	Restart bool `json:"restart"`
	// Relative reports the `+SECONDS` form; otherwise an absolute
	// `MONTH/DAY hh:mm:ss` in the router's clock.
	Relative bool `json:"relative"`
	// Deadline is when the entry fires, in the router's clock and zone.
	Deadline time.Time `json:"deadline"`
	// Skew is how far the router clock was ahead of the controller clock
	// when armed (negative when behind), to a second.
	Skew time.Duration `json:"skew"`
}

// Commands sent to arm the rollback.
const (
	cmdShowConfig  = "show config"
	cmdRestart     = "restart"
	relativeFormat = "schedule at %d +%d * %s"
	absoluteFormat = "schedule at %d %d/%d %02d:%02d:%02d * %s"
)

func cmdShowSavedConfig(n int) string { return "show config " + strconv.Itoa(n) }

// cmdLoadSaved restores saved config n: only the differing lines are
// changed (less disruption than replacing the whole configuration), no
// output, and `bgp configure refresh` runs automatically.
func cmdLoadSaved(n int) string { return fmt.Sprintf("load %d difference silent", n) }

// ArmScheduledRollback arms a dead-man switch on the router: a `schedule at`
// entry that, at the deadline, puts back the saved configuration, so that a
// change made afterwards and left unsaved is undone even when the
// controller is gone. The router must be in administrator mode.
//
//  1. It reads `show environment` (in English, see [StatusRunner]):
//     firmware revision, router clock, the config file the router runs
//     and `save` writes (N, `Config. file:`) and the one it boots from
//     (`Default config. file:`).
//  2. It chooses the command from [FirmwareScheduleSupport]: `load N
//     difference silent` (which refreshes BGP by itself), else `restart`
//     when opts.AllowRestart and the router boots from config N, else a
//     [*NoScheduledRollbackError] (a restart into another configuration
//     would not undo the change, it would replace the whole
//     configuration).
//  3. It compares `show config` with `show config N`, ignoring `console
//     lines` and `console columns` (the session's own settings): any other
//     difference is an [*UnsavedChangesError], because the scheduled command
//     would discard it too. (`show config difference` is not used: its
//     output format is not known.)
//  4. It takes the lowest unused schedule ID and arms `schedule at ID
//     +SECONDS * CMD` when the deadline is at most an hour away and the
//     firmware may have that form (an error line falls back), else
//     `schedule at ID MONTH/DAY hh:mm:ss * CMD` computed from the router
//     clock, so controller clock skew does not move the deadline.
//  5. It reads the schedules back and checks the entry is there (and, for
//     the absolute form, that the router clock has not passed it yet).
//
// Never save the configuration while the entry is armed: disarm it first
// ([DisarmScheduledRollback], [ConfirmPending]).
func ArmScheduledRollback(ctx context.Context, r Commander, opts ArmOptions) (*ScheduledRollback, error) {
	rb, err := armScheduledRollback(ctx, r, opts)
	if err != nil {
		return nil, fmt.Errorf("arm on-router rollback: %w", err)
	}
	return rb, nil
}

func armScheduledRollback(ctx context.Context, r Commander, opts ArmOptions) (*ScheduledRollback, error) {
	env, err := ReadEnvironment(ctx, r)
	if err != nil {
		return nil, err
	}
	read := opts.now()
	deadline := opts.Deadline
	if opts.After != 0 {
		deadline = read.Add(opts.After)
	}
	if !deadline.After(read) {
		return nil, fmt.Errorf("deadline %s is not in the future: %w", deadline.Format(time.RFC3339), ErrInvalidOption)
	}
	rb := &ScheduledRollback{Skew: ClockSkew(env.Now, read)}
	support := FirmwareScheduleSupport(env.Revision)
	switch {
	case support.ScheduledLoad == Supported:
		rb.Command = cmdLoadSaved(env.ConfigFile)
	case opts.AllowRestart && env.BootConfig != env.ConfigFile:
		return nil, &NoScheduledRollbackError{Model: env.Model, Revision: env.Revision,
			Reason: fmt.Sprintf("the firmware cannot run load from schedule at, and a scheduled restart would boot config %d, not config %d that the router runs and saves to",
				env.BootConfig, env.ConfigFile)}
	case opts.AllowRestart:
		rb.Command, rb.Restart = cmdRestart, true
	default:
		return nil, &NoScheduledRollbackError{Model: env.Model, Revision: env.Revision,
			Reason: "the firmware cannot run load from schedule at, and a scheduled restart was not allowed"}
	}
	schedules, err := checkSaved(ctx, r, env.ConfigFile)
	if err != nil {
		return nil, err
	}
	if rb.ID = FreeScheduleID(schedules); rb.ID == 0 {
		return nil, &NoScheduledRollbackError{Model: env.Model, Revision: env.Revision, Reason: "every schedule id is in use"}
	}
	// The router deadline is the router reading plus the time left at that
	// reading, whatever the controller clock says. The reading is truncated
	// to the second, so one second is added: the router never fires early.
	rb.Deadline = ceilSecond(env.Now.Add(time.Second + deadline.Sub(read)))
	if err := rb.arm(ctx, r, env, support, deadline.Sub(opts.now())); err != nil {
		return nil, err
	}
	if err := rb.check(ctx, r); err != nil {
		return nil, errors.Join(err, rb.remove(ctx, r))
	}
	return rb, nil
}

// checkSaved compares the running configuration with saved config n and
// returns the running schedules.
func checkSaved(ctx context.Context, r Commander, n int) ([]Schedule, error) {
	running, err := readConfig(ctx, r, cmdShowConfig)
	if err != nil {
		return nil, err
	}
	saved, err := readConfig(ctx, r, cmdShowSavedConfig(n))
	if err != nil {
		return nil, err
	}
	if d := configDiff(saved, running); len(d) > 0 {
		return nil, &UnsavedChangesError{ConfigFile: n, Diff: d}
	}
	var out []Schedule
	for _, l := range running.TopLevel() {
		if s, ok := ParseSchedule(l); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func readConfig(ctx context.Context, r Commander, cmd string) (*ShowConfig, error) {
	out, err := r.Run(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("read configuration with %q: %w", cmd, err)
	}
	sc, err := ParseShowConfig(out)
	if err != nil {
		return nil, fmt.Errorf("read configuration with %q: %w", cmd, err)
	}
	return sc, nil
}

// configDiff returns the differing lines of two configurations (blocks
// rendered with their indentation), ignoring the console settings a
// session changes for automation.
func configDiff(saved, running *ShowConfig) []string {
	render := func(sc *ShowConfig) []string {
		lines := (&ShowConfig{Lines: sc.Lines}).String()
		return slices.DeleteFunc(strings.Split(strings.TrimSuffix(lines, "\n"), "\n"), func(l string) bool {
			return l == "" || strings.HasPrefix(l, "console lines ") || strings.HasPrefix(l, "console columns ")
		})
	}
	var out []string
	for _, d := range diffLines(render(saved), render(running)) {
		if !strings.HasPrefix(d, "  ") {
			out = append(out, d)
		}
	}
	return out
}

// arm sends the `schedule at` command: the relative form when left is at
// most an hour and the firmware may have it, else the absolute form.
func (rb *ScheduledRollback) arm(ctx context.Context, r Commander, env *Environment, support ScheduleSupport, left time.Duration) error {
	if secs := int(math.Ceil(left.Seconds())); secs <= MaxRelativeSchedule && support.RelativeSchedule != Unsupported {
		rb.Line, rb.Relative = fmt.Sprintf(relativeFormat, rb.ID, max(secs, 1), rb.Command), true
		_, err := r.Run(ctx, rb.Line)
		if err == nil {
			return nil
		}
		if !isCommandError(err) {
			return fmt.Errorf("command %q: %w", rb.Line, err)
		}
	}
	d := rb.Deadline
	rb.Line, rb.Relative = fmt.Sprintf(absoluteFormat, rb.ID, d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), rb.Command), false
	if _, err := r.Run(ctx, rb.Line); err != nil {
		if isCommandError(err) {
			return &NoScheduledRollbackError{Model: env.Model, Revision: env.Revision, Reason: "the router refused schedule at", Err: err}
		}
		return fmt.Errorf("command %q: %w", rb.Line, err)
	}
	return nil
}

// check reads the entry back; for the absolute form it also makes sure the
// router clock has not passed the deadline while arming (the entry would
// then fire only a year later).
func (rb *ScheduledRollback) check(ctx context.Context, r Commander) error {
	entries, err := ReadSchedules(ctx, r)
	if err != nil {
		return err
	}
	if e, ok := findSchedule(entries, rb.ID); !ok || !e.runs(rb.Command) {
		return fmt.Errorf("schedule %d is not in the running configuration after %q", rb.ID, rb.Line)
	}
	if rb.Relative {
		return nil
	}
	now, err := ReadClock(ctx, r)
	if err != nil {
		return err
	}
	if !now.Before(rb.Deadline) {
		return fmt.Errorf("router clock %s passed the deadline %s while arming: %w",
			now.Format(time.DateTime), rb.Deadline.Format(time.DateTime), context.DeadlineExceeded)
	}
	return nil
}

// remove deletes the entry after a failed check.
func (rb *ScheduledRollback) remove(ctx context.Context, r Commander) error {
	if _, err := r.Run(ctx, cmdNoSchedule(rb.ID)); err != nil {
		return fmt.Errorf("remove schedule %d: %w", rb.ID, err)
	}
	return nil
}

// isCommandError reports whether the router answered with an error line.
func isCommandError(err error) bool {
	var ce *driver.CommandError
	return errors.As(err, &ce)
}

func ceilSecond(t time.Time) time.Time {
	if u := t.Truncate(time.Second); !u.Equal(t) {
		return u.Add(time.Second)
	}
	return t
}

// DisarmScheduledRollback removes the `schedule at` entry of rb and checks
// that it is gone from the running configuration. It is idempotent: when no
// entry with that ID exists, or the entry runs another command than
// rb.Command (the armed one fired and removed itself, and someone else took
// the ID), it sends nothing and reports false. With rb.Command "" any
// entry with the ID is removed. The router must be in administrator mode.
func DisarmScheduledRollback(ctx context.Context, r Commander, rb ScheduledRollback) (removed bool, err error) {
	entries, err := ReadSchedules(ctx, r)
	if err != nil {
		return false, fmt.Errorf("disarm on-router rollback: %w", err)
	}
	if e, ok := findSchedule(entries, rb.ID); !ok || rb.Command != "" && !e.runs(rb.Command) {
		return false, nil
	}
	if err := rb.remove(ctx, r); err != nil {
		return false, fmt.Errorf("disarm on-router rollback: %w", err)
	}
	entries, err = ReadSchedules(ctx, r)
	if err != nil {
		return true, fmt.Errorf("disarm on-router rollback: %w", err)
	}
	if _, ok := findSchedule(entries, rb.ID); ok {
		return true, fmt.Errorf("disarm on-router rollback: schedule %d is still in the running configuration", rb.ID)
	}
	return true, nil
}
