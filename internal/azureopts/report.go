package azureopts

import (
	"fmt"
	"io"
	"strings"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/azure"
)

// WriteReport prints rep for people: the facts, then one line per check
// (ok, FAIL, or - for a fact not judged), then the verdict.
func WriteReport(w io.Writer, rep *azure.Report) error {
	var b strings.Builder
	row := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-19s %s\n", label+":", fmt.Sprintf(format, args...))
	}
	row("gateway", "%s", rep.Gateway)
	row("router", "forced tunnel %s", rep.Router)
	if rep.Peer.State == "" {
		row("bgp peer", "%s (not a peer of the gateway)", rep.Peer.Address)
	} else {
		row("bgp peer", "%s AS %d %s", rep.Peer.Address, rep.Peer.ASN, rep.Peer.State)
	}
	row("learned default", "%s", map[bool]string{true: "yes", false: "no"}[rep.Learned.Default])
	if len(rep.Learned.Others) > 0 {
		row("also learned", "%s", strings.Join(rep.Learned.Others, " "))
	}
	for _, n := range rep.NICs {
		hop := n.DefaultNextHop
		if hop == "" {
			hop = "none"
		}
		row("nic "+n.Name, "default route to %s, KMS routes %d of %d", hop, len(n.KMS)-len(n.KMSMissing()), len(n.KMS))
	}
	for _, c := range rep.Checks {
		mark := map[azure.Verdict]string{azure.VerdictOK: "ok", azure.VerdictFail: "FAIL", azure.VerdictInfo: "-"}[c.Verdict]
		fmt.Fprintf(&b, "  %-4s %s\n", mark, c.Message)
	}
	if failed := failures(rep); failed == 0 {
		row("verdict", "Azure agrees with the router")
	} else {
		row("verdict", "Azure disagrees with the router (%d of %d checks failed)", failed, len(rep.Checks))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Disagrees returns the error of a report that does not agree (exit
// status 13), or nil. The report says which checks failed.
func Disagrees(rep *azure.Report) error {
	failed := failures(rep)
	if failed == 0 {
		return nil
	}
	return &cli.ExitError{Code: cli.ExitAzureDisagrees, Err: fmt.Errorf("the Azure side disagrees with the router (%d of %d checks failed)", failed, len(rep.Checks))}
}

// failures counts the failed checks of rep.
func failures(rep *azure.Report) int {
	n := 0
	for _, c := range rep.Checks {
		if c.Verdict == azure.VerdictFail {
			n++
		}
	}
	return n
}
