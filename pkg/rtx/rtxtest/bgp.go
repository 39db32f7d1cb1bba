package rtxtest

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// bgpState is what the BGP process runs with: the bgp lines of the running configuration
// at the last refresh, and when that refresh happened (neighbors re-establish after it).
type bgpState struct {
	config      *config
	refreshedAt time.Time
}

// apply takes the BGP configuration from cfg; neighbors go down and re-establish after the delay.
func (b *bgpState) apply(cfg *config, at time.Time) {
	b.config = &config{lines: cfg.withPrefix("bgp")}
	b.refreshedAt = at
}

// neighbor is an applied `bgp neighbor` line.
type neighbor struct {
	remoteAS, addr string
	holdTime       string
	localAddress   string
}

func (b *bgpState) neighbors() []neighbor {
	var out []neighbor
	for _, line := range b.config.lines {
		f := strings.Fields(line)
		if len(f) < 5 || f[1] != "neighbor" || f[2] == "pre-shared-key" {
			continue
		}
		n := neighbor{remoteAS: f[3], addr: f[4], holdTime: "180"}
		for _, opt := range f[5:] {
			name, value, _ := strings.Cut(opt, "=")
			switch name {
			case "hold-time":
				n.holdTime = value
			case "local-address":
				n.localAddress = value
			}
		}
		out = append(out, n)
	}
	return out
}

func (b *bgpState) neighbor(addr string) (neighbor, bool) {
	for _, n := range b.neighbors() {
		if n.addr == addr {
			return n, true
		}
	}
	return neighbor{}, false
}

// value returns the first parameter of an applied single-valued bgp setting.
func (b *bgpState) value(key string) string {
	if v, ok := b.config.get(key); ok && len(v) > 0 {
		return v[0]
	}
	return ""
}

// establishDelay is how long neighbors stay down after a refresh.
func (r *Router) establishDelay() time.Duration {
	if r.sc.BGP.EstablishDelay > 0 {
		return r.sc.BGP.EstablishDelay
	}
	return 3 * time.Second
}

// neighborState is the state of an applied neighbor at fake time now.
func (r *Router) neighborState(n neighbor, now time.Time) string {
	if !strings.EqualFold(r.bgp.value("bgp use"), "on") || r.bgp.value("bgp autonomous-system") == "" {
		return "Idle"
	}
	if r.faults.BGPNeverEstablishes || now.Before(r.bgp.refreshedAt.Add(r.establishDelay())) {
		if r.sc.BGP.DownState == "" {
			return "Active"
		}
		return r.sc.BGP.DownState
	}
	return "Established"
}

// refreshLocked runs `bgp configure refresh` at fake time at.
func (r *Router) refreshLocked(at time.Time) {
	r.bgp.apply(r.running, at)
	for _, s := range r.sessions {
		s.reminded = false
	}
}

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

// route is an entry of the routing table.
type route struct {
	prefix  netip.Prefix
	gateway string
	iface   string
	kind    string
}

// routesLocked builds the routing table from the running configuration: `ip route` lines
// (static) and the networks of `ip lanN address` lines (implicit).
func (r *Router) routesLocked() []route {
	var lans []route
	var static []route
	for _, line := range r.running.withPrefix("ip") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 4 && strings.HasPrefix(f[1], "lan") && f[2] == "address":
			p, err := netip.ParsePrefix(f[3])
			if err != nil {
				continue
			}
			lans = append(lans, route{prefix: p.Masked(), gateway: p.Addr().String(), iface: strings.ToUpper(f[1]), kind: "implicit"})
		case len(f) >= 5 && f[1] == "route" && f[3] == "gateway":
			p, err := prefixArg(routeDest(f[2]), true)
			if err != nil {
				continue
			}
			static = append(static, route{prefix: p.Masked(), gateway: strings.Join(f[4:], " "), kind: "static"})
		}
	}
	for i, s := range static {
		static[i].gateway, static[i].iface = gatewayInterface(s.gateway, lans)
	}
	return append(static, lans...)
}

// gatewayInterface describes an `ip route` gateway as show ip route does.
func gatewayInterface(gw string, lans []route) (string, string) {
	f := strings.Fields(gw)
	switch {
	case len(f) >= 2 && f[0] == "pp":
		n, _ := strconv.Atoi(f[1])
		return "-", fmt.Sprintf("PP[%02d]", n)
	case len(f) >= 2 && f[0] == "tunnel":
		return "-", "TUNNEL[" + f[1] + "]"
	case len(f) >= 2 && f[0] == "dhcp":
		return "***.***.***.***", strings.ToUpper(f[1]) + "(DHCP)"
	case len(f) >= 1:
		if a, err := netip.ParseAddr(f[0]); err == nil {
			for _, l := range lans {
				if l.prefix.Contains(a) {
					return f[0], l.iface
				}
			}
			return f[0], "-"
		}
	}
	return gw, "-"
}

// filterEntry is an applied `bgp import filter` line.
type filterEntry struct {
	reject   bool
	kind     string
	prefixes []netip.Prefix
}

// matches reports whether the filter matches the route prefix p.
func (f filterEntry) matches(p netip.Prefix) bool {
	for _, fp := range f.prefixes {
		inside := p.Bits() >= fp.Bits() && fp.Masked().Contains(p.Addr())
		switch f.kind {
		case "include":
			if inside {
				return true
			}
		case "refines":
			if inside && p.Bits() > fp.Bits() {
				return true
			}
		case "equal":
			if p.Masked() == fp.Masked() {
				return true
			}
		}
	}
	return false
}

// importFilters returns the applied `bgp import filter` lines by number.
func (b *bgpState) importFilters() map[string]filterEntry {
	out := map[string]filterEntry{}
	for _, line := range b.config.lines {
		f := lower(strings.Fields(line))
		if len(f) < 6 || f[1] != "import" || f[2] != "filter" {
			continue
		}
		e := filterEntry{}
		rest := f[4:]
		if rest[0] == "reject" {
			e.reject, rest = true, rest[1:]
		}
		e.kind = rest[0]
		for _, p := range rest[1:] {
			if p == "all" {
				p = "0.0.0.0/0"
				e.kind = "include"
			}
			if pp, err := netip.ParsePrefix(p); err == nil {
				e.prefixes = append(e.prefixes, pp)
			}
		}
		out[f[3]] = e
	}
	return out
}

// staticImport returns the filter numbers of the applied `bgp import AS static filter ...` line.
func (b *bgpState) staticImport(as string) []string {
	for _, line := range b.config.lines {
		f := lower(strings.Fields(line))
		if len(f) >= 6 && f[1] == "import" && f[2] == as && f[3] == "static" && f[4] == "filter" {
			return f[5:]
		}
	}
	return nil
}

// advertised returns the prefixes advertised to the neighbor at addr at fake time now.
func (r *Router) advertised(addr string, now time.Time) []string {
	n, ok := r.bgp.neighbor(addr)
	if !ok || r.neighborState(n, now) != "Established" {
		return nil
	}
	filters := r.bgp.importFilters()
	numbers := r.bgp.staticImport(n.remoteAS)
	var out []string
	for _, rt := range r.routesLocked() {
		for _, num := range numbers {
			f, ok := filters[num]
			if !ok || !f.matches(rt.prefix) {
				continue
			}
			if !f.reject {
				out = append(out, r.prefixName(rt.prefix))
			}
			break
		}
	}
	return out
}

// prefixName prints a prefix as the router's route tables do.
func (r *Router) prefixName(p netip.Prefix) string {
	if p.Bits() == 0 && r.sc.Variants.DefaultRoute != "0.0.0.0/0" {
		return "default"
	}
	return p.String()
}

// showBGPNeighbor prints `show status bgp neighbor [ADDR [advertised-routes|received-routes|routes]]`.
func (r *Router) showBGPNeighbor(args []string, now time.Time) ([]string, error) {
	switch len(args) {
	case 0:
		var out []string
		for i, n := range r.bgp.neighbors() {
			if i > 0 {
				out = append(out, "")
			}
			out = append(out, r.neighborBlock(n, now)...)
		}
		return out, nil
	case 1, 2:
	default:
		return nil, errParamCount
	}
	if err := ipArg(args[0]); err != nil {
		return nil, err
	}
	n, ok := r.bgp.neighbor(args[0])
	if len(args) == 1 {
		if !ok {
			return nil, nil
		}
		return r.neighborBlock(n, now), nil
	}
	var prefixes []string
	switch strings.ToLower(args[1]) {
	case "advertised-routes":
		prefixes = r.advertised(args[0], now)
	case "received-routes", "routes":
	default:
		return nil, errKeyword
	}
	out := []string{
		fmt.Sprintf("Total routes: %d", len(prefixes)),
		"*: valid route",
		"  Network            Next Hop        Metric LocPrf Path",
	}
	for _, p := range prefixes {
		out = append(out, fmt.Sprintf("* %-19s%-16s%6d %6s %s", p, "0.0.0.0", 0, "", "IGP"))
	}
	return out, nil
}

// neighborBlock prints one neighbor's status block.
func (r *Router) neighborBlock(n neighbor, now time.Time) []string {
	state := r.neighborState(n, now)
	localAS := r.bgp.value("bgp autonomous-system")
	stateLine := fmt.Sprintf("  %s = %s", r.statusText("bgp_state"), r.stateWord(state))
	head := r.statusText("bgp_neighbor", n.addr, n.remoteAS, localAS)
	if state != "Established" {
		return []string{
			head,
			r.statusText("bgp_version", 0, "0.0.0.0"),
			stateLine,
			r.statusText("bgp_last_read", 0, 0),
			r.statusText("bgp_received", 0),
			r.statusText("bgp_sent", 0),
			r.statusText("bgp_connections", 0),
			r.statusText("bgp_last_reset"),
			r.statusText("bgp_local_host", r.statusText("bgp_unspecified")),
			r.statusText("bgp_foreign_host", n.addr, 0),
		}
	}
	up := now.Sub(r.bgp.refreshedAt.Add(r.establishDelay()))
	hold, _ := strconv.Atoi(n.holdTime)
	local := n.localAddress
	if local == "" {
		local = r.statusText("bgp_unspecified")
	}
	msgs := int(up/(time.Duration(max(hold/3, 1))*time.Second)) + 1
	return []string{
		head,
		r.statusText("bgp_version", 4, n.addr),
		stateLine + r.statusText("bgp_up_for", clockDuration(up)),
		r.statusText("bgp_last_read", hold, hold/3),
		r.statusText("bgp_received", msgs),
		r.statusText("bgp_sent", msgs),
		r.statusText("bgp_connections", 1),
		r.statusText("bgp_last_reset"),
		r.statusText("bgp_local_host", local) + r.statusText("bgp_local_port", 179),
		r.statusText("bgp_foreign_host", n.addr, 50123),
	}
}

// clockDuration formats a duration as hh:mm:ss.
func clockDuration(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// showIPRoute prints `show ip route`.
func (r *Router) showIPRoute() []string {
	out := []string{r.text("route_header")}
	for _, rt := range r.routesLocked() {
		dest := rt.prefix.String()
		if rt.prefix.Bits() == 0 {
			dest = "default"
		}
		out = append(out, fmt.Sprintf("%-20s%-17s%-14s%8s  ", dest, rt.gateway, rt.iface, rt.kind))
	}
	return out
}
