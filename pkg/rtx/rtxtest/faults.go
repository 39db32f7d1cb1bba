package rtxtest

// occurs reports whether a fault for occurrence want (0 = every time) applies to the nth
// time a command line was entered.
func occurs(want, n int) bool {
	return want == 0 || want == n
}

// dropFault reports whether a drop fault applies to the nth entry of line at the given
// moment ("before" or "after" the command runs).
func dropFault(drops []DropFault, line string, n int, when string) bool {
	for _, d := range drops {
		w := d.When
		if w == "" {
			w = "before"
		}
		if d.Command == line && w == when && occurs(d.Occurrence, n) {
			return true
		}
	}
	return false
}

// failFault returns the error line for the nth entry of line when a fault makes it fail
// ("" = the invalid-command error).
func failFault(fails []CommandFault, line string, n int) (string, bool) {
	for _, f := range fails {
		if f.Command == line && occurs(f.Occurrence, n) {
			return f.Error, true
		}
	}
	return "", false
}
