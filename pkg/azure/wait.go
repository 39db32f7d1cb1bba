package azure

import (
	"context"
	"fmt"
	"time"
)

// DefaultWaitInterval is the pause between two checks of [Client.Wait]
// when none is given.
const DefaultWaitInterval = 10 * time.Second

// WaitError reports that Azure did not reach the wanted state before the
// context ended. Last is the last report read; it unwraps to the context's
// error.
type WaitError struct {
	Want State
	Last *Report
	Err  error
}

func (e *WaitError) Error() string {
	what := "learned"
	if e.Want == Off {
		what = "withdrawn"
	}
	return fmt.Sprintf("Azure has not %s the default route in time: %v", what, e.Err)
}

// Unwrap returns the context's error.
func (e *WaitError) Unwrap() error { return e.Err }

// Wait checks t until the route has settled: the gateway has learned the
// default route (want On) or withdrawn it (want Off), and every NIC's
// effective default route goes to the gateway (On) or to the Internet
// (Off); effective routes follow the learned routes with a delay of their
// own. It calls progress (if not nil) with each report that has not
// settled yet, then returns the settled report. Checks are interval apart
// (0 = DefaultWaitInterval). When ctx ends first, the error is a
// *[WaitError] holding the last report.
func (c *Client) Wait(ctx context.Context, t Target, want State, interval time.Duration, progress func(*Report)) (*Report, error) {
	if interval <= 0 {
		interval = DefaultWaitInterval
	}
	var last *Report
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return last, &WaitError{Want: want, Last: last, Err: ctx.Err()}
		case <-timer.C:
		}
		rep, err := c.Check(ctx, t, want)
		if err != nil {
			if ctx.Err() != nil {
				return last, &WaitError{Want: want, Last: last, Err: ctx.Err()}
			}
			return last, err
		}
		last = rep
		if settled(rep, want) {
			return rep, nil
		}
		if progress != nil {
			progress(rep)
		}
		timer.Reset(interval)
	}
}

// settled reports whether rep shows want both at the gateway (the learned
// default route) and on every NIC (its effective default route).
func settled(rep *Report, want State) bool {
	return rep.Learned.Default == (want == On) && len(rep.Lagging(want)) == 0
}

// DefaultNextHop is where a NIC's effective default route goes while
// forced tunnelling is s: the gateway when on, the Internet when off; ""
// when s is Unknown.
func (s State) DefaultNextHop() string {
	return map[State]string{On: NextHopGateway, Off: NextHopInternet}[s]
}

// Lagging returns the names of the NICs of r whose effective default route
// does not go where want sends it ([State.DefaultNextHop]) yet.
func (r *Report) Lagging(want State) []string {
	var names []string
	for _, n := range r.NICs {
		if n.DefaultNextHop != want.DefaultNextHop() {
			names = append(names, n.Name)
		}
	}
	return names
}
