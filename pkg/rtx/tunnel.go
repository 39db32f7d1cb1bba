package rtx

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultFilterID is the import filter ID used for the default route when
// none is given.
const DefaultFilterID = 2

// ErrInvalidOption is wrapped by errors about an option or argument that does
// not fit the router's configuration (a usage error: the caller must choose
// differently). [PeerASError] matches it with errors.Is.
var ErrInvalidOption = errors.New("invalid option")

// ErrFilterInUse is matched (errors.Is) by a [FilterConflictError].
var ErrFilterInUse = errors.New("filter in use")

// PeerASError reports that the peer AS cannot be chosen: it was not given and
// the neighbors do not share one AS, or no neighbor has the given AS.
type PeerASError struct {
	// PeerAS is the AS that was asked for; 0 when none was given.
	PeerAS int
	// Neighbors are the configured neighbors to choose from.
	Neighbors []BGPNeighbor
}

// Error lists the neighbors to choose from.
func (e *PeerASError) Error() string {
	var list []string
	for _, n := range e.Neighbors {
		list = append(list, fmt.Sprintf("%d (neighbor %d, %s)", n.RemoteAS, n.ID, n.Address))
	}
	switch {
	case len(list) == 0:
		return "no bgp neighbor is configured"
	case e.PeerAS != 0:
		return fmt.Sprintf("no bgp neighbor has remote AS %d; configured: %s", e.PeerAS, strings.Join(list, ", "))
	default:
		return "several peer ASes are configured, choose one: " + strings.Join(list, ", ")
	}
}

// Is makes a PeerASError match [ErrInvalidOption].
func (e *PeerASError) Is(target error) bool { return target == ErrInvalidOption }

// FilterConflictError reports that the plan would have to overwrite or remove
// an import filter that also serves another purpose. Nothing was changed.
type FilterConflictError struct {
	// ID is the filter in the way and Line its configuration line.
	ID   int
	Line string
	// Reason says why it cannot be used.
	Reason string
	// FreeID is an unused filter ID to use instead; 0 when choosing another
	// ID does not help.
	FreeID int
}

// Error names the filter, why it is in the way and a free ID.
func (e *FilterConflictError) Error() string {
	msg := fmt.Sprintf("import filter %d (%q) %s", e.ID, e.Line, e.Reason)
	if e.FreeID != 0 {
		msg += fmt.Sprintf("; filter %d is free", e.FreeID)
	}
	return msg
}

// Is makes a FilterConflictError match [ErrFilterInUse].
func (e *FilterConflictError) Is(target error) bool { return target == ErrFilterInUse }

// PlanOptions tunes [PlanTunnel].
type PlanOptions struct {
	// PeerAS is the Azure side's AS; 0 means the AS shared by all configured
	// neighbors (a [PeerASError] when there are several or none).
	PeerAS int
	// FilterID is the import filter to define for the default route; 0 means
	// [DefaultFilterID].
	FilterID int
	// Match is the filter kind, FilterInclude (the zero value "" means this)
	// or FilterEqual. include 0.0.0.0/0 advertises every static and implicit
	// route besides the default; equal 0.0.0.0/0 only the default.
	Match string
	// Observed are the neighbors as last read ([TunnelStatus.Neighbors]).
	// When the configuration is already in the wanted state but an
	// established neighbor disagrees about the default route, the plan is a
	// refresh only. nil means not known: no refresh is planned.
	Observed []NeighborState
}

// TunnelPlan is what [ApplyTunnel] will do to reach the wanted state.
//
// When the router is already in the wanted state the plan is a no-op
// (NoOp reports true): no command, no refresh, no save.
type TunnelPlan struct {
	// Want is the state the plan reaches: on or off.
	Want TunnelState `json:"want"`
	// PeerAS, FilterID and Match are the resolved [PlanOptions].
	PeerAS   int    `json:"peer_as"`
	FilterID int    `json:"filter_id"`
	Match    string `json:"match"`
	// Neighbors are the addresses of the peer's neighbors, verified after
	// the change.
	Neighbors []string `json:"neighbors"`
	// Commands are the configuration commands, in the order they are sent:
	// filters are defined before they are referenced and unreferenced before
	// they are deleted.
	Commands []string `json:"commands"`
	// Refresh reports that `bgp configure refresh` follows the commands.
	Refresh bool `json:"refresh"`
	// Before and After are the BGP configuration lines (canonical order)
	// before and after the commands.
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Notes explain choices the plan made (reused filters, refresh only).
	Notes []string `json:"notes,omitempty"`
}

// NoOp reports whether the plan does nothing at all.
func (p *TunnelPlan) NoOp() bool { return len(p.Commands) == 0 && !p.Refresh }

// Steps returns every command ApplyTunnel sends to change the router, the
// refresh included (verification, confirm and save excluded).
func (p *TunnelPlan) Steps() []string {
	steps := slices.Clone(p.Commands)
	if p.Refresh {
		steps = append(steps, cmdRefresh)
	}
	return steps
}

// Diff renders the change of the BGP lines: unchanged lines start with two
// spaces, removed ones with "- ", added ones with "+ "; each line ends in LF.
func (p *TunnelPlan) Diff() string {
	var b strings.Builder
	for _, d := range diffLines(p.Before, p.After) {
		b.WriteString(d)
		b.WriteByte('\n')
	}
	return b.String()
}

// String renders the plan for people: a summary line, the commands and the
// diff of the BGP configuration.
func (p *TunnelPlan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "forced tunnel %s: peer AS %d, filter %d (%s 0.0.0.0/0)\n", p.Want, p.PeerAS, p.FilterID, p.Match)
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if p.NoOp() {
		// The caller says "nothing to do" once, with why.
		return b.String()
	}
	b.WriteString("commands:\n")
	for _, c := range p.Steps() {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	if len(p.Commands) > 0 {
		b.WriteString("bgp configuration:\n")
		b.WriteString(p.Diff())
	}
	return b.String()
}

// PlanTunnel computes the commands that turn forced tunnelling on or off in
// the configuration bgp (see [ReadTunnelStatus] for reading it).
//
// On defines filter FilterID as `MATCH 0.0.0.0/0` unless it already is such
// a filter, then appends it to the `bgp import PEER static` line (creating
// the line when missing). A filter that already carries the default route
// and is referenced by that line counts as on, whatever its ID or kind: the
// plan adds nothing. A FilterID already defined as something else is never
// overwritten: the result is a [FilterConflictError] naming a free ID.
//
// Off removes from the import line every referenced filter that advertises
// the default route, deletes the line when no filter is left and deletes
// those filters (and a leftover default-only FilterID) unless another import
// line still references them. A referenced filter that carries other
// prefixes as well is not touched: the result is a [FilterConflictError].
func PlanTunnel(bgp *BGP, want TunnelState, opts PlanOptions) (*TunnelPlan, error) {
	if want != TunnelOn && want != TunnelOff {
		return nil, fmt.Errorf("plan forced tunnel: want %q, not on or off: %w", want, ErrInvalidOption)
	}
	match := opts.Match
	if match == "" {
		match = FilterInclude
	}
	if match != FilterInclude && match != FilterEqual {
		return nil, fmt.Errorf("plan forced tunnel: match %q, not include or equal: %w", match, ErrInvalidOption)
	}
	if opts.FilterID < 0 {
		return nil, fmt.Errorf("plan forced tunnel: filter id %d: %w", opts.FilterID, ErrInvalidOption)
	}
	peer, err := resolvePeerAS(bgp, opts.PeerAS)
	if err != nil {
		return nil, fmt.Errorf("plan forced tunnel %s: %w", want, err)
	}
	p := &TunnelPlan{
		Want:      want,
		PeerAS:    peer,
		FilterID:  filterIDOrDefault(opts.FilterID),
		Match:     match,
		Neighbors: neighborAddrs(bgp, peer),
	}
	after := bgp.Clone()
	if want == TunnelOn {
		err = p.planOn(after)
	} else {
		err = p.planOff(after)
	}
	if err != nil {
		return nil, fmt.Errorf("plan forced tunnel %s: %w", want, err)
	}
	p.Commands = transition(bgp, after)
	p.Before, p.After = bgp.Lines(), after.Lines()
	if len(p.Commands) > 0 {
		p.Refresh = true
	} else if disagree(opts.Observed, want) {
		p.Refresh = true
		p.Notes = append(p.Notes, "configuration is already "+string(want)+" but the advertised routes disagree: refresh only")
	}
	return p, nil
}

func (p *TunnelPlan) planOn(b *BGP) error {
	a := analyze(b, p.PeerAS, p.FilterID)
	if a.state == TunnelOn {
		if !slices.Contains(a.active, p.FilterID) {
			p.Notes = append(p.Notes, fmt.Sprintf("default route already imported by filter %s", joinIDs(a.active)))
		}
		return nil
	}
	if a.rejectedBy != nil {
		return &FilterConflictError{ID: a.rejectedBy.ID, Line: a.rejectedBy.String(), Reason: "rejects the default route before any other filter of the import line"}
	}
	switch f := b.Filter(p.FilterID); {
	case f == nil:
		b.ImportFilters = append(b.ImportFilters, BGPImportFilter{ID: p.FilterID, Kind: p.Match, Prefixes: []string{DefaultPrefix}})
		slices.SortStableFunc(b.ImportFilters, func(x, y BGPImportFilter) int { return x.ID - y.ID })
	case f.defaultOnly():
		if f.Kind != p.Match {
			p.Notes = append(p.Notes, fmt.Sprintf("reusing existing %q", f.String()))
		}
	default:
		return &FilterConflictError{ID: f.ID, Line: f.String(), Reason: "is already used for other routes", FreeID: b.freeFilterID()}
	}
	imp := b.Import(p.PeerAS)
	if imp == nil {
		b.Imports = append(b.Imports, BGPImport{RemoteAS: p.PeerAS, Protocol: "static", Filters: []int{p.FilterID}})
		return nil
	}
	if !slices.Contains(imp.Filters, p.FilterID) {
		imp.Filters = append(imp.Filters, p.FilterID)
	}
	return nil
}

func (p *TunnelPlan) planOff(b *BGP) error {
	a := analyze(b, p.PeerAS, p.FilterID)
	var remove []int
	if a.state == TunnelOn {
		for _, id := range a.active {
			if f := b.Filter(id); !f.defaultOnly() {
				return &FilterConflictError{ID: id, Line: f.String(), Reason: "advertises the default route together with other routes; remove 0.0.0.0/0 from it by hand"}
			}
		}
		remove = a.active
	}
	if a.undefinedOwn {
		remove = append(remove, p.FilterID)
	}
	if imp := b.Import(p.PeerAS); imp != nil && len(remove) > 0 {
		imp.Filters = slices.DeleteFunc(imp.Filters, func(id int) bool { return slices.Contains(remove, id) })
		if key := imp.key(); len(imp.Filters) == 0 {
			b.Imports = slices.DeleteFunc(b.Imports, func(x BGPImport) bool { return x.key() == key })
		}
	}
	b.ImportFilters = slices.DeleteFunc(b.ImportFilters, func(f BGPImportFilter) bool {
		ours := slices.Contains(remove, f.ID) || f.ID == p.FilterID
		return ours && f.defaultOnly() && !b.referenced(f.ID)
	})
	return nil
}

// analysis is what a configuration says about forced tunnelling to one peer.
type analysis struct {
	state TunnelState
	// active are the referenced filters that accept the default route, in
	// the import line's order.
	active []int
	// rejectedBy is the first referenced filter matching the default route
	// when it rejects it.
	rejectedBy *BGPImportFilter
	// undefinedOwn reports that the import line references FilterID but the
	// filter is not defined.
	undefinedOwn bool
	issues       []string
}

func analyze(b *BGP, peer, filterID int) analysis {
	a := analysis{state: TunnelOff}
	decided := false
	if imp := b.Import(peer); imp != nil {
		for _, id := range imp.Filters {
			f := b.Filter(id)
			if f == nil {
				a.issues = append(a.issues, fmt.Sprintf("filter %d is referenced by %q but not defined", id, imp.String()))
				a.undefinedOwn = a.undefinedOwn || id == filterID
				continue
			}
			if !f.matchesDefault() {
				continue
			}
			if !f.Reject {
				a.active = append(a.active, id)
			}
			if !decided {
				decided = true
				if f.Reject {
					a.rejectedBy = f
				} else {
					a.state = TunnelOn
				}
			}
		}
	}
	f := b.Filter(filterID)
	leftover := f != nil && f.defaultOnly() && !b.referenced(filterID)
	if leftover {
		a.issues = append(a.issues, fmt.Sprintf("filter %d is defined (%q) but not referenced", filterID, f.String()))
	}
	if a.state == TunnelOff && (leftover || a.undefinedOwn) {
		a.state = TunnelPartial
	}
	return a
}

// disagree reports whether an established neighbor's advertised routes
// contradict the wanted state.
func disagree(observed []NeighborState, want TunnelState) bool {
	for _, n := range observed {
		if n.established() && n.AdvertisesDefault != (want == TunnelOn) {
			return true
		}
	}
	return false
}

// transition returns the commands that change the import filters and import
// lines of from into those of to: define or redefine filters first, then set
// or delete import lines, then delete filters, so that no line ever
// references an undefined filter. Other BGP lines are not compared.
func transition(from, to *BGP) []string {
	cmds := []string{}
	for _, f := range to.ImportFilters {
		if old := from.Filter(f.ID); old == nil || old.String() != f.String() {
			cmds = append(cmds, f.String())
		}
	}
	for _, imp := range to.Imports {
		i := slices.IndexFunc(from.Imports, func(x BGPImport) bool { return x.key() == imp.key() })
		if i < 0 || from.Imports[i].String() != imp.String() {
			cmds = append(cmds, imp.String())
		}
	}
	for _, imp := range from.Imports {
		if !slices.ContainsFunc(to.Imports, func(x BGPImport) bool { return x.key() == imp.key() }) {
			cmds = append(cmds, imp.removeCommand())
		}
	}
	for _, f := range from.ImportFilters {
		if to.Filter(f.ID) == nil {
			cmds = append(cmds, "no bgp import filter "+strconv.Itoa(f.ID))
		}
	}
	return cmds
}

// resolvePeerAS returns the peer AS to act on: want when a neighbor has it,
// else (want 0) the AS every neighbor shares.
func resolvePeerAS(b *BGP, want int) (int, error) {
	var ases []int
	for _, n := range b.Neighbors {
		if !slices.Contains(ases, n.RemoteAS) {
			ases = append(ases, n.RemoteAS)
		}
	}
	switch {
	case want != 0 && slices.Contains(ases, want):
		return want, nil
	case want == 0 && len(ases) == 1:
		return ases[0], nil
	default:
		return 0, &PeerASError{PeerAS: want, Neighbors: slices.Clone(b.Neighbors)}
	}
}

func filterIDOrDefault(id int) int {
	if id == 0 {
		return DefaultFilterID
	}
	return id
}

// freeFilterID returns the smallest filter ID that is neither defined nor referenced.
func (b *BGP) freeFilterID() int {
	for id := 1; ; id++ {
		if b.Filter(id) == nil && !b.referenced(id) {
			return id
		}
	}
}

func joinIDs(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}

// diffLines renders a line diff of a and b (longest common subsequence):
// "  " unchanged, "- " only in a, "+ " only in b.
func diffLines(a, b []string) []string {
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, "  "+a[i])
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "- "+a[i])
			i++
		default:
			out = append(out, "+ "+b[j])
			j++
		}
	}
	return out
}
