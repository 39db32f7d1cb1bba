package rtx

import (
	"slices"
	"strconv"
	"strings"
)

// BGP is the BGP part of a router configuration, built from the top-level
// `bgp ...` lines. Lines are recognised by their content, not by their
// position; a line that does not fit the model is kept verbatim in Other so
// rendering never drops configuration.
//
// The zero value is a configuration without any BGP line.
type BGP struct {
	// Use is the argument of `bgp use` ("on" or "off"); "" when absent.
	Use string
	// AS is the argument of `bgp autonomous-system`; "" when absent.
	AS string
	// RouterID is the argument of `bgp router id`; "" when absent.
	RouterID string
	// Neighbors are the `bgp neighbor ID AS ADDRESS ...` lines in order.
	Neighbors []BGPNeighbor
	// ImportFilters are the `bgp import filter N ...` lines, ordered by ID.
	ImportFilters []BGPImportFilter
	// Imports are the `bgp import AS PROTOCOL [FROM_AS] filter N ...` lines in order.
	Imports []BGPImport
	// Other holds every other `bgp ...` line verbatim, in order.
	Other []string
}

// BGPNeighbor is one `bgp neighbor ID REMOTE_AS ADDRESS [OPTION=VALUE ...]` line.
type BGPNeighbor struct {
	// ID is the neighbor number, RemoteAS its AS, Address its IP address.
	ID       int
	RemoteAS int
	Address  string
	// Options are the trailing `key=value` words, as written.
	Options []string
}

// Filter kinds of `bgp import filter`.
const (
	FilterInclude = "include" // the prefix and every prefix inside it
	FilterRefines = "refines" // prefixes inside the prefix, not the prefix itself
	FilterEqual   = "equal"   // exactly the prefix
)

// DefaultPrefix is the prefix of the default route as written in BGP filters.
const DefaultPrefix = "0.0.0.0/0"

// BGPImportFilter is one `bgp import filter N [reject] KIND PREFIX ... [OPTION=VALUE ...]` line.
type BGPImportFilter struct {
	// ID is the filter number; Reject reports the `reject` keyword.
	ID     int
	Reject bool
	// Kind is FilterInclude, FilterRefines or FilterEqual.
	Kind string
	// Prefixes are the PREFIX/LEN words (or "all"), in order.
	Prefixes []string
	// Options are the trailing `key=value` words such as `metric=1`, as written.
	Options []string
}

// BGPImport is one `bgp import REMOTE_AS PROTOCOL [FROM_AS] filter N ...` line.
type BGPImport struct {
	// RemoteAS is the AS the routes are advertised to.
	RemoteAS int
	// Protocol is static, rip, ospf, bgp or aggregate.
	Protocol string
	// FromAS is the optional AS after the protocol (only with "bgp"); "" when absent.
	FromAS string
	// Filters are the filter IDs in the order the router checks them.
	Filters []int
}

// ParseBGP builds the BGP model from configuration text such as the output of
// `show config` or `show config | grep bgp`: from the lines
// [ParseShowConfig] places at the top level, without building the rest of
// the configuration, so that a long one (50 MB) costs little memory.
func ParseBGP(text string) (*BGP, error) {
	if strings.ContainsRune(text, 0) {
		return nil, errNotText
	}
	var (
		lines  []string
		nested bool // a configuration line was seen: indented lines nest under it
	)
	for l := range configLines(text) {
		// ParseBGPLines keeps only the lines whose first word is "bgp".
		if !l.header && (l.depth == 0 || !nested) && strings.Contains(l.body, "bgp") {
			lines = append(lines, l.body)
		}
		nested = nested || !l.header
	}
	return ParseBGPLines(lines), nil
}

// ParseBGPLines builds the BGP model from top-level configuration lines;
// lines that do not start with the word "bgp" are ignored.
func ParseBGPLines(lines []string) *BGP {
	b := &BGP{}
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "bgp" {
			continue
		}
		if !b.parseLine(f) {
			b.Other = append(b.Other, strings.Join(f, " "))
		}
	}
	slices.SortStableFunc(b.ImportFilters, func(x, y BGPImportFilter) int { return x.ID - y.ID })
	return b
}

// parseLine records the fields of one `bgp` line in b and reports whether it
// was understood.
func (b *BGP) parseLine(f []string) bool {
	switch {
	case f[1] == "use" && len(f) == 3:
		b.Use = f[2]
	case f[1] == "autonomous-system" && len(f) == 3:
		b.AS = f[2]
	case len(f) == 4 && f[1] == "router" && f[2] == "id":
		b.RouterID = f[3]
	case f[1] == "neighbor":
		n, ok := parseNeighbor(f[2:])
		if ok {
			b.Neighbors = upsert(b.Neighbors, n, func(x BGPNeighbor) bool { return x.ID == n.ID })
		}
		return ok
	case f[1] == "import" && len(f) > 2 && f[2] == "filter":
		flt, ok := parseImportFilter(f[3:])
		if ok {
			b.ImportFilters = upsert(b.ImportFilters, flt, func(x BGPImportFilter) bool { return x.ID == flt.ID })
		}
		return ok
	case f[1] == "import":
		imp, ok := parseImport(f[2:])
		if ok {
			b.Imports = upsert(b.Imports, imp, func(x BGPImport) bool { return x.key() == imp.key() })
		}
		return ok
	default:
		return false
	}
	return true
}

// upsert replaces the first element matching same with v, or appends v: the
// router keeps one line per neighbor ID, filter ID and import key, and a
// later line replaces an earlier one.
func upsert[T any](s []T, v T, same func(T) bool) []T {
	if i := slices.IndexFunc(s, same); i >= 0 {
		s[i] = v
		return s
	}
	return append(s, v)
}

func parseNeighbor(f []string) (BGPNeighbor, bool) {
	if len(f) < 3 {
		return BGPNeighbor{}, false
	}
	id, ok1 := parseID(f[0])
	as, ok2 := parseID(f[1])
	if !ok1 || !ok2 || strings.Contains(f[2], "=") {
		return BGPNeighbor{}, false
	}
	opts := f[3:]
	for _, o := range opts {
		if !strings.Contains(o, "=") {
			return BGPNeighbor{}, false
		}
	}
	return BGPNeighbor{ID: id, RemoteAS: as, Address: f[2], Options: cloneOrNil(opts)}, true
}

func parseImportFilter(f []string) (BGPImportFilter, bool) {
	if len(f) < 3 {
		return BGPImportFilter{}, false
	}
	id, ok := parseID(f[0])
	if !ok {
		return BGPImportFilter{}, false
	}
	flt := BGPImportFilter{ID: id}
	rest := f[1:]
	if rest[0] == "reject" {
		flt.Reject = true
		rest = rest[1:]
	}
	if len(rest) < 2 || !isFilterKind(rest[0]) {
		return BGPImportFilter{}, false
	}
	flt.Kind = rest[0]
	for _, w := range rest[1:] {
		switch {
		case strings.Contains(w, "="):
			flt.Options = append(flt.Options, w)
		case len(flt.Options) == 0:
			flt.Prefixes = append(flt.Prefixes, w)
		default:
			return BGPImportFilter{}, false
		}
	}
	return flt, len(flt.Prefixes) > 0
}

func isFilterKind(s string) bool {
	return s == FilterInclude || s == FilterRefines || s == FilterEqual
}

func parseImport(f []string) (BGPImport, bool) {
	// REMOTE_AS PROTOCOL [FROM_AS] filter N ...
	if len(f) < 4 {
		return BGPImport{}, false
	}
	as, ok := parseID(f[0])
	if !ok || strings.Contains(f[1], "=") {
		return BGPImport{}, false
	}
	imp := BGPImport{RemoteAS: as, Protocol: f[1]}
	rest := f[2:]
	if rest[0] != "filter" {
		if _, ok := parseID(rest[0]); !ok {
			return BGPImport{}, false
		}
		imp.FromAS, rest = rest[0], rest[1:]
	}
	if len(rest) < 2 || rest[0] != "filter" {
		return BGPImport{}, false
	}
	for _, w := range rest[1:] {
		id, ok := parseID(w)
		if !ok {
			return BGPImport{}, false
		}
		imp.Filters = append(imp.Filters, id)
	}
	return imp, true
}

// parseID parses a positive decimal number without sign or leading zeros, so
// that rendering it gives back the same word.
func parseID(s string) (int, bool) {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

func cloneOrNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// Lines renders the model as configuration lines in a canonical order:
// `bgp use`, `bgp autonomous-system`, the Other lines, the neighbors,
// `bgp router id`, the import filters by ID, then the import lines. Two
// configurations with the same content render to the same lines whatever
// order the router printed them in.
func (b *BGP) Lines() []string {
	var out []string
	if b.Use != "" {
		out = append(out, "bgp use "+b.Use)
	}
	if b.AS != "" {
		out = append(out, "bgp autonomous-system "+b.AS)
	}
	out = append(out, b.Other...)
	for _, n := range b.Neighbors {
		out = append(out, n.String())
	}
	if b.RouterID != "" {
		out = append(out, "bgp router id "+b.RouterID)
	}
	for _, f := range b.ImportFilters {
		out = append(out, f.String())
	}
	for _, imp := range b.Imports {
		out = append(out, imp.String())
	}
	return out
}

// String renders the neighbor as a configuration line.
func (n BGPNeighbor) String() string {
	return joinWords("bgp neighbor", strconv.Itoa(n.ID), strconv.Itoa(n.RemoteAS), n.Address, n.Options)
}

// String renders the filter as a configuration line.
func (f BGPImportFilter) String() string {
	head := "bgp import filter " + strconv.Itoa(f.ID)
	if f.Reject {
		head += " reject"
	}
	return joinWords(head, f.Kind, strings.Join(f.Prefixes, " "), "", f.Options)
}

// String renders the import as a configuration line.
func (imp BGPImport) String() string {
	ids := make([]string, len(imp.Filters))
	for i, id := range imp.Filters {
		ids[i] = strconv.Itoa(id)
	}
	return joinWords("bgp import", strconv.Itoa(imp.RemoteAS), imp.Protocol, imp.FromAS, []string{"filter " + strings.Join(ids, " ")})
}

// key identifies the import line: the router keeps one line per remote AS,
// protocol and source AS.
func (imp BGPImport) key() string {
	return strings.Join([]string{strconv.Itoa(imp.RemoteAS), imp.Protocol, imp.FromAS}, " ")
}

// removeCommand returns the command that deletes the import line.
func (imp BGPImport) removeCommand() string {
	return joinWords("no bgp import", strconv.Itoa(imp.RemoteAS), imp.Protocol, imp.FromAS, nil)
}

func joinWords(head, a, b, c string, rest []string) string {
	words := []string{head}
	for _, w := range append([]string{a, b, c}, rest...) {
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// Filter returns the import filter with the given ID, or nil.
func (b *BGP) Filter(id int) *BGPImportFilter {
	for i := range b.ImportFilters {
		if b.ImportFilters[i].ID == id {
			return &b.ImportFilters[i]
		}
	}
	return nil
}

// Import returns the `bgp import REMOTE_AS static` line for the peer AS, or nil.
func (b *BGP) Import(peerAS int) *BGPImport {
	for i := range b.Imports {
		if imp := &b.Imports[i]; imp.RemoteAS == peerAS && imp.Protocol == "static" && imp.FromAS == "" {
			return imp
		}
	}
	return nil
}

// Clone returns a deep copy of b.
func (b *BGP) Clone() *BGP {
	c := *b
	c.Other = slices.Clone(b.Other)
	c.Neighbors = slices.Clone(b.Neighbors)
	for i := range c.Neighbors {
		c.Neighbors[i].Options = slices.Clone(c.Neighbors[i].Options)
	}
	c.ImportFilters = slices.Clone(b.ImportFilters)
	for i := range c.ImportFilters {
		c.ImportFilters[i].Prefixes = slices.Clone(c.ImportFilters[i].Prefixes)
		c.ImportFilters[i].Options = slices.Clone(c.ImportFilters[i].Options)
	}
	c.Imports = slices.Clone(b.Imports)
	for i := range c.Imports {
		c.Imports[i].Filters = slices.Clone(c.Imports[i].Filters)
	}
	return &c
}

// referenced reports whether any import line lists the filter ID.
func (b *BGP) referenced(id int) bool {
	for _, imp := range b.Imports {
		if slices.Contains(imp.Filters, id) {
			return true
		}
	}
	return false
}

// matchesDefault reports whether the filter selects the default route:
// include or equal with 0.0.0.0/0, or "all". (refines never selects the
// prefix itself.)
func (f BGPImportFilter) matchesDefault() bool {
	if f.Kind != FilterInclude && f.Kind != FilterEqual {
		return false
	}
	return slices.Contains(f.Prefixes, DefaultPrefix) || slices.Contains(f.Prefixes, "all")
}

// defaultOnly reports whether the filter exists only to advertise the
// default route: not reject, one prefix 0.0.0.0/0.
func (f BGPImportFilter) defaultOnly() bool {
	return !f.Reject && f.matchesDefault() && len(f.Prefixes) == 1 && f.Prefixes[0] == DefaultPrefix
}
