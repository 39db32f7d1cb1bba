// BGP configuration commands: `bgp ...` run in administrator mode and the
// checks of their syntax (§8.1 of the console reference).

package rtxtest

import (
	"strings"
	"time"
)

// bgpCommand runs a `bgp ...` command (the caller checked administrator mode).
func (r *Router) bgpCommand(s *session, ws []word, at time.Time) ([]string, error) {
	args := texts(ws)
	if len(args) >= 2 && strings.EqualFold(args[1], "configure") {
		if len(args) != 3 || !strings.EqualFold(args[2], "refresh") {
			return nil, errKeyword
		}
		r.refreshLocked(at)
		s.reminded = false
		return nil, nil
	}
	if err := checkBGP(args); err != nil {
		return nil, err
	}
	r.setConfig(raws(ws), at)
	return r.bgpReminder(s), nil
}

// bgpReminder returns the "run bgp configure refresh" reminder, as the variant says.
func (r *Router) bgpReminder(s *session) []string {
	switch r.sc.Variants.BGPReminder {
	case "off":
		return nil
	case "once":
		if s.reminded {
			return nil
		}
		s.reminded = true
	}
	return []string{r.text("bgp_reminder"), r.text("bgp_reminder2")}
}

var (
	neighborOptions = map[string]func(string) error{
		"hold-time": func(v string) error {
			if strings.EqualFold(v, "off") {
				return nil
			}
			return rangeOpt(3, 28800)(v)
		},
		"metric":            rangeOpt(1, 21474836),
		"passive":           onOff,
		"gateway":           func(string) error { return nil },
		"local-address":     ipArg,
		"ignore-capability": onOff,
	}
	filterOptions = map[string]func(string) error{
		"metric":     rangeOpt(1, 16777215),
		"preference": rangeOpt(0, 255),
	}
	advertiseOptions = map[string]func(string) error{
		"metric":     rangeOpt(1, 16777215),
		"preference": rangeOpt(0, 255),
	}
)

// checkBGP validates a BGP configuration command (§8.1 of the console reference).
func checkBGP(args []string) error {
	a := lower(args)
	if len(a) < 2 {
		return errParamCount
	}
	exactly := func(n int) error {
		if len(a) != n {
			return errParamCount
		}
		return nil
	}
	switch a[1] {
	case "use":
		if err := exactly(3); err != nil {
			return err
		}
		return onOff(a[2])
	case "autonomous-system":
		if err := exactly(3); err != nil {
			return err
		}
		_, err := intArg(a[2], 1, 65535)
		return err
	case "router":
		if len(a) < 3 || a[2] != "id" {
			return errKeyword
		}
		if err := exactly(4); err != nil {
			return err
		}
		return ipArg(a[3])
	case "preference":
		if err := exactly(3); err != nil {
			return err
		}
		_, err := intArg(a[2], 1, 2147483647)
		return err
	case "log":
		if len(a) < 3 {
			return errParamCount
		}
		for _, k := range a[2:] {
			if k != "neighbor" && k != "packet" {
				return errKeyword
			}
		}
		return nil
	case "neighbor":
		return checkNeighbor(a)
	case "import", "export":
		return checkImportExport(a)
	case "aggregate":
		if len(a) < 4 {
			return errParamCount
		}
		return nil
	case "force-to-advertise":
		if len(a) < 4 {
			return errParamCount
		}
		if _, err := intArg(a[2], 1, 65535); err != nil {
			return err
		}
		if _, err := prefixArg(a[3], true); err != nil {
			return err
		}
		return options(a[4:], advertiseOptions)
	}
	return errInvalidCommand
}

func checkNeighbor(a []string) error {
	if len(a) > 2 && a[2] == "pre-shared-key" {
		if len(a) != 6 {
			return errParamCount
		}
		if _, err := intArg(a[3], 1, 2147483647); err != nil {
			return err
		}
		if a[4] != "text" {
			return errKeyword
		}
		if len(a[5]) > 80 {
			return errRange
		}
		return nil
	}
	if len(a) < 5 {
		return errParamCount
	}
	if _, err := intArg(a[2], 1, 2147483647); err != nil {
		return err
	}
	if _, err := intArg(a[3], 1, 65535); err != nil {
		return err
	}
	if err := ipArg(a[4]); err != nil {
		return err
	}
	return options(a[5:], neighborOptions)
}

// checkImportExport validates `bgp import|export filter N ...`, `bgp import AS PROTO
// [FROM] filter N ...`, `bgp export AS filter N ...` and `bgp export aspath ...`.
func checkImportExport(a []string) error {
	if len(a) < 3 {
		return errParamCount
	}
	switch {
	case a[2] == "filter":
		return checkFilter(a[3:])
	case a[1] == "export" && a[2] == "aspath":
		if len(a) < 7 {
			return errParamCount
		}
		if _, err := intArg(a[3], 1, 2147483647); err != nil {
			return err
		}
		return checkFilterList(a[5:])
	}
	if _, err := intArg(a[2], 1, 65535); err != nil {
		return err
	}
	rest := a[3:]
	if a[1] == "import" {
		if len(rest) == 0 {
			return errParamCount
		}
		switch rest[0] {
		case "static", "rip", "ospf", "aggregate":
			rest = rest[1:]
		case "bgp":
			rest = rest[1:]
			if len(rest) > 0 && rest[0] != "filter" {
				if _, err := intArg(rest[0], 1, 65535); err != nil {
					return err
				}
				rest = rest[1:]
			}
		default:
			return errKeyword
		}
	}
	return checkFilterList(rest)
}

// checkFilterList validates `filter N ...`.
func checkFilterList(a []string) error {
	if len(a) < 2 {
		return errParamCount
	}
	if a[0] != "filter" {
		return errKeyword
	}
	for _, n := range a[1:] {
		if _, err := intArg(n, 1, 2147483647); err != nil {
			return err
		}
	}
	return nil
}

// checkFilter validates `N [reject] include|refines|equal PREFIX...|all [options]`.
func checkFilter(a []string) error {
	if len(a) < 3 {
		return errParamCount
	}
	if _, err := intArg(a[0], 1, 2147483647); err != nil {
		return err
	}
	rest := a[1:]
	if rest[0] == "reject" {
		rest = rest[1:]
	}
	if len(rest) < 2 {
		return errParamCount
	}
	switch rest[0] {
	case "include", "refines", "equal":
	default:
		return errKeyword
	}
	prefixes := 0
	for _, p := range rest[1:] {
		if strings.Contains(p, "=") {
			if err := options([]string{p}, filterOptions); err != nil {
				return err
			}
			continue
		}
		if p != "all" {
			if _, err := prefixArg(p, false); err != nil {
				return err
			}
		}
		prefixes++
	}
	if prefixes == 0 {
		return errParamCount
	}
	return nil
}

// bgpNoArity validates `no bgp ...` and returns how many words name the setting to remove.
func bgpNoArity(a []string) (int, error) {
	if len(a) < 2 {
		return 0, errParamCount
	}
	switch a[1] {
	case "use", "autonomous-system", "preference", "log":
		return 2, nil
	case "router":
		return 3, nil
	case "neighbor":
		if len(a) > 2 && a[2] == "pre-shared-key" {
			return 4, nil
		}
		return 3, nil
	case "import", "export":
		if len(a) > 3 && a[3] == "bgp" {
			return 5, nil
		}
		return 4, nil
	case "aggregate", "force-to-advertise":
		return 4, nil
	}
	return 0, errInvalidCommand
}
