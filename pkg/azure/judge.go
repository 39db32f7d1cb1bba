package azure

import (
	"fmt"
	"strings"
)

// judge returns the checks of rep: the BGP session, the learned default
// route, and per NIC its default route and KMS routes, each judged against
// rep.Router.
func judge(rep *Report) []Check {
	var out []Check
	add := func(name string, v Verdict, format string, args ...any) {
		out = append(out, Check{Name: name, Verdict: v, Message: fmt.Sprintf(format, args...)})
	}
	p := rep.Peer
	switch {
	case p.State == "":
		add("peer", VerdictFail, "gateway %s has no BGP peer %s: check the BGP peer address of its local network gateway", rep.Gateway, p.Address)
	case p.Connected():
		add("peer", VerdictOK, "the BGP session between gateway %s and %s is Connected", rep.Gateway, p.Address)
	default:
		add("peer", VerdictFail, "the BGP session between gateway %s and %s is %s, not Connected", rep.Gateway, p.Address, p.State)
	}
	learned := rep.Learned.Default
	switch {
	case rep.Router == On && learned:
		add("learned", VerdictOK, "Azure learned the default route from %s", p.Address)
	case rep.Router == On:
		add("learned", VerdictFail, "Azure has not learned the default route yet: the router advertises it, the gateway does not list it")
	case rep.Router == Off && learned:
		add("learned", VerdictFail, "Azure still has the default route from %s although forced tunnelling is off", p.Address)
	case rep.Router == Off:
		add("learned", VerdictOK, "Azure has no default route from %s", p.Address)
	case learned:
		add("learned", VerdictInfo, "Azure learned the default route from %s", p.Address)
	default:
		add("learned", VerdictInfo, "Azure has not learned a default route from %s", p.Address)
	}
	for _, n := range rep.NICs {
		out = append(out, judgeDefault(n, rep.Router), judgeKMS(n, rep.Router))
	}
	return out
}

// judgeDefault judges where a NIC's default route goes.
func judgeDefault(n NIC, router State) Check {
	c := Check{Name: "default-route " + n.Name, Verdict: VerdictInfo}
	hop := n.DefaultNextHop
	if hop == "" {
		hop = "nowhere (no active default route)"
	}
	c.Message = fmt.Sprintf("%s sends the default route to %s", n.Name, hop)
	want := router.DefaultNextHop()
	switch {
	case want == "":
	case n.DefaultNextHop == want:
		c.Verdict = VerdictOK
	default:
		c.Verdict = VerdictFail
		c.Message += fmt.Sprintf(", not to %s", want)
	}
	return c
}

// judgeKMS judges a NIC's routes to the KMS addresses: needed only while
// forced tunnelling is on.
func judgeKMS(n NIC, router State) Check {
	c := Check{Name: "kms " + n.Name, Verdict: VerdictInfo}
	missing := n.KMSMissing()
	addresses := "address " + strings.Join(missing, ", ")
	if len(missing) > 1 {
		addresses = "addresses " + strings.Join(missing, ", ")
	}
	switch {
	case len(missing) == 0:
		c.Message = fmt.Sprintf("%s reaches the three Azure KMS addresses over the Internet", n.Name)
		if router == On {
			c.Verdict = VerdictOK
		}
	case router == On:
		c.Verdict = VerdictFail
		c.Message = fmt.Sprintf("%s has no Internet route to the Azure KMS %s: Windows VMs cannot activate (add the routes with rtxctl azure kms-routes ROUTE_TABLE --apply)", n.Name, addresses)
	default:
		c.Message = fmt.Sprintf("%s has no Internet route to the Azure KMS %s (needed once forced tunnelling is on)", n.Name, addresses)
	}
	return c
}
