package azuretest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default names and credentials of [DefaultConfig].
const (
	DefaultSubscription  = "00000000-0000-0000-0000-0000000000a1"
	DefaultResourceGroup = "rg-rtx"
	DefaultLocation      = "japaneast"
	DefaultTenant        = "00000000-0000-0000-0000-0000000000e1"
	DefaultClientID      = "00000000-0000-0000-0000-0000000000c1"
	DefaultClientSecret  = "fake-client-secret-for-azuretest"
	DefaultToken         = "fake-access-token-for-azuretest"
	DefaultGateway       = "vgw-rtx"
	DefaultNIC           = "vm1-nic"
	DefaultRouteTable    = "rt-vm"
)

// apiVersion is the ARM API version of the operations served; the fake
// accepts any, as long as one is given.
const apiVersion = "2025-01-01"

// Config describes the fake's subscription. Every field's zero value is
// usable: see each field.
type Config struct {
	Subscription  string // subscription ID; "" = DefaultSubscription
	ResourceGroup string // the one resource group; "" = DefaultResourceGroup
	Location      string // region in operation URLs; "" = DefaultLocation
	TenantID      string // tenant the token endpoint serves; "" = DefaultTenant
	ClientID      string // accepted client ID; "" = DefaultClientID
	ClientSecret  string // accepted client secret; "" = DefaultClientSecret
	Token         string // the bearer token issued and required; "" = DefaultToken
	VNet          []string
	Gateway       Gateway
	NICs          []NIC
	RouteTables   []RouteTable
	// PropagationDelay is how long a prefix must stay advertised (or
	// withdrawn) by an Established peer before the gateway's learned routes
	// show the change; 0 = at once.
	PropagationDelay time.Duration
	// Polls is how many times a long-running operation answers "InProgress"
	// before it ends; 0 = once.
	Polls int
	// RetryAfter is the polling interval and throttling delay the fake asks
	// for (Retry-After, or Retry-After-Ms below a second); 0 = none given.
	RetryAfter time.Duration
	// Now is the clock for the propagation delay; nil = time.Now.
	Now func() time.Time
}

// Gateway is the virtual network gateway.
type Gateway struct {
	Name       string // "" = DefaultGateway
	ASN        int64  // the gateway's BGP AS
	BGPAddress string // the gateway's BGP peering address (the router's neighbor address)
	Peers      []Peer
}

// Peer is a BGP peer of the gateway (a local network gateway with BGP).
type Peer struct {
	Address string // the peer's BGP address as the gateway sees it
	ASN     int64
	// Speaker is the peer's side of the session; nil = a peer that never
	// connects.
	Speaker Speaker
}

// Speaker is the router side of a BGP session with the gateway. The
// addresses are the gateway's BGP address. *rtxtest.Router satisfies it.
type Speaker interface {
	// NeighborState returns the router's BGP state of its neighbor at
	// addr ("Established" when up).
	NeighborState(addr string) string
	// AdvertisedPrefixes returns the prefixes (CIDR) advertised to addr.
	AdvertisedPrefixes(addr string) []string
}

// NIC is a VM's network interface.
type NIC struct {
	Name       string
	RouteTable string // route table of the NIC's subnet; "" = none
}

// RouteTable is a route table and its user routes.
type RouteTable struct {
	Name   string
	Routes []Route
}

// Route is a user route.
type Route struct {
	Name             string
	AddressPrefix    string
	NextHopType      string // Internet, VirtualNetworkGateway, VnetLocal, VirtualAppliance, None
	NextHopIPAddress string // for VirtualAppliance
}

// Faults are failures injected into the fake; the zero value injects none.
type Faults struct {
	// Throttle is how many of the next ARM requests are answered 429 with
	// Retry-After.
	Throttle int
	// FailOperations makes long-running operations end "Failed".
	FailOperations bool
	// NeverLearn makes the gateway ignore what its peers advertise.
	NeverLearn bool
}

// DefaultConfig returns the subscription of the forced-tunnelling article:
// gateway DefaultGateway (AS 65521, BGP address 10.10.50.254) peering with
// the router at 192.168.254.1 (AS 65530, no speaker yet), virtual network
// 10.10.0.0/16, NIC DefaultNIC whose subnet uses the empty route table
// DefaultRouteTable.
func DefaultConfig() Config {
	return Config{
		VNet: []string{"10.10.0.0/16"},
		Gateway: Gateway{
			Name:       DefaultGateway,
			ASN:        65521,
			BGPAddress: "10.10.50.254",
			Peers:      []Peer{{Address: "192.168.254.1", ASN: 65530}},
		},
		NICs:        []NIC{{Name: DefaultNIC, RouteTable: DefaultRouteTable}},
		RouteTables: []RouteTable{{Name: DefaultRouteTable}},
	}
}

// Server is a fake ARM endpoint over HTTPS. Its methods are safe for
// concurrent use.
type Server struct {
	// Listener is where the server listens; set it before [Server.Start]
	// to choose the address (default 127.0.0.1:0).
	Listener net.Listener

	cfg Config
	ts  *httptest.Server

	mu       sync.Mutex
	faults   Faults
	peers    []*peerState
	tables   map[string][]Route
	ops      map[string]*operation
	nextOp   int
	requests []string
}

// NewServer starts and returns a fake for cfg on 127.0.0.1. The caller
// closes it.
func NewServer(cfg Config) *Server {
	s := NewUnstartedServer(cfg)
	s.Start()
	return s
}

// NewUnstartedServer returns a fake for cfg that is not started yet: set
// Listener if needed, then call [Server.Start].
func NewUnstartedServer(cfg Config) *Server {
	cfg.fill()
	s := &Server{cfg: cfg, tables: map[string][]Route{}, ops: map[string]*operation{}}
	for _, p := range cfg.Gateway.Peers {
		s.peers = append(s.peers, &peerState{Peer: p, learned: map[string]bool{}, since: map[string]time.Time{}})
	}
	for _, t := range cfg.RouteTables {
		s.tables[strings.ToLower(t.Name)] = append([]Route(nil), t.Routes...)
	}
	return s
}

func (c *Config) fill() {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&c.Subscription, DefaultSubscription)
	def(&c.ResourceGroup, DefaultResourceGroup)
	def(&c.Location, DefaultLocation)
	def(&c.TenantID, DefaultTenant)
	def(&c.ClientID, DefaultClientID)
	def(&c.ClientSecret, DefaultClientSecret)
	def(&c.Token, DefaultToken)
	def(&c.Gateway.Name, DefaultGateway)
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Start starts serving HTTPS.
func (s *Server) Start() {
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	// Clients that give up mid-handshake are normal here (a cancelled
	// wait); do not log them.
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	if s.Listener != nil {
		s.ts.Listener.Close()
		s.ts.Listener = s.Listener
	}
	s.ts.StartTLS()
	s.Listener = s.ts.Listener
}

// Close stops the server and waits for the requests in progress.
func (s *Server) Close() { s.ts.Close() }

// URL is the base URL (https://127.0.0.1:PORT): the ARM endpoint and the
// token authority host.
func (s *Server) URL() string { return s.ts.URL }

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// CertificatePEM returns the server's self-signed certificate in PEM, for
// clients told to trust it.
func (s *Server) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

// CertPool returns a pool holding the server's certificate.
func (s *Server) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.ts.Certificate())
	return pool
}

// Config returns the configuration with its defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Requests returns "METHOD PATH" for every ARM request received, in order
// (token requests excluded).
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Routes returns the user routes of a route table, in creation order.
func (s *Server) Routes(table string) []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Route(nil), s.tables[strings.ToLower(table)]...)
}

// armError is the body of an ARM error response.
type armError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, format string, args ...any) {
	var e armError
	e.Error.Code, e.Error.Message = code, fmt.Sprintf(format, args...)
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// setRetryAfter asks the client to wait RetryAfter: whole seconds in
// Retry-After, and milliseconds in Retry-After-Ms when that is more exact.
func (s *Server) setRetryAfter(h http.Header) {
	d := s.cfg.RetryAfter
	if d <= 0 {
		return
	}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	if d%time.Second != 0 {
		h.Set("Retry-After-Ms", strconv.FormatInt(max(d.Milliseconds(), 1), 10))
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if s.serveToken(w, r, segs) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	if s.faults.Throttle > 0 {
		s.faults.Throttle--
		s.setRetryAfter(w.Header())
		writeError(w, http.StatusTooManyRequests, "SubscriptionRequestsThrottled", "Number of requests for subscription '%s' exceeded the limit. Please try again later.", s.cfg.Subscription)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is invalid.")
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		writeError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	if len(segs) < 2 || !strings.EqualFold(segs[0], "subscriptions") {
		writeError(w, http.StatusNotFound, "NotFound", "No route for %s %s.", r.Method, r.URL.Path)
		return
	}
	if !strings.EqualFold(segs[1], s.cfg.Subscription) {
		writeError(w, http.StatusNotFound, "SubscriptionNotFound", "The subscription '%s' could not be found.", segs[1])
		return
	}
	s.observeLocked()
	s.route(w, r, segs[2:])
}

// route dispatches the part of an ARM path after /subscriptions/ID.
func (s *Server) route(w http.ResponseWriter, r *http.Request, p []string) {
	is := func(i int, word string) bool { return len(p) > i && strings.EqualFold(p[i], word) }
	switch {
	case len(p) == 6 && is(0, "providers") && is(1, "Microsoft.Network") && is(2, "locations") && r.Method == http.MethodGet &&
		(is(4, "operations") || is(4, "operationResults")):
		s.serveOperation(w, p[5], is(4, "operations"))
		return
	case len(p) >= 6 && is(0, "resourceGroups") && is(2, "providers") && is(3, "Microsoft.Network"):
	default:
		writeError(w, http.StatusNotFound, "NotFound", "No route for %s %s.", r.Method, r.URL.Path)
		return
	}
	if !strings.EqualFold(p[1], s.cfg.ResourceGroup) {
		writeError(w, http.StatusNotFound, "ResourceGroupNotFound", "Resource group '%s' could not be found.", p[1])
		return
	}
	kind, name, rest := p[4], p[5], p[6:]
	switch {
	case strings.EqualFold(kind, "virtualNetworkGateways") && len(rest) == 1 && r.Method == http.MethodPost:
		s.serveGateway(w, r, name, rest[0])
	case strings.EqualFold(kind, "networkInterfaces") && len(rest) == 1 && strings.EqualFold(rest[0], "effectiveRouteTable") && r.Method == http.MethodPost:
		s.serveEffectiveRoutes(w, r, name)
	case strings.EqualFold(kind, "routeTables") && len(rest) >= 1 && strings.EqualFold(rest[0], "routes"):
		s.serveRoutes(w, r, name, rest[1:])
	default:
		writeError(w, http.StatusNotFound, "NotFound", "No route for %s %s.", r.Method, r.URL.Path)
	}
}

// notFound answers 404 for a resource of type kind (such as
// "virtualNetworkGateways") called name.
func (s *Server) notFound(w http.ResponseWriter, kind, name string) {
	writeError(w, http.StatusNotFound, "ResourceNotFound",
		"The Resource 'Microsoft.Network/%s/%s' under resource group '%s' was not found.", kind, name, s.cfg.ResourceGroup)
}

// resourceID returns the ARM ID of a resource of the resource group.
func (s *Server) resourceID(parts ...string) string {
	return "/subscriptions/" + s.cfg.Subscription + "/resourceGroups/" + s.cfg.ResourceGroup +
		"/providers/Microsoft.Network/" + strings.Join(parts, "/")
}
