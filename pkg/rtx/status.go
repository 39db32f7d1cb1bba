package rtx

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// NeighborSession is one block of `show status bgp neighbor [ADDRESS]`.
type NeighborSession struct {
	// Address is the neighbor address from `BGP neighbor is ADDRESS, ...`;
	// "" when the block has no such line.
	Address string
	// RemoteAS is the AS from `remote AS N`; 0 when not printed.
	RemoteAS int
	// State is the RFC 4271 state (`Idle`, `Active`, `Established`, ...) from
	// `BGP state = STATE`. When that line is missing (for example under a
	// translated label) it is the first state word after "=" or ":", else
	// "Established" if the block says established anywhere, else "".
	State string
}

// Established reports whether the session is up.
func (n NeighborSession) Established() bool {
	return strings.EqualFold(n.State, "Established")
}

var (
	neighborHeadRE = regexp.MustCompile(`^BGP neighbor is ([^\s,]+)(?:,\s*remote AS (\d+))?`)
	bgpStateRE     = regexp.MustCompile(`BGP state\s*=\s*(\w+)`)
	// anyStateRE finds a state word after "=" or ":" under a translated label.
	anyStateRE      = regexp.MustCompile(`[=:：]\s*(Idle|Connect|Active|OpenSent|OpenConfirm|Established)\b`)
	establishedRE   = regexp.MustCompile(`(?i)\bestablished\b`)
	establishedCntR = regexp.MustCompile(`(?i)established\s*[:=]?\s*\d`)
)

// ParseNeighborSessions parses the output of `show status bgp neighbor
// [ADDRESS]`: one NeighborSession per `BGP neighbor is ...` block, in order.
// Output without any such line gives one block built from the whole text
// (Address "").
func ParseNeighborSessions(text string) []NeighborSession {
	var blocks [][]string
	for _, line := range splitLines(text) {
		line = strings.TrimSpace(line)
		if neighborHeadRE.MatchString(line) || len(blocks) == 0 {
			blocks = append(blocks, nil)
		}
		blocks[len(blocks)-1] = append(blocks[len(blocks)-1], line)
	}
	var out []NeighborSession
	for _, b := range blocks {
		if n, ok := parseNeighborBlock(b); ok {
			out = append(out, n)
		}
	}
	return out
}

func parseNeighborBlock(lines []string) (NeighborSession, bool) {
	var n NeighborSession
	found := false
	for _, l := range lines {
		if m := neighborHeadRE.FindStringSubmatch(l); m != nil {
			n.Address = m[1]
			n.RemoteAS, _ = parseID(m[2])
			found = true
		}
		if n.State == "" {
			if m := bgpStateRE.FindStringSubmatch(l); m != nil {
				n.State = m[1]
				found = true
			}
		}
	}
	for _, l := range lines {
		if n.State != "" {
			break
		}
		if m := anyStateRE.FindStringSubmatch(l); m != nil {
			n.State = m[1]
			found = true
		}
	}
	if n.State == "" {
		for _, l := range lines {
			// "Connection established 1; dropped 0" is a counter, not the state.
			if establishedRE.MatchString(l) && !establishedCntR.MatchString(l) {
				n.State = "Established"
				found = true
				break
			}
		}
	}
	return n, found
}

// AdvertisedRoutes is the parsed output of
// `show status bgp neighbor ADDRESS advertised-routes`.
type AdvertisedRoutes struct {
	// Default reports a `default` (or `0.0.0.0/0`) row.
	Default bool
	// Prefixes are the other advertised networks, as printed, in order.
	Prefixes []string
}

// ParseAdvertisedRoutes parses the route table printed by
// `show status bgp neighbor ADDRESS advertised-routes`. A row is a line whose
// first word (after optional status marks such as `*` or `*>`) is `default`,
// an address or an address/length; headers, legends and totals are skipped.
func ParseAdvertisedRoutes(text string) AdvertisedRoutes {
	var r AdvertisedRoutes
	for _, line := range splitLines(text) {
		f := strings.Fields(line)
		if len(f) > 1 && strings.Trim(f[0], "*>=isdhr") == "" {
			f = f[1:]
		}
		if len(f) < 2 {
			continue
		}
		net := f[0]
		switch {
		case net == "default" || net == DefaultPrefix:
			r.Default = true
		case isNetwork(net):
			r.Prefixes = append(r.Prefixes, net)
		}
	}
	return r
}

// isNetwork reports whether s is an IP address with or without a prefix length.
func isNetwork(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// TunnelState is the forced-tunnelling state of a router.
type TunnelState string

// Forced-tunnelling states.
const (
	TunnelOn      TunnelState = "on"
	TunnelOff     TunnelState = "off"
	TunnelPartial TunnelState = "partial" // inconsistent; TunnelStatus.Issues says why
)

// NeighborState is what a BGP neighbor of the peer AS reports.
type NeighborState struct {
	// Address is the neighbor's address from its `bgp neighbor` line.
	Address string `json:"address"`
	// State is the BGP state as in [NeighborSession.State]; "" when unknown.
	State string `json:"state"`
	// AdvertisesDefault reports that the default route is in the neighbor's
	// advertised routes.
	AdvertisesDefault bool `json:"advertises_default"`
	// Advertised are the other prefixes advertised to the neighbor; with an
	// `include 0.0.0.0/0` filter these include every static and implicit
	// route (such as the WAN address), which is worth knowing.
	Advertised []string `json:"advertised,omitempty"`
}

// established reports whether the neighbor's session is up.
func (n NeighborState) established() bool {
	return NeighborSession{State: n.State}.Established()
}

// TunnelStatus is the forced-tunnelling state of one router, as shown by
// `rtxctl tunnel status`.
type TunnelStatus struct {
	// Host is StatusOptions.Host: the name the caller knows the router by.
	Host string `json:"host"`
	// Tunnel is the overall state: on or off when the configuration and the
	// routes advertised to established neighbors agree, else partial.
	Tunnel TunnelState `json:"tunnel"`
	// Config is the state the running configuration describes (on, off, or
	// partial when a filter is defined but not referenced or the reverse).
	Config TunnelState `json:"config"`
	// Saved reports that the saved configuration has the same BGP lines as
	// the running one. It is only meaningful when SavedChecked is true.
	Saved bool `json:"saved"`
	// SavedChecked reports whether the saved configuration could be read
	// (the router implements [SavedConfigReader]).
	SavedChecked bool `json:"saved_checked"`
	// ConfigFiles are the saved configuration the router runs (the one
	// compared with) and the one it boots from; nil when the router does
	// not implement [ConfigFileReader].
	ConfigFiles *ConfigFiles `json:"config_files,omitempty"`
	// PeerAS is the remote AS looked at (given or derived from the neighbors).
	PeerAS int `json:"peer_as"`
	// FilterID is the filter that carries the default route when rtxctl
	// turns forced tunnelling on.
	FilterID int `json:"filter_id"`
	// Filters are the IDs of the referenced filters that advertise the
	// default route to the peer (normally just FilterID).
	Filters []int `json:"filters,omitempty"`
	// Neighbor is the first neighbor of the peer AS; Neighbors lists all
	// (only they are in JSON: the first is Neighbors[0]).
	Neighbor  NeighborState   `json:"-"`
	Neighbors []NeighborState `json:"neighbors"`
	// AdvertisesDefault reports that every established neighbor of the peer
	// AS is sent the default route (false when none is established).
	AdvertisesDefault bool `json:"advertises_default"`
	// Issues explains a partial state and anything else worth a warning.
	Issues []string `json:"issues,omitempty"`
	// Model and Revision come from the login banner ([Client.Info]); "" when
	// the router does not offer them.
	Model    string `json:"model"`
	Revision string `json:"revision"`
	// Lines are the running BGP configuration lines in canonical order.
	Lines []string `json:"bgp"`
	// BGP is the parsed running configuration, for [PlanTunnel].
	BGP *BGP `json:"-"`
}

// runStatus runs cmd, whose output is parsed, in English when r can.
func runStatus(ctx context.Context, r Commander, cmd string) (string, error) {
	if sr, ok := r.(StatusRunner); ok {
		return sr.RunStatus(ctx, cmd)
	}
	return r.Run(ctx, cmd)
}

// ConfigFiles names the saved configurations a router uses.
type ConfigFiles struct {
	// Running is the saved configuration the router runs: what `save`
	// writes and what the saved comparison reads (`Config. file:`).
	Running int `json:"running"`
	// Boot is the saved configuration the router loads at its next boot
	// (`Default config. file:`); a `restart` brings it back.
	Boot int `json:"boot"`
}

// Console commands used to read the state.
const (
	cmdShowBGPConfig = "show config | grep bgp"
	cmdRefresh       = "bgp configure refresh"
)

func cmdNeighborSession(addr string) string { return "show status bgp neighbor " + addr }
func cmdAdvertisedRoutes(addr string) string {
	return "show status bgp neighbor " + addr + " advertised-routes"
}

// StatusOptions selects what [ReadTunnelStatus] looks at.
type StatusOptions struct {
	// Host is copied into TunnelStatus.Host.
	Host string
	// PeerAS is the Azure side's AS; 0 means the AS of the configured
	// neighbors, which must all share one AS.
	PeerAS int
	// FilterID is the import filter that carries the default route; 0 means 2.
	FilterID int
}

// ReadBGP reads the running BGP configuration with `show config | grep bgp`.
func ReadBGP(ctx context.Context, r Commander) (*BGP, error) {
	out, err := r.Run(ctx, cmdShowBGPConfig)
	if err != nil {
		return nil, fmt.Errorf("read bgp configuration: %w", err)
	}
	return ParseBGP(out)
}

// ReadNeighbors reads the session state and advertised routes of each
// neighbor address.
func ReadNeighbors(ctx context.Context, r Commander, addrs []string) ([]NeighborState, error) {
	out := make([]NeighborState, 0, len(addrs))
	for _, a := range addrs {
		st, err := readNeighbor(ctx, r, a)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func readNeighbor(ctx context.Context, r Commander, addr string) (NeighborState, error) {
	st := NeighborState{Address: addr}
	text, err := runStatus(ctx, r, cmdNeighborSession(addr))
	if err != nil {
		return st, fmt.Errorf("read bgp neighbor %s: %w", addr, err)
	}
	for _, n := range ParseNeighborSessions(text) {
		if n.Address == addr || n.Address == "" {
			st.State = n.State
			break
		}
	}
	text, err = runStatus(ctx, r, cmdAdvertisedRoutes(addr))
	if err != nil {
		return st, fmt.Errorf("read routes advertised to %s: %w", addr, err)
	}
	adv := ParseAdvertisedRoutes(text)
	st.AdvertisesDefault, st.Advertised = adv.Default, adv.Prefixes
	return st, nil
}

// ReadTunnelStatus reads the running BGP configuration and the state of the
// peer's neighbors and tells whether forced tunnelling is on. It only runs
// `show` commands (status text in English when r is a [StatusRunner]).
// When r implements [SavedConfigReader] the saved configuration is
// compared too; when it implements [ConfigFileReader] TunnelStatus.ConfigFiles
// is filled in; when it implements Info() (as *Client does) model and
// revision are filled in. Cancelling ctx aborts the command in progress.
func ReadTunnelStatus(ctx context.Context, r Commander, opts StatusOptions) (*TunnelStatus, error) {
	bgp, err := ReadBGP(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("read forced tunnel status: %w", err)
	}
	peer, err := resolvePeerAS(bgp, opts.PeerAS)
	if err != nil {
		return nil, fmt.Errorf("read forced tunnel status: %w", err)
	}
	neighbors, err := ReadNeighbors(ctx, r, neighborAddrs(bgp, peer))
	if err != nil {
		return nil, fmt.Errorf("read forced tunnel status: %w", err)
	}
	st := newTunnelStatus(bgp, peer, filterIDOrDefault(opts.FilterID), neighbors)
	st.Host = opts.Host
	if in, ok := r.(infoer); ok {
		info := in.Info()
		st.Model, st.Revision = info.Model, info.Revision
	}
	if cr, ok := r.(ConfigFileReader); ok {
		files, err := cr.ConfigFiles(ctx)
		if err != nil {
			return nil, fmt.Errorf("read forced tunnel status: %w", err)
		}
		st.ConfigFiles = &files
	}
	if sr, ok := r.(SavedConfigReader); ok {
		text, err := sr.SavedConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("read forced tunnel status: read saved configuration: %w", err)
		}
		saved, err := ParseBGP(text)
		if err != nil {
			return nil, fmt.Errorf("read forced tunnel status: read saved configuration: %w", err)
		}
		st.SavedChecked = true
		st.Saved = slices.Equal(saved.Lines(), st.Lines)
		if !st.Saved {
			st.Issues = append(st.Issues, "running BGP configuration differs from the saved one")
		}
	}
	return st, nil
}

// newTunnelStatus combines the configuration analysis with the observed
// neighbors.
func newTunnelStatus(bgp *BGP, peer, filterID int, neighbors []NeighborState) *TunnelStatus {
	a := analyze(bgp, peer, filterID)
	st := &TunnelStatus{
		Config:    a.state,
		Tunnel:    a.state,
		PeerAS:    peer,
		FilterID:  filterID,
		Filters:   a.active,
		Neighbors: neighbors,
		Issues:    slices.Clone(a.issues),
		Lines:     bgp.Lines(),
		BGP:       bgp,
	}
	if len(neighbors) > 0 {
		st.Neighbor = neighbors[0]
	}
	up, advertising := 0, 0
	for _, n := range neighbors {
		if !n.established() {
			st.Issues = append(st.Issues, fmt.Sprintf("bgp neighbor %s is not established (state %s)", n.Address, stateOrUnknown(n.State)))
			continue
		}
		up++
		if n.AdvertisesDefault {
			advertising++
		}
	}
	st.AdvertisesDefault = up > 0 && advertising == up
	if up > 0 {
		switch {
		case a.state == TunnelOn && advertising < up:
			st.Tunnel = TunnelPartial
			st.Issues = append(st.Issues, "configuration says on but the default route is not advertised (bgp configure refresh not run?)")
		case a.state == TunnelOff && advertising > 0:
			st.Tunnel = TunnelPartial
			st.Issues = append(st.Issues, "configuration says off but the default route is still advertised (bgp configure refresh not run?)")
		}
	}
	return st
}

func stateOrUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// neighborAddrs returns the addresses of the neighbors with the remote AS.
func neighborAddrs(bgp *BGP, peer int) []string {
	var out []string
	for _, n := range bgp.Neighbors {
		if n.RemoteAS == peer {
			out = append(out, n.Address)
		}
	}
	return out
}
