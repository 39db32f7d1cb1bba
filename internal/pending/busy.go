package pending

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// ErrRouterBusy is wrapped by a [*BusyError].
var ErrRouterBusy = errors.New("another administrator session is active")

// BusyError reports that another session stayed in administrator mode on
// the router for longer than the run would wait. Nothing was changed. The
// CLI exits 6, as for a lock held by another rtxctl on this machine.
type BusyError struct {
	// Sessions are the other administrator sessions seen last.
	Sessions []rtx.UserSession
	// Wait is the bound that was too short.
	Wait time.Duration
}

// Error names who holds administrator mode.
func (e *BusyError) Error() string {
	return fmt.Sprintf("the router is in administrator mode in another session (%s) for longer than --lock-wait %s: %v",
		describe(e.Sessions), e.Wait, ErrRouterBusy)
}

// Unwrap returns [ErrRouterBusy].
func (e *BusyError) Unwrap() error { return ErrRouterBusy }

func describe(sessions []rtx.UserSession) string {
	names := make([]string, len(sessions))
	for i, s := range sessions {
		names[i] = s.String()
	}
	return strings.Join(names, "; ")
}

// WaitIdle makes sure no other session is in administrator mode on the
// router r before the run changes it, so that two controllers, two accounts
// or two spellings of one router never change it at once (the local lock
// only covers one machine and account). It reads `show status user` and,
// while another session than this one is marked `+`, says once through
// notef who it waits for and reads again every poll (0 means one second)
// until wait has passed: then it returns a [*BusyError] wrapped in a
// [*cli.ExitError] with status 6. now is the controller clock. waited
// reports that another session was seen.
func WaitIdle(ctx context.Context, r rtx.Commander, wait, poll time.Duration, now func() time.Time, notef func(format string, args ...any)) (waited bool, err error) {
	if poll <= 0 {
		poll = defaultPoll
	}
	start := now()
	for first := true; ; first = false {
		sessions, err := rtx.ReadUsers(ctx, r)
		if err != nil {
			return !first, err
		}
		others := rtx.OtherAdministrators(sessions)
		if len(others) == 0 {
			return !first, nil
		}
		if now().Sub(start) >= wait {
			return !first, &cli.ExitError{Code: cli.ExitLocked, Err: &BusyError{Sessions: others, Wait: wait}}
		}
		if first && notef != nil {
			notef("waiting up to %s for another administrator session on the router to end: %s", wait, describe(others))
		}
		if err := sleep(ctx, poll); err != nil {
			return true, err
		}
	}
}

// OpenAdmin opens a session to t like [cli.ConnectionOptions.OpenAdmin],
// but enters administrator mode only once no other session is in it
// ([WaitIdle], at most wait), and checks again once in it: another
// controller that entered it at the same moment makes this run give way
// with a [*BusyError] (exit status 6) rather than change the router
// alongside it. The returned function logs out; call it exactly once.
func OpenAdmin(ctx context.Context, conn *cli.ConnectionOptions, connect cli.ConnectFunc, t cli.Target, wait time.Duration, now func() time.Time, notef func(format string, args ...any)) (*rtx.Client, func() error, error) {
	client, done, err := conn.Open(ctx, connect, t)
	if err != nil {
		return nil, nil, err
	}
	sess := timed{client: client, timeout: t.Timeout}
	waited, err := WaitIdle(ctx, sess, wait, 0, now, notef)
	if err != nil {
		return nil, nil, errors.Join(err, done())
	}
	if waited {
		// The console settings are the router's, shared by every session:
		// the ones read at login were the other session's, which it put
		// back when it ended. Log in again to read them afresh.
		if err := done(); err != nil {
			return nil, nil, err
		}
		if client, done, err = conn.Open(ctx, connect, t); err != nil {
			return nil, nil, err
		}
		sess = timed{client: client, timeout: t.Timeout}
	}
	actx, cancel := t.WithTimeout(ctx)
	err = client.Administrator(actx)
	cancel()
	if err != nil {
		return nil, nil, errors.Join(err, done())
	}
	if _, err := WaitIdle(ctx, sess, 0, 0, now, nil); err != nil {
		return nil, nil, errors.Join(err, done())
	}
	return client, done, nil
}

// timed runs each command on client within the per-operation deadline.
type timed struct {
	client  *rtx.Client
	timeout time.Duration
}

func (t timed) Run(ctx context.Context, cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.client.Run(ctx, cmd)
}
