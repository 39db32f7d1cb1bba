package rtxtest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// genericConfigWords are the first words of configuration commands the fake stores as
// given, without checking their parameters.
var genericConfigWords = map[string]bool{
	"description": true, "dns": true, "dhcp": true, "nat": true, "ipsec": true, "ipv6": true,
	"syslog": true, "telnetd": true, "sshd": true, "sftpd": true, "httpd": true, "timezone": true,
	"security": true, "snmp": true, "ospf": true, "rip": true, "lan": true, "user": true,
	"statistics": true, "operation": true,
}

// noSchedule lists the commands `schedule at` may not run.
var noSchedule = map[string]bool{
	"administrator": true, "save": true, "confirm": true, "rollback": true, "schedule": true,
	"exit": true, "quit": true, "show": true, "less": true, "login": true, "date": true,
	"time": true, "timezone": true, "ping": true, "telnet": true, "ssh": true, "copy": true,
	"delete": true,
}

// adminCommands lists the commands, besides genericConfigWords, that only an
// administrator may run.
var adminCommands = map[string]bool{
	"bgp": true, "ip": true, "schedule": true, "login": true, "save": true, "load": true,
	"confirm": true, "rollback": true, "date": true, "time": true, "ntpdate": true,
}

// rollbackCommands lists the commands that exist only on firmware with the
// rollback feature.
var rollbackCommands = map[string]bool{"load": true, "confirm": true, "rollback": true}

// runLocked executes one non-interactive command line for session s at fake time at and
// returns its output lines. The caller holds r.mu.
func (r *Router) runLocked(s *session, ws []word, at time.Time) ([]string, error) {
	args := texts(ws)
	if len(args) == 0 {
		return nil, nil
	}
	name := strings.ToLower(args[0])
	if rollbackCommands[name] && !r.sc.has(featureRollback) {
		return nil, errInvalidCommand
	}
	if (adminCommands[name] || genericConfigWords[name]) && !s.admin {
		return nil, errAdminOnly
	}
	switch name {
	case "show":
		return r.show(s, ws, at)
	case "no":
		return r.noCommand(s, ws[1:], at)
	case "console":
		return nil, r.consoleCommand(s, ws)
	case "bgp":
		return r.bgpCommand(s, ws, at)
	case "ip":
		return nil, r.ipCommand(ws, at)
	case "schedule":
		return nil, r.scheduleCommand(ws, at)
	case "login":
		return nil, r.loginCommand(ws, at)
	case "save":
		return r.save(s, args[1:])
	case "load":
		return r.load(s, args[1:], at)
	case "confirm":
		if len(args) != 1 {
			return nil, errParamCount
		}
		delete(r.rollbacks, s)
		return nil, nil
	case "rollback":
		return nil, r.rollbackCommand(s, args[1:], at)
	case "date", "time", "ntpdate":
		// The fake clock moves only with real time and Advance; setting it is accepted and ignored.
		return nil, nil
	}
	if genericConfigWords[name] {
		r.setConfig(raws(ws), at)
		return nil, nil
	}
	return nil, errInvalidCommand
}

// setConfig stores a configuration line in the running configuration.
func (r *Router) setConfig(line string, at time.Time) {
	r.running.set(line)
	r.dirty = true
	r.syncSchedules(at)
}

// noCommand runs `no ...`: removes the named setting.
func (r *Router) noCommand(s *session, ws []word, at time.Time) ([]string, error) {
	args := lower(texts(ws))
	if len(args) == 0 {
		return nil, errParamCount
	}
	mandatory := 1
	switch args[0] {
	case "bgp":
		n, err := bgpNoArity(args)
		if err != nil {
			return nil, err
		}
		mandatory = n
	case "console":
		if len(args) < 2 {
			return nil, errParamCount
		}
		if !s.admin && !r.userConsoleCommand(args[1]) {
			return nil, errAdminOnly
		}
		mandatory = 2
	case "ip", "login":
		mandatory = 2
	case "schedule":
		mandatory = 3
	default:
		if !genericConfigWords[args[0]] {
			return nil, errInvalidCommand
		}
	}
	if args[0] != "console" && !s.admin {
		return nil, errAdminOnly
	}
	if len(args) < mandatory {
		return nil, errParamCount
	}
	if r.running.remove(texts(ws)[:mandatory]) {
		r.dirty = true
		r.syncSchedules(at)
	}
	if args[0] == "bgp" {
		return r.bgpReminder(s), nil
	}
	return nil, nil
}

// userConsoleCommand reports whether a normal user may run `console SUB`.
func (r *Router) userConsoleCommand(sub string) bool {
	return sub != "prompt" || r.sc.Variants.ConsolePromptUser
}

// consoleCommand runs `console lines|columns|character|prompt|info VALUE`.
func (r *Router) consoleCommand(s *session, ws []word) error {
	args := texts(ws)
	if len(args) < 2 {
		return errParamCount
	}
	sub := strings.ToLower(args[1])
	switch sub {
	case "lines", "columns", "character", "prompt", "info":
	default:
		return errInvalidCommand
	}
	if !s.admin && !r.userConsoleCommand(sub) {
		return errAdminOnly
	}
	if len(args) != 3 {
		return errParamCount
	}
	value := args[2]
	switch sub {
	case "lines":
		if !strings.EqualFold(value, "infinity") {
			if _, err := intArg(value, 10, 100); err != nil {
				return err
			}
		}
		value = strings.ToLower(value)
	case "columns":
		if _, err := intArg(value, 80, r.maxColumns()); err != nil {
			return err
		}
	case "character":
		cs, ok := charsetByName(value, r.sc.legacyCharsets(), r.sc.Variants.CharsetAliases)
		if !ok {
			return errKeyword
		}
		value = cs.name
	case "prompt":
		if len(value) > 64 {
			return errRange
		}
		value = ws[2].raw
	case "info":
		if err := onOff(value); err != nil {
			return err
		}
		value = strings.ToLower(value)
	}
	r.running.set("console " + sub + " " + value)
	r.dirty = true
	return nil
}

// maxColumns is the largest `console columns` value the firmware accepts.
func (r *Router) maxColumns() int {
	n := r.sc.revisionNumbers()
	switch {
	case n[0] < 14, n[0] == 14 && n[1] == 0, n[0] == 14 && n[1] == 1 && n[2] <= 34, n[0] == 15 && n[1] == 2 && n[2] <= 13:
		return 200
	}
	return 4096
}

// ipCommand runs `ip route ...`, `ip lanN address ...` and stores other `ip` lines as given.
func (r *Router) ipCommand(ws []word, at time.Time) error {
	args := texts(ws)
	if len(args) < 2 {
		return errParamCount
	}
	sub := strings.ToLower(args[1])
	switch {
	case sub == "route":
		if len(args) < 5 {
			return errParamCount
		}
		if _, err := prefixArg(routeDest(args[2]), true); err != nil {
			return err
		}
		if !strings.EqualFold(args[3], "gateway") {
			return errKeyword
		}
	case strings.HasPrefix(sub, "lan") && len(args) > 2 && strings.EqualFold(args[2], "address"):
		if len(args) != 4 {
			return errParamCount
		}
		if _, err := prefixArg(args[3], false); err != nil {
			return err
		}
	}
	r.setConfig(raws(ws), at)
	return nil
}

// routeDest turns an `ip route` destination into a prefix (a bare address is a /32 host route).
func routeDest(s string) string {
	if strings.Contains(s, "/") || strings.EqualFold(s, "default") {
		return s
	}
	return s + "/32"
}

// loginCommand runs `login timer N|clear`; login passwords and users come from the scenario.
func (r *Router) loginCommand(ws []word, at time.Time) error {
	args := texts(ws)
	if len(args) < 2 || !strings.EqualFold(args[1], "timer") {
		return errInvalidCommand
	}
	if len(args) != 3 {
		return errParamCount
	}
	if !strings.EqualFold(args[2], "clear") {
		if _, err := intArg(args[2], 120, 21474836); err != nil {
			return err
		}
	}
	r.setConfig("login timer "+strings.ToLower(args[2]), at)
	return nil
}

// save runs `save [N]`; without N it writes the Config. file.
func (r *Router) save(s *session, args []string) ([]string, error) {
	n := r.configNo
	switch len(args) {
	case 0:
	case 1:
		var err error
		if n, err = intArg(args[0], 0, 4); err != nil {
			return nil, err
		}
	default:
		return nil, errParamCount
	}
	return []string{r.saveLocked(s, n)}, nil
}

// saveLocked writes the running configuration to saved config n, stops s's rollback timer
// and returns the save message.
func (r *Router) saveLocked(s *session, n int) string {
	r.saved[n] = r.running.clone()
	if n == r.configNo {
		r.dirty = false
	}
	delete(r.rollbacks, s)
	return r.text("saving", fmt.Sprintf("CONFIG%d", n))
}

// load runs `load [config|file] CONFIG [difference] [silent|interactive]
// [no-configure-refresh] [no-key-generate] [rollback-timer=N]`.
func (r *Router) load(s *session, args []string, at time.Time) ([]string, error) {
	if len(args) > 0 && (strings.EqualFold(args[0], "config") || strings.EqualFold(args[0], "file")) {
		args = args[1:]
	}
	if len(args) == 0 {
		return nil, errParamCount
	}
	saved, err := r.savedArg(args[0])
	if err != nil {
		return nil, err
	}
	var difference, silent, noRefresh bool
	rollbackSeconds := 0
	for _, a := range lower(args[1:]) {
		switch {
		case a == "difference":
			difference = true
		case a == "silent":
			silent = true
		case a == "interactive", a == "no-key-generate":
		case a == "no-configure-refresh":
			noRefresh = true
		case strings.HasPrefix(a, "rollback-timer="):
			if rollbackSeconds, err = intArg(strings.TrimPrefix(a, "rollback-timer="), 120, 21474836); err != nil {
				return nil, err
			}
		default:
			return nil, errKeyword
		}
	}
	before := r.running
	delete(r.rollbacks, s)
	if rollbackSeconds > 0 {
		r.rollbacks[s] = &rollback{snapshot: before.clone(), deadline: at.Add(time.Duration(rollbackSeconds) * time.Second)}
	}
	r.running = saved.clone()
	r.dirty = false
	r.syncSchedules(at)
	if !noRefresh {
		r.refreshLocked(at)
	}
	if silent {
		return nil, nil
	}
	var out []string
	for _, line := range r.running.lines {
		if !difference || !slices.Contains(before.lines, line) {
			out = append(out, line)
		}
	}
	return out, nil
}
