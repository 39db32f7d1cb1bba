package rtxtest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// schedule is an armed `schedule at` entry of the running configuration.
type schedule struct {
	id       int
	line     string    // the configuration line
	command  string    // the command it runs
	relative bool      // +SECONDS form: fires once
	startup  bool      // runs when the router starts
	when     *timeSpec // absolute DATE TIME; nil for relative, startup and attach events
	next     time.Time // next firing on the fake clock; zero = not armed
}

// timeSpec is a parsed `schedule at` DATE and TIME.
type timeSpec struct {
	months   [13]bool
	days     [32]bool
	weekdays [7]bool
	byDay    bool // days (not weekdays) select the date
	hours    [24]bool
	minutes  [60]bool
	second   int
}

var weekdayNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// parseField parses a DATE or TIME field: `*`, N, N,M, N-, N-M, -M (names when names != nil).
func parseField(s string, lo, hi int, names map[string]int, set []bool) error {
	if s == "*" {
		for i := lo; i <= hi; i++ {
			set[i] = true
		}
		return nil
	}
	value := func(v string, def int) (int, error) {
		if v == "" {
			return def, nil
		}
		if n, ok := names[strings.ToLower(v)]; ok {
			return n, nil
		}
		return intArg(v, lo, hi)
	}
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, err := value(from, lo)
		if err != nil {
			return err
		}
		b := a
		if isRange {
			if b, err = value(to, hi); err != nil {
				return err
			}
		}
		if a > b {
			return errRange
		}
		for i := a; i <= b; i++ {
			set[i] = true
		}
	}
	return nil
}

// parseTimeSpec parses DATE (MONTH/DAY) and TIME (hh:mm[:ss]).
func parseTimeSpec(date, clock string) (*timeSpec, error) {
	t := &timeSpec{}
	month, day, ok := strings.Cut(date, "/")
	if !ok {
		return nil, errKeyword
	}
	if err := parseField(month, 1, 12, nil, t.months[:]); err != nil {
		return nil, err
	}
	t.byDay = strings.IndexFunc(day, unicode.IsLetter) < 0
	if t.byDay {
		if err := parseField(day, 1, 31, nil, t.days[:]); err != nil {
			return nil, err
		}
	} else if err := parseField(day, 0, 6, weekdayNames, t.weekdays[:]); err != nil {
		return nil, err
	}
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, errKeyword
	}
	if err := parseField(parts[0], 0, 23, nil, t.hours[:]); err != nil {
		return nil, err
	}
	if err := parseField(parts[1], 0, 59, nil, t.minutes[:]); err != nil {
		return nil, err
	}
	if len(parts) == 3 {
		n, err := intArg(parts[2], 0, 59)
		if err != nil {
			return nil, err
		}
		t.second = n
	}
	return t, nil
}

// normalizeClock writes hh:mm[:ss] as hh:mm:ss with two-digit numbers.
func normalizeClock(clock string) string {
	parts := strings.Split(clock, ":")
	if len(parts) == 2 {
		parts = append(parts, "0")
	}
	for i, p := range parts {
		if n, err := strconv.Atoi(p); err == nil {
			parts[i] = fmt.Sprintf("%02d", n)
		}
	}
	return strings.Join(parts, ":")
}

// nextAfter returns the first matching time strictly after t (zero if none within a year).
func (ts *timeSpec) nextAfter(t time.Time) time.Time {
	start := t.In(jst).Truncate(time.Minute)
	for i := 0; i <= 366*24*60; i++ {
		c := start.Add(time.Duration(i)*time.Minute + time.Duration(ts.second)*time.Second)
		if !c.After(t) {
			continue
		}
		dayOK := ts.days[c.Day()]
		if !ts.byDay {
			dayOK = ts.weekdays[c.Weekday()]
		}
		if ts.months[c.Month()] && dayOK && ts.hours[c.Hour()] && ts.minutes[c.Minute()] {
			return c
		}
	}
	return time.Time{}
}

// scheduleCommand runs `schedule at ID [DATE] TIME|+SECONDS TARGET COMMAND ...`.
func (r *Router) scheduleCommand(ws []word, at time.Time) error {
	args := texts(ws)
	if len(args) < 2 || !strings.EqualFold(args[1], "at") {
		return errKeyword
	}
	line, err := r.parseScheduleLine(ws)
	if err != nil {
		return err
	}
	r.setConfig(line, at)
	return nil
}

// parseScheduleLine validates a `schedule at` command and returns its normalised form.
func (r *Router) parseScheduleLine(ws []word) (string, error) {
	args := texts(ws)
	if len(args) < 6 {
		return "", errParamCount
	}
	id, err := intArg(args[2], 1, 65535)
	if err != nil {
		return "", err
	}
	i := 3
	var when string
	switch {
	case strings.HasPrefix(args[i], "+"):
		if !r.sc.has(featureScheduleRelative) {
			return "", errKeyword
		}
		if _, err := intArg(args[i][1:], 1, 3600); err != nil {
			return "", err
		}
		when = args[i]
		i++
	default:
		date := "*/*"
		if strings.Contains(args[i], "/") {
			date = args[i]
			i++
		}
		if i >= len(args) {
			return "", errParamCount
		}
		clock := strings.ToLower(args[i])
		i++
		switch clock {
		case "startup", "usb-attached", "sd-attached":
			when = date + " " + clock
		default:
			if _, err := parseTimeSpec(date, clock); err != nil {
				return "", err
			}
			when = date + " " + normalizeClock(clock)
		}
	}
	if i >= len(args) {
		return "", errParamCount
	}
	targetStart := i
	switch strings.ToLower(args[i]) {
	case "*":
		i++
	case "pp", "tunnel", "switch":
		i += 2
	default:
		return "", errKeyword
	}
	if i >= len(args) {
		return "", errParamCount
	}
	return fmt.Sprintf("schedule at %d %s %s %s", id, when, raws(ws[targetStart:i]), raws(ws[i:])), nil
}

// parseSchedule reads an armed schedule from a normalised configuration line.
func parseSchedule(line string, at time.Time) (*schedule, bool) {
	ws := tokenize(line)
	args := texts(ws)
	if len(args) < 6 {
		return nil, false
	}
	id, err := strconv.Atoi(args[2])
	if err != nil {
		return nil, false
	}
	sc := &schedule{id: id, line: line}
	i := 3
	if strings.HasPrefix(args[i], "+") {
		n, err := strconv.Atoi(args[i][1:])
		if err != nil {
			return nil, false
		}
		sc.relative, sc.next = true, at.Add(time.Duration(n)*time.Second)
		i++
	} else {
		date := "*/*"
		if strings.Contains(args[i], "/") {
			date = args[i]
			i++
		}
		if i >= len(args) {
			return nil, false
		}
		switch clock := strings.ToLower(args[i]); clock {
		case "startup":
			sc.startup = true
		case "usb-attached", "sd-attached":
		default:
			ts, err := parseTimeSpec(date, clock)
			if err != nil {
				return nil, false
			}
			sc.when, sc.next = ts, ts.nextAfter(at)
		}
		i++
	}
	if i < len(args) && args[i] != "*" {
		i++ // pp/tunnel/switch target: the command runs with its own selection
	}
	if i+1 >= len(args) {
		return nil, false
	}
	sc.command = raws(ws[i+1:])
	return sc, true
}

// syncSchedules arms the `schedule at` entries of the running configuration that are new
// or changed (relative ones count from at) and forgets removed ones.
func (r *Router) syncSchedules(at time.Time) {
	current := map[int]string{}
	for _, line := range r.running.withPrefix("schedule") {
		if sc, ok := parseSchedule(line, at); ok {
			current[sc.id] = line
			if old, ok := r.schedules[sc.id]; !ok || old.line != line {
				r.schedules[sc.id] = sc
			}
		}
	}
	for id, sc := range r.schedules {
		if current[id] != sc.line {
			delete(r.schedules, id)
		}
	}
}

// fireLocked runs a due schedule at fake time at.
func (r *Router) fireLocked(sc *schedule, at time.Time) {
	switch {
	case sc.relative && r.sc.Variants.ScheduleKeep:
		sc.next = time.Time{}
	case sc.relative:
		r.running.remove([]string{"schedule", "at", strconv.Itoa(sc.id)})
		delete(r.schedules, sc.id)
	default:
		sc.next = sc.when.nextAfter(at)
	}
	r.runScheduledLocked(sc.command, at, true)
}

// runScheduledLocked runs a scheduled command in administrator mode, discarding its
// output; commands that cannot be scheduled do nothing (the real router logs an error).
func (r *Router) runScheduledLocked(command string, at time.Time, mayRestart bool) {
	ws := tokenize(command)
	args := lower(texts(ws))
	if len(args) == 0 || noSchedule[args[0]] {
		return
	}
	switch {
	case args[0] == "restart":
		if mayRestart {
			r.restartLocked(at)
		}
		return
	case args[0] == "bgp" && len(args) > 1 && args[1] == "configure",
		args[0] == "console" && len(args) > 1 && args[1] != "info" && args[1] != "prompt",
		args[0] == "load" && !r.sc.has(featureScheduleLoad):
		return
	}
	_, _ = r.runLocked(&session{admin: true}, ws, at)
}
