package rtxtest

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrDropped is returned by [Router.ServeConsole] when the device drops the connection:
// a scenario fault says so, or the router restarts. The server then closes the transport
// abruptly (no SSH exit-status).
var ErrDropped = errors.New("rtxtest: connection dropped by the fake router")

// SessionInfo describes the connection a console session runs over.
type SessionInfo struct {
	// Transport is "ssh" or "telnet". Telnet sessions get the login dialogue.
	Transport string
	// User is the authenticated SSH user; "" for Telnet (the console asks).
	User string
	// RemoteAddr is the client's address, shown by `show status user`.
	RemoteAddr string
}

// Router is the fake device: running and saved configuration, applied BGP state, fake
// clock, schedules, rollback timers and the command log. It is safe for concurrent use by
// any number of console sessions and test goroutines. Create it with [NewRouter].
type Router struct {
	sc *Scenario

	mu        sync.Mutex
	faults    Faults
	offset    time.Duration     // fake clock = real clock + offset
	clockMove chan struct{}     // closed and replaced whenever the fake clock jumps or the router restarts
	bootTime  time.Time         // fake time of the last (re)start
	startTime time.Time         // fake time the router was created (other sessions' login time)
	running   *config           // running configuration
	saved     map[int]*config   // saved configurations by number
	dirty     bool              // a configuration command ran since the last save
	configNo  int               // the saved configuration the router runs (Config. file)
	bootNo    int               // the saved configuration it boots from (Default config. file)
	bgp       bgpState          // applied BGP state
	commands  []string          // command log
	seen      map[string]int    // how often each command line was entered (for faults)
	schedules map[int]*schedule // armed schedules by ID
	rollbacks map[*session]*rollback
	sessions  []*session
	outputs   map[string][]string // verbatim outputs by lower-case command line
	restarts  int                 // number of restarts, so sessions notice one

	observer atomic.Pointer[configObserver] // set by ObserveConfig; read without mu
}

// NewRouter creates a router from a scenario (nil = [DefaultScenario]). The running
// configuration is applied: BGP neighbors are Established from the start.
func NewRouter(sc *Scenario) *Router {
	if sc == nil {
		sc = DefaultScenario()
	}
	r := &Router{
		sc:        sc,
		faults:    sc.Faults,
		clockMove: make(chan struct{}),
		saved:     map[int]*config{},
		seen:      map[string]int{},
		schedules: map[int]*schedule{},
		rollbacks: map[*session]*rollback{},
	}
	if !sc.StartTime.IsZero() {
		r.offset = time.Until(sc.StartTime)
	}
	now := r.now()
	r.bootTime, r.startTime = now, now
	saved := parseConfig(sc.SavedConfig)
	running := saved
	if sc.RunningConfig != "" {
		running = parseConfig(sc.RunningConfig)
	}
	for _, line := range sc.consoleLines() {
		saved.set(line)
		running.set(line)
	}
	r.outputs = verbatimOutputs(sc.Outputs)
	r.configNo, r.bootNo = sc.ConfigFile, sc.defaultConfigFile()
	r.saved[r.configNo] = saved
	for n, text := range sc.SavedConfigs {
		r.saved[n] = parseConfig(text)
	}
	r.running = running.clone()
	r.dirty = !slices.Equal(saved.lines, running.lines)
	r.bgp.apply(r.running, now.Add(-r.establishDelay()))
	r.syncSchedules(now)
	return r
}

// verbatimOutputs splits the scenario's outputs into lines, keyed by the lower-case
// command line.
func verbatimOutputs(outputs map[string]string) map[string][]string {
	m := make(map[string][]string, len(outputs))
	for cmd, text := range outputs {
		var lines []string
		if text != "" {
			lines = strings.Split(strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n")
		}
		m[strings.ToLower(strings.TrimSpace(cmd))] = lines
	}
	return m
}

// Scenario returns the scenario the router was created from. Do not modify it.
func (r *Router) Scenario() *Scenario { return r.sc }

// CheckPassword reports whether password is the login password of user ("" = the
// anonymous login password). Passwords never match while the RejectPasswords fault is set.
func (r *Router) CheckPassword(user, password string) bool {
	r.mu.Lock()
	reject := r.faults.RejectPasswords
	r.mu.Unlock()
	if reject {
		return false
	}
	if user == "" {
		return password == r.sc.LoginPassword
	}
	u, ok := r.user(user)
	return ok && u.Password == password
}

// user finds a named login user.
func (r *Router) user(name string) (User, bool) {
	for _, u := range r.sc.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// ServeConsole runs one console session over rw, which carries plain bytes (Telnet
// negotiation already stripped, CR NUL already turned into CR). Telnet sessions start
// with the login dialogue; SSH sessions are already authenticated as s.User. It returns
// nil when the session logs out (or is logged out by the login timer), [ErrDropped] when
// the device drops the connection, ctx.Err() when ctx is cancelled, or the I/O error.
//
// ServeConsole reads rw from a goroutine of its own, which ends when a Read returns an
// error: the caller closes the underlying connection after ServeConsole returns.
func (r *Router) ServeConsole(ctx context.Context, rw io.ReadWriter, s SessionInfo) error {
	return newSession(r, rw, s).serve(ctx)
}

// Commands returns every line entered at a `>` or `#` prompt, in order, across sessions,
// empty lines included. Passwords, pager keys and (Y/N) answers are never recorded.
func (r *Router) Commands() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.commands)
}

// RunningConfig returns the running configuration lines, without the show config header.
func (r *Router) RunningConfig() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	return slices.Clone(r.running.lines)
}

// SavedConfig returns the lines of the saved configuration the router runs (the
// `Config. file:`, which `save` writes), without the header.
func (r *Router) SavedConfig() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	return slices.Clone(r.saved[r.configNo].lines)
}

// SavedConfigFile returns the lines of saved configuration n (0..4) and whether there is one.
func (r *Router) SavedConfigFile(n int) ([]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	cfg, ok := r.saved[n]
	if !ok {
		return nil, false
	}
	return slices.Clone(cfg.lines), true
}

// ConfigFiles returns the number of the saved configuration the router runs
// (`Config. file:`) and of the one it boots from (`Default config. file:`).
func (r *Router) ConfigFiles() (running, boot int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	return r.configNo, r.bootNo
}

// AppliedConfig returns the BGP configuration lines the BGP process runs with: the `bgp`
// lines of the running configuration at the last refresh, load or restart.
func (r *Router) AppliedConfig() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	return slices.Clone(r.bgp.config.lines)
}

// AdvertisedRoutes returns the prefixes advertised to the neighbor at addr, as
// `show status bgp neighbor ADDR advertised-routes` prints them ("default" for the
// default route unless the DefaultRoute variant says otherwise). It is empty while the
// neighbor is not Established.
func (r *Router) AdvertisedRoutes(addr string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	return r.advertised(addr, r.now())
}

// NeighborState returns the BGP state of the neighbor at addr ("Established", "Active",
// "Idle"), or "" when no such neighbor is applied.
func (r *Router) NeighborState(addr string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	n, ok := r.bgp.neighbor(addr)
	if !ok {
		return ""
	}
	return r.neighborState(n, r.now())
}

// SetFaults replaces the injected faults; sessions see the change at their next command.
func (r *Router) SetFaults(f Faults) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = f
}
