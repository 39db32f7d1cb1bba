package rtxtest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// jst is the router's wall-clock zone.
var jst = time.FixedZone("JST", 9*60*60)

// show runs `show ...` with optional `| grep` stages.
func (r *Router) show(s *session, ws []word, at time.Time) ([]string, error) {
	cmd, stages := splitPipes(ws)
	var greps []*grepStage
	for _, st := range stages {
		g, err := parseGrep(st)
		if err != nil {
			return nil, err
		}
		if g != nil {
			greps = append(greps, g)
		}
	}
	out, err := r.showOutput(s, lower(texts(cmd)), at)
	if err != nil {
		return nil, err
	}
	if len(stages) == 0 {
		return out, nil
	}
	for _, g := range greps {
		out = g.filter(out)
	}
	return append([]string{r.text("searching")}, out...), nil
}

// showOutput produces the output of a show command given as lower-case words.
func (r *Router) showOutput(s *session, a []string, at time.Time) ([]string, error) {
	if len(a) < 2 {
		return nil, errParamCount
	}
	switch {
	case a[1] == "config":
		if r.sc.Variants.ShowConfigAdminOnly && !s.admin {
			return nil, errAdminOnly
		}
		if len(a) > 2 && a[2] == "difference" {
			if !s.admin {
				return nil, errAdminOnly
			}
			return r.showConfigDifference(a[3:])
		}
		return r.showConfig(a[2:], at)
	case a[1] == "environment":
		return r.showEnvironment(at), nil
	case a[1] == "ip" && len(a) >= 3 && a[2] == "route":
		return r.showIPRoute(), nil
	case a[1] == "status" && len(a) >= 4 && a[2] == "bgp" && a[3] == "neighbor":
		return r.showBGPNeighbor(a[4:], at)
	case a[1] == "status" && len(a) == 3 && a[2] == "user":
		return r.showStatusUser(s, at), nil
	}
	return nil, errInvalidCommand
}

// showConfig prints `show config [N]`: the five header lines and the configuration.
func (r *Router) showConfig(args []string, at time.Time) ([]string, error) {
	cfg := r.running
	switch len(args) {
	case 0:
	case 1:
		saved, err := r.savedArg(args[0])
		if err != nil {
			return nil, err
		}
		cfg = saved
	default:
		return nil, errParamCount
	}
	macs := r.macs()
	macList := strings.Join(macs, ", ")
	if r.sc.legacyFirmware() {
		macList += ", "
	}
	hw := fmt.Sprintf("# main:  %s ver=00 serial=%s", r.model(), r.serial())
	for _, m := range macs {
		hw += " MAC-Address=" + m
	}
	out := []string{
		"# " + r.firmwareLine(),
		"# MAC Address : " + macList,
		"# Memory " + r.memory(),
		hw,
		"# Reporting Date: " + at.In(jst).Format("Jan 2 15:04:05 2006"), // "Jan 1 09:01:40 1980" in the RTX1500 capture
	}
	return append(out, cfg.lines...), nil
}

// showConfigDifference prints `show config difference [C1] C2` (C1 defaults to the
// running configuration, `-`): the lines only C1 has prefixed with "- ", then those only
// C2 has prefixed with "+ ". The real output format is not known; this one is a stand-in.
func (r *Router) showConfigDifference(args []string) ([]string, error) {
	if len(args) == 1 {
		args = []string{"-", args[0]}
	}
	if len(args) != 2 {
		return nil, errParamCount
	}
	var cfgs [2]*config
	for i, ref := range args {
		if ref == "-" {
			cfgs[i] = r.running
			continue
		}
		saved, err := r.savedArg(ref)
		if err != nil {
			return nil, err
		}
		cfgs[i] = saved
	}
	var out []string
	for _, l := range cfgs[0].lines {
		if !slices.Contains(cfgs[1].lines, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range cfgs[1].lines {
		if !slices.Contains(cfgs[0].lines, l) {
			out = append(out, "+ "+l)
		}
	}
	return out, nil
}

// showEnvironment prints `show environment` in the layout of the RTX1210 capture.
func (r *Router) showEnvironment(at time.Time) []string {
	hw := fmt.Sprintf("  main:  %s ver=00 serial=%s", r.model(), r.serial())
	for _, m := range r.macs() {
		hw += " MAC-Address=" + m
	}
	up := at.Sub(r.bootTime)
	const timeLayout = "2006/01/02 15:04:05 -07:00"
	return []string{
		r.model() + " BootROM Ver. 1.03",
		r.model() + " FlashROM Table Ver. 1.00",
		r.firmwareLine(),
		hw,
		r.statusText("env_cpu"),
		r.statusText("env_packet"),
		r.statusText("env_config", r.configNo),
		r.statusText("env_default", r.bootNo),
		r.statusText("env_baudrate"),
		r.statusText("env_boot_time", r.bootTime.In(jst).Format(timeLayout)),
		r.statusText("env_current_time", at.In(jst).Format(timeLayout)),
		r.statusText("env_elapsed", int(up.Hours())/24, clockDuration(up%(24*time.Hour))),
		r.statusText("env_security"),
		r.statusText("env_temperature"),
	}
}

// showStatusUser prints `show status user`: the scenario's other sessions, then the
// sessions logged in, marked `*` for the one asking and `+` in administrator mode. The
// anonymous user's name, `(noname)`, is a guess.
func (r *Router) showStatusUser(self *session, at time.Time) []string {
	out := []string{r.text("user_legend"), r.text("user_header"), strings.Repeat("-", 79)}
	for _, o := range r.sc.OtherSessions {
		out = append(out, userRow(false, o.Administrator, o.User, o.connection(), r.startTime, at.Sub(r.startTime), o.Address))
	}
	for _, s := range r.sessions {
		out = append(out, userRow(s == self, s.admin, s.user, s.lineName, s.loginAt, at.Sub(s.lastInput), s.remoteIP()))
	}
	return out
}

// userRow is one row of `show status user`.
func userRow(self, admin bool, name, connection string, login time.Time, idle time.Duration, addr string) string {
	mark := []byte("   ")
	if self {
		mark[0] = '*'
	}
	if admin {
		mark[1] = '+'
	}
	if name == "" {
		name = "(noname)"
	}
	line := fmt.Sprintf("%s%-16s%-11s%s  %d:%02d:%02d    %s", mark, name, connection,
		login.In(jst).Format("01/02 15:04"), int(idle.Hours()), int(idle.Minutes())%60, int(idle.Seconds())%60, addr)
	return strings.TrimRight(line, " ")
}

// firmwareLine is `MODEL Rev.X.YY.ZZ (build date)`.
func (r *Router) firmwareLine() string {
	date := r.sc.BuildDate
	if date == "" {
		date = "Fri Jul  5 11:17:45 2024"
	}
	return fmt.Sprintf("%s Rev.%s (%s)", r.model(), r.sc.revision(), date)
}

func (r *Router) model() string {
	if r.sc.Model == "" {
		return "RTX1210"
	}
	return r.sc.Model
}

func (r *Router) macs() []string {
	if len(r.sc.MACAddresses) > 0 {
		return r.sc.MACAddresses
	}
	return []string{"00:a0:de:00:00:01", "00:a0:de:00:00:02", "00:a0:de:00:00:03"}
}

func (r *Router) memory() string {
	if r.sc.Memory == "" {
		return "256Mbytes, 3LAN, 1BRI"
	}
	return r.sc.Memory
}

func (r *Router) serial() string {
	if r.sc.Serial == "" {
		return "S00000000"
	}
	return r.sc.Serial
}

// banner returns the lines printed after login, before the first prompt.
func (r *Router) banner() []string {
	date := r.sc.BuildDate
	if date == "" {
		date = "2024"
	}
	year := date[max(0, len(date)-4):]
	out := []string{"", r.firmwareLine()}
	if r.sc.legacyFirmware() {
		out = append(out,
			"Copyright (c) 1994-"+year+" Yamaha Corporation.",
			"  Copyright (c) 1991-1997 Regents of the University of California.",
			"  Copyright (c) 1995-1996 Jean-loup Gailly and Mark Adler.",
			"  Copyright (c) 1998-2000 Tokyo Institute of Technology.",
			"  Copyright (c) 2000 Japan Advanced Institute of Science and Technology, HOKURIKU.",
		)
	} else {
		out = append(out,
			"Copyright (c) 1994-"+year+" Yamaha Corporation. All Rights Reserved.",
			"To display the software copyright statement, use 'show copyright' command.",
		)
	}
	out = append(out, strings.Join(r.macs(), ", "), "Memory "+r.memory(), "")
	if r.sc.LoginPassword == "" {
		out = append(out, r.text("factory_notice"))
	}
	return out
}
