package azureopts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/azure"
)

// WaitFor waits, at most timeout, until Azure has learned (want
// azure.On) or withdrawn (azure.Off) the router's default route and the
// NICs' effective default routes follow ([azure.Client.Wait]), printing
// a progress line to progress before each new check, and returns the
// report judged against want. When time runs out it returns the last
// report and an error with exit status 13 (Azure disagrees).
func (o *Options) WaitFor(ctx context.Context, progress io.Writer, want azure.State, timeout time.Duration) (*azure.Report, error) {
	client, err := o.Client()
	if err != nil {
		return nil, Error(err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	verb := "learn"
	if want == azure.Off {
		verb = "withdraw"
	}
	start := time.Now()
	rep, err := client.Wait(ctx, o.Target(), want, o.Wait, func(*azure.Report) {
		fmt.Fprintf(progress, "waiting for Azure to %s the default route (%s so far)\n", verb, time.Since(start).Round(100*time.Millisecond))
	})
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
