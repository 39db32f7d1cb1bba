package rtx

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlanRestore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cur    string
		target string
		want   TunnelState
		cmds   []string
		err    error
	}{
		{name: "back to off", cur: bgpOn, target: bgpOff, want: TunnelOff, cmds: []string{referenceOff, deleteFilter}},
		{name: "back to on", cur: bgpOff, target: bgpOn, want: TunnelOn, cmds: []string{defineOn, referenceOn}},
		{name: "already there", cur: bgpOn, target: bgpOn, want: TunnelOn, cmds: []string{}},
		{name: "from half done", cur: bgpDangle, target: bgpOff, want: TunnelOff, cmds: []string{referenceOff}},
		{name: "to a leftover filter", cur: bgpOff, target: bgpDefined, want: TunnelOff, cmds: []string{defineOn}},
		{
			name: "other filter id, redefined kind: define first, delete last",
			cur:  bgpBase + "bgp import filter 2 equal 0.0.0.0/0\nbgp import 65521 static filter 1 2\n",
			target: bgpBase + "bgp import filter 1 equal 192.168.0.0/16\nbgp import filter 3 include 0.0.0.0/0\n" +
				"bgp import 65521 static filter 1 3\n",
			want: TunnelOn,
			cmds: []string{"bgp import filter 1 equal 192.168.0.0/16", "bgp import filter 3 include 0.0.0.0/0", "bgp import 65521 static filter 1 3", deleteFilter},
		},
		{
			name: "neighbor differs", cur: bgpOn,
			target: "bgp use on\nbgp autonomous-system 65000\nbgp neighbor 1 65521 10.0.0.5 hold-time=30\nbgp router id 192.168.0.1\nbgp import filter 1 include 192.168.0.0/16\nbgp import 65521 static filter 1\n",
			err:    ErrInvalidOption,
		},
		{name: "no neighbor to verify", cur: "", target: "bgp import filter 1 include 0.0.0.0/0\n", err: ErrInvalidOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := mustBGP(t, tt.target).Lines()
			p, err := PlanRestore(mustBGP(t, tt.cur), target, RestoreOptions{})
			if !errors.Is(err, tt.err) {
				t.Fatalf("PlanRestore error = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.cmds, p.Commands); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if p.Want != tt.want || p.Refresh != (len(tt.cmds) > 0) || !cmp.Equal(target, p.After) || !cmp.Equal([]string{"10.0.0.4"}, p.Neighbors) {
				t.Errorf("plan = %+v, want %s, refresh iff commands, After = target, neighbor 10.0.0.4", p, tt.want)
			}
		})
	}
}

func TestRestoreBGP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		setup  func(*fakeConsole)
		target string
		cmds   []string
		result ApplyResult
	}{
		{
			name: "back to off and saved", config: bgpOn, target: bgpOff,
			cmds:   []string{showBGP, showBGP, arm, referenceOff, deleteFilter, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdConfirm, cmdSave},
			result: ApplyResult{Changed: true, RollbackTimer: true, Saved: true},
		},
		{
			name: "already there", config: bgpOff, target: bgpOff,
			cmds: []string{showBGP, showNeighbor, showRoutes},
		},
		{
			name: "lines there, routes not refreshed", config: bgpOff, target: bgpOff,
			setup:  func(f *fakeConsole) { f.advertising = true },
			cmds:   []string{showBGP, showNeighbor, showRoutes, showBGP, cmdRefresh, showBGP, showNeighbor, showRoutes, cmdSave},
			result: ApplyResult{Changed: true, Saved: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeConsole(t, tt.config)
			if tt.setup != nil {
				tt.setup(f)
			}
			target := mustBGP(t, tt.target).Lines()
			res, err := RestoreBGP(t.Context(), f, target, RestoreOptions{})
			if err != nil {
				t.Fatalf("RestoreBGP: %v", err)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			got := ApplyResult{Changed: res.Changed, RollbackTimer: res.RollbackTimer, Saved: res.Saved}
			if diff := cmp.Diff(tt.result, got); diff != "" {
				t.Errorf("ApplyResult mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(target, f.running.Lines()); diff != "" {
				t.Errorf("running config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
