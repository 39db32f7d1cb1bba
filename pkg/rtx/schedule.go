package rtx

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// MaxScheduleID is the largest `schedule at` ID the router accepts.
const MaxScheduleID = 65535

// Schedule is one `schedule at ID ...` line of the configuration, as
// `show config` prints it (normalised: `schedule at 1 */* 00:00:00 * ...`,
// or `schedule at 1 +600 * restart` for the relative form).
type Schedule struct {
	// ID is the schedule number.
	ID int `json:"id"`
	// When is the time part: "+SECONDS", "DATE TIME" (for example
	// "*/* 00:00:00" or "11/25 10:15:00") or "DATE startup" and the like.
	When string `json:"when"`
	// Target is "*", or "pp N", "tunnel N", "switch N".
	Target string `json:"target"`
	// Command is the scheduled command with its arguments.
	Command string `json:"command"`
	// Line is the configuration line as read.
	Line string `json:"line"`
}

// Relative reports whether the entry uses the `+SECONDS` form.
func (s Schedule) Relative() bool { return strings.HasPrefix(s.When, "+") }

// runs reports whether the entry runs command (compared word by word,
// ignoring case).
func (s Schedule) runs(command string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(s.Command), " "), strings.Join(strings.Fields(command), " "))
}

// ParseSchedule parses one `schedule at` configuration line; ok is false
// when the line is not one.
func ParseSchedule(line string) (s Schedule, ok bool) {
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "schedule" || f[1] != "at" {
		return Schedule{}, false
	}
	id, ok := parseID(f[2])
	if !ok {
		return Schedule{}, false
	}
	s = Schedule{ID: id, Line: strings.TrimSpace(line)}
	i := 3
	switch {
	case strings.HasPrefix(f[i], "+"):
		s.When = f[i]
		i++
	case strings.Contains(f[i], "/"):
		if len(f) < 7 {
			return Schedule{}, false
		}
		s.When = f[i] + " " + f[i+1]
		i += 2
	default: // TIME without DATE, as typed; the router prints a DATE
		s.When = f[i]
		i++
	}
	switch f[i] {
	case "*":
		s.Target = "*"
		i++
	case "pp", "tunnel", "switch":
		if i+1 >= len(f) {
			return Schedule{}, false
		}
		s.Target = f[i] + " " + f[i+1]
		i += 2
	default:
		return Schedule{}, false
	}
	if i >= len(f) {
		return Schedule{}, false
	}
	s.Command = strings.Join(f[i:], " ")
	return s, true
}

// ParseSchedules returns the `schedule at` entries of configuration text
// such as the output of `show config` or `show config | grep schedule`, in
// order. Other lines, including indented ones, are ignored.
func ParseSchedules(text string) ([]Schedule, error) {
	sc, err := ParseShowConfig(text)
	if err != nil {
		return nil, fmt.Errorf("parse schedules: %w", err)
	}
	var out []Schedule
	for _, l := range sc.TopLevel() {
		if s, ok := ParseSchedule(l); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// cmdShowSchedules reads the `schedule at` lines of the running configuration.
const cmdShowSchedules = "show config | grep schedule"

// ReadSchedules reads the `schedule at` entries of the running configuration
// with `show config | grep schedule`.
func ReadSchedules(ctx context.Context, r Commander) ([]Schedule, error) {
	out, err := r.Run(ctx, cmdShowSchedules)
	if err != nil {
		return nil, fmt.Errorf("read schedules: %w", err)
	}
	return ParseSchedules(out)
}

// FreeScheduleID returns the smallest schedule ID that no entry uses, or 0
// when all of 1..[MaxScheduleID] are taken. An occupied ID is never
// returned, so an existing entry (such as a nightly `ntpdate`) is never
// overwritten.
func FreeScheduleID(entries []Schedule) int {
	used := make(map[int]bool, len(entries))
	for _, s := range entries {
		used[s.ID] = true
	}
	for id := 1; id <= MaxScheduleID; id++ {
		if !used[id] {
			return id
		}
	}
	return 0
}

// findSchedule returns the entry with the ID, if any.
func findSchedule(entries []Schedule, id int) (Schedule, bool) {
	for _, s := range entries {
		if s.ID == id {
			return s, true
		}
	}
	return Schedule{}, false
}

func cmdNoSchedule(id int) string { return "no schedule at " + strconv.Itoa(id) }
