package azureopts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/pkg/azure"
)

// WaitFor waits, at most timeout, until Azure has learned (want
// azure.On) or withdrawn (azure.Off) the router's default route and the
// NICs' effective default routes follow ([azure.Client.Wait]), showing
// what is still missing after each check on shown (see
// [progress.Reporter.Waiting]), and returns the report judged against
// want. When time runs out it returns the last report and an error with
// exit status 13 (Azure disagrees).
func (o *Options) WaitFor(ctx context.Context, shown *progress.Reporter, want azure.State, timeout time.Duration) (*azure.Report, error) {
	client, err := o.Client()
	if err != nil {
		return nil, Error(err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	verb, done := "learn", "learned"
	if want == azure.Off {
		verb, done = "withdraw", "withdrawn"
	}
	start := time.Now()
	rep, err := client.Wait(ctx, o.Target(), want, o.Wait, func(rep *azure.Report) {
		shown.Waiting(missing(rep, want), time.Since(start), timeout)
	})
	took := time.Since(start).Round(time.Second)
	if err != nil {
		shown.Finish(fmt.Sprintf("stopped waiting for Azure after %s", took))
	} else {
		shown.Finish(fmt.Sprintf("Azure has %s the default route after %s", done, took))
	}
	var we *azure.WaitError
	if errors.As(err, &we) && we.Last != nil && errors.Is(err, context.DeadlineExceeded) {
		what := fmt.Errorf("the gateway did not %s the default route within %s", verb, timeout)
		if we.Last.Learned.Default == (want == azure.On) {
			what = fmt.Errorf("the gateway did %s the default route, but the VMs' effective default routes did not follow within %s", verb, timeout)
		}
		return we.Last, &cli.ExitError{Code: cli.ExitAzureDisagrees, Err: what}
	}
	return rep, Error(err)
}

// missing says what the wait for want still misses in rep, a report that
// has not settled: the gateway's learned default route, or the effective
// default route of some NICs.
func missing(rep *azure.Report, want azure.State) string {
	what, gateway := "waiting for Azure to learn the default route", "the gateway has not learned it yet"
	to := "the gateway"
	if want == azure.Off {
		what, gateway, to = "waiting for Azure to withdraw the default route", "the gateway still has it", "the Internet"
	}
	if rep.Peer.Address != "" {
		what += " from " + rep.Peer.Address
	}
	if rep.Learned.Default != (want == azure.On) {
		return what + ": " + gateway
	}
	late := rep.Lagging(want)
	if len(late) == 1 {
		return fmt.Sprintf("%s: NIC %s does not send it to %s yet", what, late[0], to)
	}
	return fmt.Sprintf("%s: %d NICs do not send it to %s yet", what, len(late), to)
}

// Check returns Azure's view judged against the router's state, within
// timeout. A disagreement is in the report, not an error: see
// [Disagrees].
func (o *Options) Check(ctx context.Context, state azure.State, timeout time.Duration) (*azure.Report, error) {
	client, err := o.Client()
	if err != nil {
		return nil, Error(err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rep, err := client.Check(ctx, o.Target(), state)
	return rep, Error(err)
}
