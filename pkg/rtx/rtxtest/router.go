package rtxtest

import (
	"context"
	"errors"
	"io"
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

// Router is the fake device. It is safe for concurrent use. Create it with [NewRouter].
type Router struct {
	sc *Scenario
}

// NewRouter creates a router from a scenario (nil = [DefaultScenario]).
func NewRouter(sc *Scenario) *Router {
	if sc == nil {
		sc = DefaultScenario()
	}
	return &Router{sc: sc}
}

// Scenario returns the scenario the router was created from. Do not modify it.
func (r *Router) Scenario() *Scenario { return r.sc }

// CheckPassword reports whether password is the login password of user ("" = anonymous).
func (r *Router) CheckPassword(user, password string) bool {
	if user == "" {
		return password == r.sc.LoginPassword
	}
	for _, u := range r.sc.Users {
		if u.Name == user {
			return u.Password == password
		}
	}
	return false
}

// ServeConsole runs one console session over rw (being implemented).
func (r *Router) ServeConsole(ctx context.Context, rw io.ReadWriter, s SessionInfo) error {
	return errors.New("rtxtest: console not implemented yet")
}

// Commands returns every line entered at a prompt, in order, across sessions.
func (r *Router) Commands() []string { return nil }

// RunningConfig returns the running configuration lines.
func (r *Router) RunningConfig() []string { return nil }

// SavedConfig returns the saved configuration lines.
func (r *Router) SavedConfig() []string { return nil }

// Advance moves the fake clock forward.
func (r *Router) Advance(d time.Duration) {}
