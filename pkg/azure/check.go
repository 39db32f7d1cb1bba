package azure

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
)

// DefaultRoute is the prefix forced tunnelling advertises to Azure.
const DefaultRoute = "0.0.0.0/0"

// KMSPrefixes are the Azure KMS addresses Windows VMs activate against;
// with forced tunnelling on, their subnets need routes to them with next
// hop Internet.
var KMSPrefixes = []string{"20.118.99.224/32", "40.83.235.53/32", "23.102.135.246/32"}

// Next hop types of effective routes.
const (
	NextHopInternet = string(armnetwork.RouteNextHopTypeInternet)
	NextHopGateway  = string(armnetwork.RouteNextHopTypeVirtualNetworkGateway)
)

// State is the router's forced-tunnelling state a check is judged
// against.
type State string

// States of the router.
const (
	On      State = "on"
	Off     State = "off"
	Unknown State = "unknown" // not read, or partial: facts are reported, not judged
)

// Target names the Azure resources of one router.
type Target struct {
	ResourceGroup string
	Gateway       string // virtual network gateway the router peers with
	// PeerAddress is the router's BGP address as the gateway knows it
	// (the BGP peer address of its local network gateway); "" = the
	// gateway's only peer.
	PeerAddress string
	NICs        []string // VM network interfaces whose effective routes are checked
}

// Verdict is the outcome of one check.
type Verdict string

// Verdicts.
const (
	VerdictOK   Verdict = "ok"   // Azure agrees with the router
	VerdictFail Verdict = "fail" // Azure disagrees
	VerdictInfo Verdict = "info" // a fact not judged (router state unknown, or not needed)
)

// Check is one judged fact.
type Check struct {
	Name    string  `json:"name"`    // peer, learned, default-route NIC, kms NIC
	Verdict Verdict `json:"verdict"` // ok, fail or info
	Message string  `json:"message"` // for network operators
}

// Peer is the gateway's BGP session with the router.
type Peer struct {
	Address        string `json:"address"`
	ASN            int64  `json:"asn"`
	State          string `json:"state"` // Connected, Connecting, Idle, Stopped, Unknown; "" when the gateway does not list the peer
	RoutesReceived int64  `json:"routes_received"`
}

// Connected reports whether the session is up.
func (p Peer) Connected() bool { return p.State == string(armnetwork.BgpPeerStateConnected) }

// Learned is what the gateway learned from the router.
type Learned struct {
	Default bool     `json:"default"` // 0.0.0.0/0 learned over eBGP from the peer
	Others  []string `json:"others"`  // the other prefixes learned from the peer, sorted
}

// KMSRoute is how a NIC reaches one KMS address.
type KMSRoute struct {
	Prefix  string `json:"prefix"`
	Present bool   `json:"present"`  // an active route for exactly this /32 with next hop Internet
	NextHop string `json:"next_hop"` // next hop type of the active route for exactly this /32; "" = none
}

// NIC is what a NIC's effective route table says.
type NIC struct {
	Name string `json:"name"`
	// DefaultNextHop is the next hop type of the active 0.0.0.0/0 route:
	// VirtualNetworkGateway with forced tunnelling on, Internet when off;
	// "" = no active default route.
	DefaultNextHop string     `json:"default_next_hop"`
	KMS            []KMSRoute `json:"kms"`
}

// KMSMissing returns the KMS prefixes without a route to the Internet.
func (n NIC) KMSMissing() []string {
	var out []string
	for _, k := range n.KMS {
		if !k.Present {
			out = append(out, k.Prefix)
		}
	}
	return out
}

// Report is the Azure side of one router.
type Report struct {
	Gateway string  `json:"gateway"`
	Router  State   `json:"router"` // the state the checks are judged against
	Peer    Peer    `json:"peer"`
	Learned Learned `json:"learned"`
	NICs    []NIC   `json:"nics"`
	Checks  []Check `json:"checks"`
}

// Agrees reports whether no check failed.
func (r *Report) Agrees() bool {
	return !slices.ContainsFunc(r.Checks, func(c Check) bool { return c.Verdict == VerdictFail })
}

// Check reads the gateway's BGP peer status and learned routes and each
// NIC's effective routes (in parallel: each is a long-running operation),
// then judges them against router, the router's forced-tunnelling state
// (Unknown: facts only). It sends no change.
func (c *Client) Check(ctx context.Context, t Target, router State) (*Report, error) {
	if t.ResourceGroup == "" || t.Gateway == "" {
		return nil, fmt.Errorf("azure: resource group and gateway are required")
	}
	rep := &Report{Gateway: t.Gateway, Router: router, NICs: make([]NIC, len(t.NICs))}
	var (
		wg     sync.WaitGroup
		peers  []*armnetwork.BgpPeerStatus
		routes []*armnetwork.GatewayRoute
		errs   = make([]error, 2+len(t.NICs))
	)
	wg.Go(func() { peers, errs[0] = c.peerStatus(ctx, t) })
	wg.Go(func() { routes, errs[1] = c.learnedRoutes(ctx, t) })
	for i, name := range t.NICs {
		wg.Go(func() { rep.NICs[i], errs[2+i] = c.nic(ctx, t.ResourceGroup, name) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	peer, err := choosePeer(peers, t.PeerAddress, t.Gateway)
	if err != nil {
		return nil, err
	}
	rep.Peer = peer
	rep.Learned = learnedFrom(routes, peer.Address)
	rep.Checks = judge(rep)
	return rep, nil
}

func (c *Client) peerStatus(ctx context.Context, t Target) ([]*armnetwork.BgpPeerStatus, error) {
	opts := &armnetwork.VirtualNetworkGatewaysClientBeginGetBgpPeerStatusOptions{}
	if t.PeerAddress != "" {
		opts.Peer = &t.PeerAddress
	}
	res, err := poll(ctx, c, "read the BGP peer status of gateway "+t.Gateway, func() (*runtime.Poller[armnetwork.VirtualNetworkGatewaysClientGetBgpPeerStatusResponse], error) {
		return c.gateways.BeginGetBgpPeerStatus(ctx, t.ResourceGroup, t.Gateway, opts)
	})
	return res.Value, err
}

func (c *Client) learnedRoutes(ctx context.Context, t Target) ([]*armnetwork.GatewayRoute, error) {
	res, err := poll(ctx, c, "read the routes gateway "+t.Gateway+" learned", func() (*runtime.Poller[armnetwork.VirtualNetworkGatewaysClientGetLearnedRoutesResponse], error) {
		return c.gateways.BeginGetLearnedRoutes(ctx, t.ResourceGroup, t.Gateway, nil)
	})
	return res.Value, err
}

func (c *Client) nic(ctx context.Context, rg, name string) (NIC, error) {
	res, err := poll(ctx, c, "read the effective routes of network interface "+name, func() (*runtime.Poller[armnetwork.InterfacesClientGetEffectiveRouteTableResponse], error) {
		return c.nics.BeginGetEffectiveRouteTable(ctx, rg, name, nil)
	})
	if err != nil {
		return NIC{}, err
	}
	return effective(name, res.Value), nil
}

// poll starts a long-running operation with begin and polls it until it
// ends, within ctx; errors say what was being done.
func poll[T any](ctx context.Context, c *Client, what string, begin func() (*runtime.Poller[T], error)) (T, error) {
	var zero T
	p, err := begin()
	if err != nil {
		return zero, wrap(what, err)
	}
	res, err := p.PollUntilDone(ctx, &c.poll)
	if err != nil {
		return zero, wrap(what, err)
	}
	return res, nil
}

// choosePeer returns the gateway's peer at addr, or its only peer when addr
// is "". An active-active gateway lists a peer once per instance: the peer
// is Connected when one of them is. A peer the gateway does not list has an
// empty State.
func choosePeer(peers []*armnetwork.BgpPeerStatus, addr, gateway string) (Peer, error) {
	byAddr := map[string]Peer{}
	var order []string
	for _, p := range peers {
		if p == nil || p.Neighbor == nil || (addr != "" && !sameAddr(*p.Neighbor, addr)) {
			continue
		}
		peer := Peer{Address: *p.Neighbor, ASN: deref(p.Asn), State: string(deref(p.State)), RoutesReceived: deref(p.RoutesReceived)}
		prev, seen := byAddr[peer.Address]
		if !seen {
			order = append(order, peer.Address)
		}
		if !seen || (!prev.Connected() && peer.Connected()) {
			byAddr[peer.Address] = peer
		}
	}
	switch {
	case len(order) == 1:
		return byAddr[order[0]], nil
	case addr != "":
		return Peer{Address: addr}, nil
	case len(order) == 0:
		return Peer{}, fmt.Errorf("gateway %s has no BGP peers", gateway)
	}
	return Peer{}, fmt.Errorf("gateway %s has %d BGP peers (%s): say which is the router (peer address)", gateway, len(order), strings.Join(order, ", "))
}

// learnedFrom sorts out what the gateway learned from the peer at addr over
// eBGP.
func learnedFrom(routes []*armnetwork.GatewayRoute, addr string) Learned {
	l := Learned{Others: []string{}}
	for _, r := range routes {
		if r == nil || r.Network == nil || !strings.EqualFold(deref(r.Origin), "EBgp") || !sameAddr(deref(r.SourcePeer), addr) {
			continue
		}
		if samePrefix(*r.Network, DefaultRoute) {
			l.Default = true
			continue
		}
		if !slices.Contains(l.Others, *r.Network) {
			l.Others = append(l.Others, *r.Network)
		}
	}
	slices.Sort(l.Others)
	return l
}

// effective sorts out a NIC's effective routes: the active default route's
// next hop and the KMS routes.
func effective(name string, routes []*armnetwork.EffectiveRoute) NIC {
	n := NIC{Name: name, KMS: make([]KMSRoute, len(KMSPrefixes))}
	for i, k := range KMSPrefixes {
		n.KMS[i].Prefix = k
	}
	for _, r := range routes {
		if r == nil || r.State == nil || *r.State != armnetwork.EffectiveRouteStateActive {
			continue
		}
		hop := ""
		if r.NextHopType != nil {
			hop = string(*r.NextHopType)
		}
		for _, p := range r.AddressPrefix {
			if p == nil {
				continue
			}
			if samePrefix(*p, DefaultRoute) {
				n.DefaultNextHop = hop
			}
			for i := range n.KMS {
				if samePrefix(*p, n.KMS[i].Prefix) {
					n.KMS[i].NextHop = hop
					n.KMS[i].Present = hop == NextHopInternet
				}
			}
		}
	}
	return n
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// sameAddr compares two IP addresses, textually when they do not parse.
func sameAddr(a, b string) bool {
	x, errx := netip.ParseAddr(a)
	y, erry := netip.ParseAddr(b)
	if errx != nil || erry != nil {
		return strings.EqualFold(a, b)
	}
	return x == y
}

// samePrefix compares two CIDR prefixes, textually when they do not parse.
func samePrefix(a, b string) bool {
	x, errx := netip.ParsePrefix(a)
	y, erry := netip.ParsePrefix(b)
	if errx != nil || erry != nil {
		return a == b
	}
	return x.Masked() == y.Masked()
}
