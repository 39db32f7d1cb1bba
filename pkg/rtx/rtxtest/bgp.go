// BGP state: the applied BGP configuration, neighbors and their sessions,
// the routing table and what the import filters advertise.

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
