package tunnel

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// report is the result of `tunnel on|off`, printed as text or, with
// -o json, as one JSON object.
type report struct {
	Host   string          `json:"host"`
	Want   rtx.TunnelState `json:"want"`
	DryRun bool            `json:"dry_run"`
	// Changed reports that configuration commands or a refresh were sent.
	Changed bool `json:"changed"`
	// Saved reports that rtxctl saved the configuration.
	Saved bool            `json:"saved"`
	Plan  *rtx.TunnelPlan `json:"plan"`
	// Neighbors are the neighbor states seen by the verification.
	Neighbors []rtx.NeighborState `json:"neighbors,omitempty"`
	// Backup is the configuration backup taken before the change.
	Backup string `json:"backup,omitempty"`
	// Pending describes the change left pending by --rollback-in.
	Pending *pendingReport `json:"pending,omitempty"`
	// SafetyNet is what --rollback-in would arm (--dry-run only).
	SafetyNet *safetyNet `json:"safety_net,omitempty"`
	// Azure is the Azure check after the change (--azure).
	Azure *azure.Report `json:"azure,omitempty"`
}

// sideEffects is the warning printed before turning forced tunnelling on.
const sideEffects = `warning: with forced tunnelling on, Azure VMs stop answering on their public IP addresses,
warning: and Windows VMs stop activating against Azure KMS unless the VM subnets get routes to
warning: 20.118.99.224/32, 40.83.235.53/32 (azkms.core.windows.net) and 23.102.135.246/32
warning: (kms.core.windows.net) with next hop Internet; see docs/forced-tunnelling.md
`

func (c *change) json() bool { return c.opts.Conn.Output == cli.OutputJSON }

func (c *change) notef(format string, args ...any) {
	fmt.Fprintf(c.opts.IO.ErrOut, format+"\n", args...)
}

func (c *change) warnf(format string, args ...any) {
	c.notef("warning: "+format, args...)
}

func (c *change) warnSideEffects() {
	_, _ = io.WriteString(c.opts.IO.ErrOut, sideEffects)
}

// writePlan prints the plan before it is applied (text only: JSON output is
// one object, written by writeResult).
func (c *change) writePlan(plan *rtx.TunnelPlan) error {
	if c.json() {
		return nil
	}
	_, err := io.WriteString(c.opts.IO.Out, plan.String())
	return err
}

// writeResult prints the outcome; in text the plan comes first unless
// writePlan already printed it.
func (c *change) writeResult(r report) error {
	r.Host, r.Want = c.host, c.opts.Want
	c.log(r)
	out := c.opts.IO.Out
	if c.json() {
		return cli.WriteJSON(out, r)
	}
	var b strings.Builder
	if !r.Changed {
		b.WriteString(r.Plan.String())
	}
	if r.Changed {
		fmt.Fprintf(&b, "result: forced tunnel %s applied and verified", r.Want)
		for _, n := range r.Neighbors {
			fmt.Fprintf(&b, "; %s %s, default route %s", n.Address, n.State, advertised(n.AdvertisesDefault))
		}
		b.WriteString("\n")
	}
	if n := r.SafetyNet; n != nil {
		b.WriteString(n.String())
	}
	switch {
	case r.Pending != nil:
		fmt.Fprintf(&b, "saved: no (pending: journal entry %d)\n", r.Pending.JournalID)
		fmt.Fprintf(&b, "deadline: %s\n", r.Pending.Deadline.Local().Format(time.RFC3339))
		if rb := r.Pending.ScheduledRollback; rb != nil {
			fmt.Fprintf(&b, "router rollback: schedule %d (%s) at %s router time\n", rb.ID, rb.Command, rb.Deadline.Format(time.DateTime))
		} else {
			b.WriteString("router rollback: none (rtxctl rollback --expired undoes it)\n")
		}
	case r.Saved:
		b.WriteString("saved: yes\n")
	case r.Changed:
		b.WriteString("saved: no (--no-save)\n")
	}
	if r.Backup != "" {
		fmt.Fprintf(&b, "backup: %s\n", r.Backup)
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return err
	}
	return c.writeAzure(r.Azure)
}

// log records the outcome in the log file.
func (c *change) log(r report) {
	args := []any{"host", r.Host, "want", r.Want, "dry_run", r.DryRun, "changed", r.Changed, "saved", r.Saved}
	if r.Pending != nil {
		args = append(args, "pending", r.Pending.JournalID, "deadline", r.Pending.Deadline)
		if rb := r.Pending.ScheduledRollback; rb != nil {
			args = append(args, "router_schedule", rb.ID)
		}
	}
	c.logger.Info("tunnel", args...)
}

func advertised(yes bool) string {
	if yes {
		return "advertised"
	}
	return "withdrawn"
}
