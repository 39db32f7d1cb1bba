package tunnel

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Router states named in a [ChangeError].
const (
	stateUnchanged  = "unchanged"
	stateUnknown    = "unknown"
	runningReverted = "reverted"
)

// ChangeError reports a failed `tunnel on|off` and says what the router
// runs and has saved now. It unwraps to the failure, so the exit status
// follows the cause (an *rtx.VerificationError, a refused command, ...).
type ChangeError struct {
	Host string
	Want rtx.TunnelState
	// What is the step that failed, such as "connect" or "read the
	// configuration"; "" when Err says it, as *rtx.ApplyError,
	// *rtx.VerificationError and the errors of rtx.PlanTunnel do.
	What string
	// Running and Saved describe the running and the saved configuration:
	// "unchanged", "reverted", "on", "off" or "unknown" with a reason.
	Running string
	Saved   string
	Err     error
}

// newChangeError describes err, which happened while nothing was changed
// unless err is an *rtx.ApplyError or *rtx.VerificationError saying
// otherwise.
func newChangeError(host string, want rtx.TunnelState, what string, err error) *ChangeError {
	e := &ChangeError{Host: host, Want: want, What: what, Running: stateUnchanged, Saved: stateUnchanged, Err: err}
	var (
		ae *rtx.ApplyError
		ve *rtx.VerificationError
	)
	switch {
	case errors.As(err, &ae):
		e.Running, e.Saved = ae.Running, ae.Saved
	case errors.As(err, &ve):
		e.Running, e.Saved = ve.Running, ve.Saved
	}
	return e
}

// Error says what failed, then what the router runs and has saved.
func (e *ChangeError) Error() string {
	return fmt.Sprintf("tunnel %s at %s: %s; router: running %s, saved %s", e.Want, e.Host, e.detail(), e.Running, e.Saved)
}

// detail says what failed, without the router state the ApplyError and
// VerificationError messages repeat.
func (e *ChangeError) detail() string {
	var (
		ae *rtx.ApplyError
		ve *rtx.VerificationError
	)
	switch {
	case errors.As(e.Err, &ae):
		what := ae.Step
		if ae.Command != "" {
			what += fmt.Sprintf(" %q", ae.Command)
		}
		if errors.Is(ae.Err, context.Canceled) {
			return fmt.Sprintf("%s not finished%s", what, revertFailure(ae.RevertErr))
		}
		return fmt.Sprintf("%s failed: %v%s", what, ae.Err, revertFailure(ae.RevertErr))
	case errors.As(e.Err, &ve) && errors.Is(ve.Err, context.Canceled):
		// Execute says "interrupted"; the verification did not fail.
		return fmt.Sprintf("not verified (%s)%s", ve.Reason, revertFailure(ve.RevertErr))
	case errors.As(e.Err, &ve):
		msg := "verification failed: " + ve.Reason
		if ve.Err != nil {
			msg += ": " + transport.ContextCause(ve.Err)
		}
		return msg + revertFailure(ve.RevertErr)
	case e.What != "" && errors.Is(e.Err, context.Canceled):
		return e.What + ": not finished"
	}
	if e.What == "" {
		return e.Err.Error()
	}
	return e.What + ": " + e.Err.Error()
}

func revertFailure(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf("; undoing the change failed: %v", err)
}

// Unwrap returns the failure.
func (e *ChangeError) Unwrap() error { return e.Err }
