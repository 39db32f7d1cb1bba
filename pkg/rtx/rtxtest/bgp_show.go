// BGP show output: `show status bgp neighbor ...` and `show ip route`.

package rtxtest

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

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
