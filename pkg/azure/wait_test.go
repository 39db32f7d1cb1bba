package azure_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// clock is a fake clock the test moves forward.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestWait checks that Wait returns once the gateway learned (or withdrew)
// the default route after its propagation delay, reporting progress
// before, and that it gives up with a *WaitError holding the last report
// when the route never comes.
func TestWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		want      azure.State
		before    []string // advertised before the change
		after     []string // advertised after
		faults    azuretest.Faults
		wantError bool
	}{
		{name: "learned late", want: azure.On, after: []string{"0.0.0.0/0"}},
		{name: "withdrawn late", want: azure.Off, before: []string{"0.0.0.0/0"}},
		{name: "never learned", want: azure.On, after: []string{"0.0.0.0/0"}, faults: azuretest.Faults{NeverLearn: true}, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			f := newFake(t, testToken, func(c *azuretest.Config) { c.PropagationDelay = time.Minute; c.Now = clk.Now })
			f.speaker.Set("Established", tt.before...)
			if _, err := f.client.Check(t.Context(), target(), azure.Unknown); err != nil {
				t.Fatal(err)
			}
			clk.advance(2 * time.Minute)
			if _, err := f.client.Check(t.Context(), target(), azure.Unknown); err != nil {
				t.Fatal(err)
			}
			f.speaker.Set("Established", tt.after...)
			f.srv.SetFaults(tt.faults)
			timeout := 5 * time.Second
			if tt.wantError {
				timeout = 200 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(t.Context(), timeout)
			defer cancel()
			progress := 0
			rep, err := f.client.Wait(ctx, target(), tt.want, time.Millisecond, func(r *azure.Report) {
				progress++
				if progress == 3 && !tt.wantError {
					clk.advance(2 * time.Minute)
				}
			})
			if tt.wantError {
				var we *azure.WaitError
				if !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) || we.Last == nil || we.Last.Learned.Default {
					t.Fatalf("Wait error = %v, want a *WaitError after a deadline with the last report", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Wait: %v", err)
			}
			if progress < 3 || rep.Learned.Default != (tt.want == azure.On) || rep.Checks[1].Verdict != azure.VerdictOK {
				t.Errorf("Wait: %d progress calls, learned default %v, check %+v; want >= 3, %v, ok", progress, rep.Learned.Default, rep.Checks[1], tt.want == azure.On)
			}
		})
	}
}
