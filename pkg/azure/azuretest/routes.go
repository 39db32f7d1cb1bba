package azuretest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
)

// serveEffectiveRoutes starts the effectiveRouteTable operation of a NIC.
func (s *Server) serveEffectiveRoutes(w http.ResponseWriter, r *http.Request, name string) {
	i := slices.IndexFunc(s.cfg.NICs, func(n NIC) bool { return strings.EqualFold(n.Name, name) })
	if i < 0 {
		s.notFound(w, "networkInterfaces", name)
		return
	}
	nic := s.cfg.NICs[i]
	s.startOperation(w, func() any { return s.effectiveRoutesLocked(nic) })
}

// effectiveRoutesLocked computes a NIC's effective routes as Azure shows
// them: the system routes (virtual network, default route to the
// Internet), the routes the gateway learned, and the user routes of the
// subnet's route table; a user route beats a learned one and both beat a
// system route for the same prefix, which is then listed as Invalid.
func (s *Server) effectiveRoutesLocked(nic NIC) armnetwork.EffectiveRouteListResult {
	user := s.tables[strings.ToLower(nic.RouteTable)]
	hasUser := func(prefix string) bool {
		return slices.ContainsFunc(user, func(r Route) bool { return canonical(r.AddressPrefix) == prefix })
	}
	learned := map[string]string{} // prefix -> peer address
	for _, p := range s.peers {
		for _, prefix := range p.learnedPrefixes() {
			learned[prefix] = p.Address
		}
	}
	state := func(overridden bool) *armnetwork.EffectiveRouteState {
		if overridden {
			return to(armnetwork.EffectiveRouteStateInvalid)
		}
		return to(armnetwork.EffectiveRouteStateActive)
	}
	var out []*armnetwork.EffectiveRoute
	system := func(prefix string, hop armnetwork.RouteNextHopType) {
		_, bgp := learned[prefix]
		out = append(out, &armnetwork.EffectiveRoute{
			Source: to(armnetwork.EffectiveRouteSourceDefault), State: state(bgp || hasUser(prefix)),
			AddressPrefix: []*string{to(prefix)}, NextHopType: to(hop), NextHopIPAddress: []*string{},
			DisableBgpRoutePropagation: to(false),
		})
	}
	for _, prefix := range s.cfg.VNet {
		system(canonical(prefix), armnetwork.RouteNextHopTypeVnetLocal)
	}
	system("0.0.0.0/0", armnetwork.RouteNextHopTypeInternet)
	for _, p := range s.peers {
		for _, prefix := range p.learnedPrefixes() {
			out = append(out, &armnetwork.EffectiveRoute{
				Source: to(armnetwork.EffectiveRouteSourceVirtualNetworkGateway), State: state(hasUser(prefix)),
				AddressPrefix: []*string{to(prefix)}, NextHopType: to(armnetwork.RouteNextHopTypeVirtualNetworkGateway),
				NextHopIPAddress: []*string{to(p.Address)}, DisableBgpRoutePropagation: to(false),
			})
		}
	}
	for _, r := range user {
		hops := []*string{}
		if r.NextHopIPAddress != "" {
			hops = append(hops, to(r.NextHopIPAddress))
		}
		out = append(out, &armnetwork.EffectiveRoute{
			Name: to(r.Name), Source: to(armnetwork.EffectiveRouteSourceUser), State: state(false),
			AddressPrefix: []*string{to(r.AddressPrefix)}, NextHopType: to(armnetwork.RouteNextHopType(r.NextHopType)),
			NextHopIPAddress: hops, DisableBgpRoutePropagation: to(false),
		})
	}
	return armnetwork.EffectiveRouteListResult{Value: out}
}

// serveRoutes serves the routes of a route table: GET (list or one) and PUT
// (a long-running create or update).
func (s *Server) serveRoutes(w http.ResponseWriter, r *http.Request, table string, rest []string) {
	routes, ok := s.tables[strings.ToLower(table)]
	if !ok {
		s.notFound(w, "routeTables", table)
		return
	}
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
		list := armnetwork.RouteListResult{Value: []*armnetwork.Route{}}
		for _, rt := range routes {
			list.Value = append(list.Value, s.routeModel(table, rt, armnetwork.ProvisioningStateSucceeded))
		}
		writeJSON(w, http.StatusOK, list)
	case len(rest) == 1 && r.Method == http.MethodGet:
		i := slices.IndexFunc(routes, func(rt Route) bool { return strings.EqualFold(rt.Name, rest[0]) })
		if i < 0 {
			s.notFound(w, "routeTables/"+table+"/routes", rest[0])
			return
		}
		writeJSON(w, http.StatusOK, s.routeModel(table, routes[i], armnetwork.ProvisioningStateSucceeded))
	case len(rest) == 1 && r.Method == http.MethodPut:
		s.putRoute(w, r, table, rest[0])
	default:
		writeError(w, http.StatusNotFound, "NotFound", "No route for %s %s.", r.Method, r.URL.Path)
	}
}

// putRoute starts creating or updating a route: 201 with the route
// "Updating" and an Azure-AsyncOperation header; the table changes when the
// operation succeeds.
func (s *Server) putRoute(w http.ResponseWriter, r *http.Request, table, name string) {
	var in armnetwork.Route
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Properties == nil ||
		in.Properties.AddressPrefix == nil || in.Properties.NextHopType == nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestFormat", "Cannot parse the request: a route needs properties.addressPrefix and properties.nextHopType.")
		return
	}
	rt := Route{Name: name, AddressPrefix: *in.Properties.AddressPrefix, NextHopType: string(*in.Properties.NextHopType)}
	if in.Properties.NextHopIPAddress != nil {
		rt.NextHopIPAddress = *in.Properties.NextHopIPAddress
	}
	key := strings.ToLower(table)
	s.newOperationLocked(w.Header(), func() any {
		routes := s.tables[key]
		if i := slices.IndexFunc(routes, func(x Route) bool { return strings.EqualFold(x.Name, name) }); i >= 0 {
			routes[i] = rt
		} else {
			s.tables[key] = append(routes, rt)
		}
		return nil
	})
	writeJSON(w, http.StatusCreated, s.routeModel(table, rt, armnetwork.ProvisioningStateUpdating))
}

// routeModel returns rt in the SDK's shape.
func (s *Server) routeModel(table string, rt Route, state armnetwork.ProvisioningState) *armnetwork.Route {
	m := &armnetwork.Route{
		ID:   to(s.resourceID("routeTables", table, "routes", rt.Name)),
		Name: to(rt.Name),
		Type: to("Microsoft.Network/routeTables/routes"),
		Etag: to(`W/"00000000-0000-0000-0000-000000000001"`),
		Properties: &armnetwork.RoutePropertiesFormat{
			AddressPrefix:     to(rt.AddressPrefix),
			NextHopType:       to(armnetwork.RouteNextHopType(rt.NextHopType)),
			ProvisioningState: to(state),
			HasBgpOverride:    to(false),
		},
	}
	if rt.NextHopIPAddress != "" {
		m.Properties.NextHopIPAddress = to(rt.NextHopIPAddress)
	}
	return m
}
