package azuretest

import (
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
)

// peerState is a peer and what the gateway learned from it.
type peerState struct {
	Peer
	connected bool
	learned   map[string]bool      // prefixes the gateway has learned
	since     map[string]time.Time // when a prefix's advertisement last changed, not yet propagated
}

// observeLocked brings every peer's session state and learned prefixes up
// to date with its speaker at the current time.
func (s *Server) observeLocked() {
	now := s.cfg.Now()
	for _, p := range s.peers {
		p.connected = p.Speaker != nil && p.Speaker.NeighborState(s.cfg.Gateway.BGPAddress) == "Established"
		if !p.connected {
			// A session that goes down withdraws everything at once.
			clear(p.learned)
			clear(p.since)
			continue
		}
		advertised := map[string]bool{}
		if !s.faults.NeverLearn {
			for _, prefix := range p.Speaker.AdvertisedPrefixes(s.cfg.Gateway.BGPAddress) {
				advertised[canonical(prefix)] = true
			}
		}
		for _, prefix := range slices.Concat(slices.Collect(maps.Keys(advertised)), slices.Collect(maps.Keys(p.learned))) {
			if advertised[prefix] == p.learned[prefix] {
				delete(p.since, prefix)
				continue
			}
			if _, ok := p.since[prefix]; !ok {
				p.since[prefix] = now
			}
			if now.Sub(p.since[prefix]) >= s.cfg.PropagationDelay {
				delete(p.since, prefix)
				if advertised[prefix] {
					p.learned[prefix] = true
				} else {
					delete(p.learned, prefix)
				}
			}
		}
	}
}

// canonical returns a prefix in its canonical CIDR form, or as given when
// it is not one.
func canonical(prefix string) string {
	if p, err := netip.ParsePrefix(prefix); err == nil {
		return p.Masked().String()
	}
	return prefix
}

// learnedPrefixes returns the prefixes learned from p, sorted.
func (p *peerState) learnedPrefixes() []string {
	return slices.Sorted(maps.Keys(p.learned))
}

// serveGateway starts the gateway operation action (getBgpPeerStatus or
// getLearnedRoutes).
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request, name, action string) {
	if !strings.EqualFold(name, s.cfg.Gateway.Name) {
		s.notFound(w, "virtualNetworkGateways", name)
		return
	}
	switch {
	case strings.EqualFold(action, "getBgpPeerStatus"):
		peer := r.URL.Query().Get("peer")
		s.startOperation(w, func() any { return s.peerStatusLocked(peer) })
	case strings.EqualFold(action, "getLearnedRoutes"):
		s.startOperation(w, func() any { return s.learnedRoutesLocked() })
	default:
		writeError(w, http.StatusNotFound, "NotFound", "No route for %s %s.", r.Method, r.URL.Path)
	}
}

// peerStatusLocked is the result of getBgpPeerStatus, for one peer when
// peer is not "".
func (s *Server) peerStatusLocked(peer string) armnetwork.BgpPeerStatusListResult {
	out := armnetwork.BgpPeerStatusListResult{Value: []*armnetwork.BgpPeerStatus{}}
	for _, p := range s.peers {
		if peer != "" && p.Address != peer {
			continue
		}
		st := &armnetwork.BgpPeerStatus{
			LocalAddress:      &s.cfg.Gateway.BGPAddress,
			Neighbor:          to(p.Address),
			Asn:               to(p.ASN),
			State:             to(armnetwork.BgpPeerStateConnecting),
			ConnectedDuration: to(""),
			RoutesReceived:    to(int64(len(p.learned))),
			MessagesSent:      to(int64(0)),
			MessagesReceived:  to(int64(0)),
		}
		if p.connected {
			st.State = to(armnetwork.BgpPeerStateConnected)
			st.ConnectedDuration = to("00:12:34.5000000")
			st.MessagesSent, st.MessagesReceived = to(int64(42)), to(int64(40))
		}
		out.Value = append(out.Value, st)
	}
	return out
}

// learnedRoutesLocked is the result of getLearnedRoutes: the virtual
// network's own prefixes (origin Network) and what the peers advertised
// (origin EBgp).
func (s *Server) learnedRoutesLocked() armnetwork.GatewayRouteListResult {
	gw := s.cfg.Gateway
	out := armnetwork.GatewayRouteListResult{Value: []*armnetwork.GatewayRoute{}}
	for _, prefix := range s.cfg.VNet {
		out.Value = append(out.Value, &armnetwork.GatewayRoute{
			LocalAddress: to(gw.BGPAddress), Network: to(prefix), NextHop: to(""),
			SourcePeer: to(gw.BGPAddress), Origin: to("Network"), AsPath: to(""), Weight: to(int32(32768)),
		})
	}
	for _, p := range s.peers {
		for _, prefix := range p.learnedPrefixes() {
			out.Value = append(out.Value, &armnetwork.GatewayRoute{
				LocalAddress: to(gw.BGPAddress), Network: to(prefix), NextHop: to(p.Address),
				SourcePeer: to(p.Address), Origin: to("EBgp"), AsPath: to(strconv.FormatInt(p.ASN, 10)), Weight: to(int32(32768)),
			})
		}
	}
	return out
}

// to returns a pointer to v, as the SDK's model types want.
func to[T any](v T) *T { return &v }
