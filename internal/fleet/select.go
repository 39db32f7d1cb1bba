// Package fleet runs one operation on many routers: it resolves router
// names, groups and --all against the configuration file ([Select]), runs a
// function per router with bounded parallelism and a per-router deadline
// ([Runner]), and reports one result per router and an aggregate exit status
// as a text table or JSON Lines ([Report]).
//
// Layer: internal, above internal/config and internal/cli (exit statuses).
// It dials nothing itself: the function given to [Runner.Run] does.
package fleet

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rtxctl/rtxctl/internal/config"
)

// ErrNoRouters is returned by [Select] when the selection names no router.
var ErrNoRouters = errors.New("no router selected: name routers, use --group NAME or --all")

// Selection is what the operator asked for on the command line.
type Selection struct {
	Names  []string // router names from the configuration file, in the order given
	Groups []string // group names from the configuration file (--group)
	All    bool     // every router of the configuration file (--all)
	// Identity returns the identity key of the router that route
	// ("host:port" as dialled, see [Route]) is known to reach, or "" when
	// none is known yet; the state directory's Store.Key(route, "") answers
	// exactly that. Nil means none is known: routers are then told apart by
	// route only.
	Identity func(route string) string
}

// Duplicate records a selected router that was dropped because it reaches
// the same router as another one.
type Duplicate struct {
	Name string // the router left out
	Of   string // the router kept, selected before it
}

// Select returns the routers of cfg that sel names, each once, in the order
// asked: names first, then groups in turn (routers in the group's order),
// then the other routers for All (by name). A router reached twice is one
// router: a router whose route (host and port, the transport's default port
// when none is set) or known identity equals that of a router already
// selected is left out and reported as a [Duplicate]. Unknown names wrap
// [config.ErrUnknownRouter] or [config.ErrUnknownGroup]; an empty selection
// is [ErrNoRouters].
func Select(cfg *config.Config, sel Selection) ([]config.Host, []Duplicate, error) {
	names, err := selectedNames(cfg, sel)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, ErrNoRouters
	}
	var (
		hosts []config.Host
		dups  []Duplicate
		owner = map[string]string{} // route or identity key -> name kept
	)
	for _, name := range names {
		h, err := cfg.Router(name)
		if err != nil {
			return nil, nil, err
		}
		keys := routerKeys(h, sel.Identity)
		if kept, ok := firstOwner(owner, keys); ok {
			if kept != name {
				dups = append(dups, Duplicate{Name: name, Of: kept})
			}
			continue
		}
		for _, k := range keys {
			owner[k] = name
		}
		hosts = append(hosts, h)
	}
	return hosts, dups, nil
}

// selectedNames lists the router names sel asks for, in order, with
// repetitions.
func selectedNames(cfg *config.Config, sel Selection) ([]string, error) {
	names := slices.Clone(sel.Names)
	for _, g := range sel.Groups {
		members, err := cfg.Group(g)
		if err != nil {
			return nil, err
		}
		names = append(names, members...)
	}
	if sel.All {
		all := make([]string, 0, len(cfg.Routers))
		for name := range cfg.Routers {
			all = append(all, name)
		}
		sort.Strings(all)
		names = append(names, all...)
	}
	return names, nil
}

// firstOwner returns the router already holding one of keys.
func firstOwner(owner map[string]string, keys []string) (string, bool) {
	for _, k := range keys {
		if name, ok := owner[k]; ok {
			return name, true
		}
	}
	return "", false
}

// routerKeys returns what identifies h's router: its route and, when known,
// its identity.
func routerKeys(h config.Host, identity func(string) string) []string {
	if h.Host == "" {
		return []string{"name " + h.Name}
	}
	r := Route(h)
	keys := []string{"route " + strings.ToLower(r)}
	if identity != nil {
		if id := identity(r); id != "" {
			keys = append(keys, "identity "+id)
		}
	}
	return keys
}

// Route returns "host:port" for h as rtxctl dials it (and as the state
// directory records routes): the port of the transport by default (22 for
// SSH, 23 for Telnet).
func Route(h config.Host) string {
	port := h.Port
	if port == 0 {
		port = 22
		if h.Transport == "telnet" {
			port = 23
		}
	}
	return net.JoinHostPort(strings.Trim(h.Host, "[]"), strconv.Itoa(port))
}

// String describes d for a note to the operator.
func (d Duplicate) String() string {
	return fmt.Sprintf("%s reaches the same router as %s: it is handled once, as %s", d.Name, d.Of, d.Of)
}
