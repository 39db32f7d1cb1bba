package rtx

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// progressStep is what a test compares of a ProgressEvent: the times vary.
type progressStep struct {
	Kind       ProgressKind
	Neighbor   string
	From, To   string
	Advertises bool
	Timeout    bool
}

// progressSteps records the events of a wait other than the polls.
type progressSteps struct {
	steps []progressStep
	polls int
}

func (p *progressSteps) report(ev ProgressEvent) {
	if ev.Kind == ProgressPoll {
		p.polls++
		return
	}
	p.steps = append(p.steps, progressStep{Kind: ev.Kind, Neighbor: ev.Neighbor.Address, From: ev.From, To: ev.Neighbor.State,
		Advertises: ev.Neighbor.AdvertisesDefault, Timeout: errors.Is(ev.Err, context.DeadlineExceeded)})
}

func TestApplyTunnelProgress(t *testing.T) {
	t.Parallel()
	const peer = "10.10.50.254"
	tests := []struct {
		name   string
		want   TunnelState
		edit   func(*rtxtest.Scenario)
		opts   ApplyOptions
		steps  []progressStep
		failed bool
	}{
		{
			name: "on after a slow establish",
			want: TunnelOn,
			edit: func(sc *rtxtest.Scenario) { sc.BGP.EstablishDelay = 300 * time.Millisecond },
			opts: ApplyOptions{PollInterval: 50 * time.Millisecond, VerifyTimeout: 10 * time.Second},
			steps: []progressStep{
				{Kind: ProgressState, Neighbor: peer, To: "Active"},
				{Kind: ProgressState, Neighbor: peer, From: "Active", To: "Established", Advertises: true},
				{Kind: ProgressRoute, Neighbor: peer, To: "Established", Advertises: true},
				{Kind: ProgressDone},
			},
		},
		{
			name: "Idle while down, then the timeout",
			want: TunnelOn,
			edit: func(sc *rtxtest.Scenario) {
				sc.BGP.EstablishDelay, sc.BGP.DownState = time.Minute, "Idle"
			},
			// Long enough for several polls on a loaded machine.
			opts: ApplyOptions{PollInterval: 50 * time.Millisecond, VerifyTimeout: 2 * time.Second},
			steps: []progressStep{
				{Kind: ProgressState, Neighbor: peer, To: "Idle"},
				{Kind: ProgressDone, Timeout: true},
			},
			failed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			srv := startFake(t, tt.edit)
			c := dialFake(t, ctx, srv, "ssh")
			var got progressSteps
			opts := tt.opts
			opts.Progress = got.report
			_, err := switchTunnel(ctx, c, tt.want, opts)
			if (err != nil) != tt.failed {
				t.Fatalf("ApplyTunnel: error %v, want failure %v", err, tt.failed)
			}
			if diff := cmp.Diff(tt.steps, got.steps); diff != "" {
				t.Errorf("progress events mismatch (-want +got):\n%s", diff)
			}
			if got.polls < 2 {
				t.Errorf("%d polls reported, want at least 2", got.polls)
			}
		})
	}
}
