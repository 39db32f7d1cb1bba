// Package progress shows operators what a long wait of rtxctl waits for:
// the BGP neighbors coming back after a change, the default route appearing
// or withdrawn, a rollback timer left by an interrupted run running out.
//
// A [Reporter] receives the library's [rtx.ProgressEvent]s. On a terminal it
// keeps one status line on standard error up to date; -v writes timestamped
// lines instead, --debug also one per reading; -q, or standard error that is
// not a terminal, shows nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muesli/termenv"
	"golang.org/x/term"

	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Options says how a [Reporter] shows progress.
type Options struct {
	// TTY reports that the writer is a terminal: without Verbose or Debug
	// one status line is redrawn there; false shows nothing.
	TTY bool
	// Width is the terminal's width in columns; the status line is cut to
	// fit so that it never wraps (a wrapped line cannot be redrawn). 0
	// means no limit.
	Width int
	// Quiet shows nothing at all (-q).
	Quiet bool
	// Verbose writes one timestamped line per change (-v), terminal or not.
	Verbose bool
	// Debug is Verbose plus one line per reading (--debug).
	Debug bool
	// Getenv reads NO_COLOR, CLICOLOR and TERM (no colour, and TERM=dumb
	// also no cursor control); nil means an empty environment.
	Getenv func(string) string
	// Now is the clock of the timestamps; nil means time.Now.
	Now func() time.Time
}

// mode is what a Reporter shows.
type mode int

const (
	off    mode = iota // nothing
	status             // one status line redrawn in place
	lines              // timestamped lines
	debug              // timestamped lines, one per reading too
)

// Reporter shows the progress of the waits of one command on a writer
// (standard error). Use [Reporter.Progress] as the library's progress
// callback and call [Reporter.Clear] before writing anything else to the
// writer. Not safe for concurrent use; the zero value is not usable (use
// [New] or [Stderr]).
type Reporter struct {
	w    io.Writer
	mode mode
	opts Options
	out  *termenv.Output
	// profile is the colours the terminal shows, none with NO_COLOR.
	profile termenv.Profile
	dumb    bool
	drawn   int // columns of the status line on screen; 0 = none
	// waitingFor is what the last [Reporter.Waiting] said was missing;
	// "" before the first reading of a wait.
	waitingFor string
}

// New returns a Reporter writing to w as opts say.
func New(w io.Writer, opts Options) *Reporter {
	r := &Reporter{w: w, opts: opts}
	switch {
	case opts.Quiet:
		r.mode = off
	case opts.Debug:
		r.mode = debug
	case opts.Verbose:
		r.mode = lines
	case opts.TTY:
		r.mode = status
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	r.dumb = getenv("TERM") == "dumb"
	r.out = termenv.NewOutput(w, termenv.WithTTY(opts.TTY), termenv.WithEnvironment(environ(getenv)))
	r.profile = r.out.EnvColorProfile()
	return r
}

// Stderr returns a Reporter for the standard error stream w of a command:
// a terminal when w is one (its width read from it), the environment read
// from the process.
func Stderr(w io.Writer, quiet, verbose, debug bool) *Reporter {
	opts := Options{Quiet: quiet, Verbose: verbose, Debug: debug, Getenv: os.Getenv}
	if f, ok := w.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		opts.TTY = true
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			opts.Width = width
		}
	}
	return New(w, opts)
}

// environ gives termenv the environment through getenv.
type environ func(string) string

func (e environ) Environ() []string        { return nil }
func (e environ) Getenv(key string) string { return e(key) }

// Progress returns the callback to pass to the library: nil when nothing is
// shown, so that the library does not even build the events.
func (r *Reporter) Progress() rtx.Progress {
	if r.mode == off {
		return nil
	}
	return r.Report
}

// Report shows one event.
func (r *Reporter) Report(ev rtx.ProgressEvent) {
	switch r.mode {
	case status:
		r.reportStatus(ev)
	case lines, debug:
		if msg := r.line(ev); msg != "" {
			r.stamp(msg)
		}
	}
}

func (r *Reporter) reportStatus(ev rtx.ProgressEvent) {
	switch ev.Kind {
	case rtx.ProgressPoll:
		suffix := " … " + elapsed(ev)
		r.draw(waiting(ev, plain)+suffix, waiting(ev, r.colour)+suffix)
	case rtx.ProgressDone:
		r.Clear()
	}
}

// line is the timestamped line of ev; "" for none.
func (r *Reporter) line(ev rtx.ProgressEvent) string {
	switch ev.Kind {
	case rtx.ProgressState:
		n := ev.Neighbor
		if ev.From == "" {
			return fmt.Sprintf("BGP neighbor %s: %s (%s)", n.Address, stateName(n.State), elapsed(ev))
		}
		return fmt.Sprintf("BGP neighbor %s: %s → %s (%s)", n.Address, stateName(ev.From), stateName(n.State), elapsed(ev))
	case rtx.ProgressRoute:
		if ev.Neighbor.AdvertisesDefault {
			return fmt.Sprintf("default route advertised to %s (%s)", ev.Neighbor.Address, elapsed(ev))
		}
		return fmt.Sprintf("default route withdrawn from %s (%s)", ev.Neighbor.Address, elapsed(ev))
	case rtx.ProgressPoll:
		if r.mode == debug {
			return waiting(ev, plain) + " (" + elapsed(ev) + ")"
		}
	case rtx.ProgressDone:
		return done(ev)
	}
	return ""
}

// plain leaves a BGP state as it is.
func plain(s string) string { return s }

// waiting says what is waited for; colour paints a BGP state.
func waiting(ev rtx.ProgressEvent, colour func(string) string) string {
	n := ev.Neighbor
	switch {
	case ev.Timer != nil:
		when := ev.Timer.Deadline.Local().Format(time.TimeOnly)
		if !ev.Timer.RouterDeadline.IsZero() {
			when = ev.Timer.RouterDeadline.Format(time.TimeOnly) + " router time"
		}
		return fmt.Sprintf("waiting for %s to run out at %s: %s left", ev.Timer.What, when, ev.Timer.Left.Round(time.Second))
	case n.Address == "":
		return "every BGP neighbor agrees"
	case !(rtx.NeighborSession{State: n.State}).Established():
		return fmt.Sprintf("waiting for BGP neighbor %s: %s → %s", n.Address, colour(stateName(n.State)), colour("Established"))
	case ev.Want == rtx.TunnelOff:
		return fmt.Sprintf("waiting for the default route to be withdrawn from %s", n.Address)
	default:
		return fmt.Sprintf("waiting for the default route to be advertised to %s", n.Address)
	}
}

// done says how a wait ended.
func done(ev rtx.ProgressEvent) string {
	took := ev.Elapsed.Round(time.Second)
	switch {
	case ev.Err != nil:
		return fmt.Sprintf("stopped waiting after %s", took)
	case ev.Timer != nil:
		return fmt.Sprintf("%s has run out", ev.Timer.What)
	default:
		return fmt.Sprintf("BGP agrees after %s", took)
	}
}

// elapsed is the time since the wait began against its bound.
func elapsed(ev rtx.ProgressEvent) string { return sofar(ev.Elapsed, ev.Timeout) }

// sofar is how long a wait has lasted, of timeout when it has one (> 0).
func sofar(elapsed, timeout time.Duration) string {
	if timeout <= 0 {
		return elapsed.Round(time.Second).String()
	}
	return fmt.Sprintf("%s of %s", elapsed.Round(time.Second), timeout.Round(time.Second))
}

func stateName(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// colour paints a BGP state: green when Established, yellow otherwise,
// in the colours the terminal and NO_COLOR allow (none at all on TERM=dumb).
func (r *Reporter) colour(state string) string {
	p := r.profile
	c := p.Color("3")
	if state == "Established" {
		c = p.Color("2")
	}
	return p.String(state).Foreground(c).String()
}

// draw replaces the status line with text, coloured as painted unless it
// must be cut to the terminal's width.
//
// The line is redrawn with a carriage return and termenv's erase-line
// sequence; on TERM=dumb, which has no erase-line, the carriage return is
// followed by spaces over what is left of the previous line instead.
// (A progress-bar library would redraw too, but it draws its own bar and
// format; one line of text needs only this.)
func (r *Reporter) draw(text, painted string) {
	cols := utf8.RuneCountInString(text)
	if limit := r.opts.Width - 1; limit > 0 && cols > limit {
		painted, cols = string([]rune(text)[:limit]), limit
	}
	switch {
	case r.drawn == 0:
	case r.dumb:
		io.WriteString(r.w, "\r")
	default:
		io.WriteString(r.w, "\r")
		r.out.ClearLine()
	}
	io.WriteString(r.w, painted)
	if r.dumb && cols < r.drawn {
		io.WriteString(r.w, strings.Repeat(" ", r.drawn-cols))
	}
	r.drawn = max(cols, 1)
}

// Clear erases the status line, if one is drawn, leaving the cursor at the
// start of the empty line.
func (r *Reporter) Clear() {
	if r.drawn == 0 {
		return
	}
	io.WriteString(r.w, "\r")
	if r.dumb {
		io.WriteString(r.w, strings.Repeat(" ", r.drawn)+"\r")
	} else {
		r.out.ClearLine()
	}
	r.drawn = 0
}

// stamp writes msg as a line after the time.
func (r *Reporter) stamp(msg string) {
	fmt.Fprintf(r.w, "%s %s\n", r.now().Format(time.RFC3339), msg)
}

func (r *Reporter) now() time.Time {
	if r.opts.Now == nil {
		return time.Now()
	}
	return r.opts.Now()
}

// Status shows text as the status line on a terminal, replacing the one
// drawn; in any other mode (not a terminal, -q, -v, --debug) it shows
// nothing. A run over several routers keeps its counts there.
func (r *Reporter) Status(text string) {
	if r.mode == status {
		r.draw(text, text)
	}
}

// Note writes text as a permanent line above the status line on a
// terminal, the status line erased first (redraw it with [Reporter.Status]);
// in any other mode it shows nothing.
func (r *Reporter) Note(text string) {
	if r.mode != status {
		return
	}
	r.Clear()
	io.WriteString(r.w, text+"\n")
}
