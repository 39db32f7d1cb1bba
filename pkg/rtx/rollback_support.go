package rtx

import (
	"strconv"
	"strings"
)

// MaxRelativeSchedule is the longest delay the `schedule at ID +SECONDS`
// form accepts.
const MaxRelativeSchedule = 3600

// ScheduleSupport says what a firmware offers for an on-router rollback
// (shared/rtx-console.md §9.4).
type ScheduleSupport struct {
	// RelativeSchedule is the `schedule at ID +SECONDS * COMMAND` form.
	// SupportUnknown means the firmware is not in the table: try it and
	// take an error line as Unsupported.
	RelativeSchedule Support
	// ScheduledLoad is `load` as the command of a `schedule at` entry. The
	// router does not check a scheduled command when it is entered, so this
	// comes from the table alone; it is never SupportUnknown.
	ScheduledLoad Support
}

// firstBuilds gives, per revision family (major, minor), the first build
// with `schedule at ID +SECONDS` and the first build that may run `load`
// from a schedule. Families: 14.00 RTX5000/RTX3500, 14.01 RTX1210,
// 15.02 RTX830, 15.04 RTX1220.
var firstBuilds = map[[2]int]struct{ relative, load int }{
	{14, 0}: {relative: 32, load: 26},
	{14, 1}: {relative: 41, load: 28},
	{15, 2}: {relative: 3, load: 3},
	{15, 4}: {relative: 4, load: 0},
}

// FirmwareScheduleSupport looks up what the firmware revision ("14.01.42",
// with or without "Rev.") offers:
//
//   - the families above by build;
//   - Rev.23 and later (RTX1300, RTX3510, RTX840): everything;
//   - before Rev.14 (RTX1200, RTX1500): neither (no `load` at all);
//   - any other family (vRX, an unknown revision): `load` in a schedule
//     (the reference lists the exceptions, and this is none of them), the
//     relative form unknown;
//   - an unreadable revision: both unknown to the table, so no scheduled
//     `load` and a relative form to try.
func FirmwareScheduleSupport(revision string) ScheduleSupport {
	v, ok := parseRevision(revision)
	switch {
	case !ok:
		return ScheduleSupport{RelativeSchedule: SupportUnknown, ScheduledLoad: Unsupported}
	case v[0] < 14:
		return ScheduleSupport{RelativeSchedule: Unsupported, ScheduledLoad: Unsupported}
	case v[0] >= 23:
		return ScheduleSupport{RelativeSchedule: Supported, ScheduledLoad: Supported}
	}
	fb, known := firstBuilds[[2]int{v[0], v[1]}]
	if !known {
		return ScheduleSupport{RelativeSchedule: SupportUnknown, ScheduledLoad: Supported}
	}
	return ScheduleSupport{RelativeSchedule: supportFrom(v[2], fb.relative), ScheduledLoad: supportFrom(v[2], fb.load)}
}

func supportFrom(build, first int) Support {
	if build >= first {
		return Supported
	}
	return Unsupported
}

// parseRevision reads "14.01.42" (or "Rev.14.01.42") as three numbers.
func parseRevision(revision string) ([3]int, bool) {
	var v [3]int
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(revision), "Rev."), ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, false
		}
		v[i] = n
	}
	return v, true
}
