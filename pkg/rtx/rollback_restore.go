package rtx

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// RestoreOptions tunes [PlanRestore] and [RestoreBGP].
type RestoreOptions struct {
	// PeerAS is the Azure side's AS whose neighbors are verified; 0 means
	// the AS shared by all neighbors of the target lines.
	PeerAS int
	// FilterID is the filter rtxctl uses for the default route; 0 means
	// [DefaultFilterID]. It only matters for telling a half-done state.
	FilterID int
	// Apply tunes the change as for [ApplyTunnel].
	Apply ApplyOptions
}

// PlanRestore plans putting back exactly the BGP lines target (as recorded
// in a [TunnelPlan] or [Pending]) on a router running cur. Only import
// filters and import lines are changed, in the safe order of [PlanTunnel]
// (filters defined before they are referenced, lines unreferenced before
// filters are deleted); when target differs in other BGP lines (neighbors,
// AS, ...) the result is an error wrapping [ErrInvalidOption]. The plan's
// Want is on when target has forced tunnelling on for the peer, else off:
// verification expects the default route advertised iff on. When cur
// already has the target lines the plan is a no-op.
func PlanRestore(cur *BGP, target []string, opts RestoreOptions) (*TunnelPlan, error) {
	to := ParseBGPLines(target)
	want := slices.Clone(to.Lines())
	sim := cur.Clone()
	sim.ImportFilters, sim.Imports = to.ImportFilters, to.Imports
	if got := sim.Lines(); !slices.Equal(got, want) {
		return nil, fmt.Errorf("plan bgp restore: lines other than import filters and import lines differ (restore them by hand):\n%s: %w",
			strings.Join(diffLines(got, want), "\n"), ErrInvalidOption)
	}
	peer, err := resolvePeerAS(to, opts.PeerAS)
	if err != nil {
		return nil, fmt.Errorf("plan bgp restore: %w", err)
	}
	p := &TunnelPlan{
		Want:      TunnelOff,
		PeerAS:    peer,
		FilterID:  filterIDOrDefault(opts.FilterID),
		Match:     FilterInclude,
		Neighbors: neighborAddrs(to, peer),
		Commands:  transition(cur, to),
		Before:    cur.Lines(),
		After:     want,
		Notes:     []string{"restore recorded bgp lines"},
	}
	if analyze(to, peer, p.FilterID).state == TunnelOn {
		p.Want = TunnelOn
	}
	p.Refresh = len(p.Commands) > 0
	return p, nil
}

// RestoreBGP puts back exactly the BGP lines target: it reads the running
// lines, plans with [PlanRestore] and carries the plan out with
// [ApplyTunnel] (refresh, verification that the neighbors are Established
// and advertise the default route iff target has forced tunnelling on,
// revert to the lines found on failure, save unless opts.Apply.NoSave).
// When target is already running it sends no configuration command; it
// only refreshes when an established neighbor disagrees about the default
// route. The router must be in administrator mode.
func RestoreBGP(ctx context.Context, r ConfigSession, target []string, opts RestoreOptions) (*ApplyResult, error) {
	cur, err := ReadBGP(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("restore bgp lines: %w", err)
	}
	plan, err := PlanRestore(cur, target, opts)
	if err != nil {
		return nil, err
	}
	if len(plan.Commands) == 0 {
		observed, err := ReadNeighbors(ctx, r, plan.Neighbors)
		if err != nil {
			return nil, fmt.Errorf("restore bgp lines: %w", err)
		}
		if disagree(observed, plan.Want) {
			plan.Refresh = true
			plan.Notes = append(plan.Notes, "lines already restored but the advertised routes disagree: refresh only")
		}
	}
	return ApplyTunnel(ctx, r, plan, opts.Apply)
}
