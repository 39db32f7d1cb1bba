// Package azure checks the Azure side of forced tunnelling through Azure
// Resource Manager, with the official Azure SDK for Go: whether the VPN
// gateway's BGP session with the router is Connected, whether the gateway
// learned 0.0.0.0/0 from it, where each VM NIC's effective default route
// goes, and whether the Azure KMS routes Windows VMs need are present. It
// also plans and adds those KMS routes to a route table.
//
// Layer: library, beside pkg/rtx (neither imports the other). It imports
// the Azure SDK and the standard library only; it never prints, reads the
// environment or picks a credential: the caller passes an
// azcore.TokenCredential (rtxctl passes azidentity.DefaultAzureCredential).
//
//	c, err := azure.New(azure.Config{Subscription: sub, Credential: cred})
//	rep, err := c.Check(ctx, azure.Target{ResourceGroup: rg, Gateway: gw, PeerAddress: addr, NICs: nics}, azure.On)
//	if !rep.Agrees() { ... }
//
// Every call takes a context and honours it; long-running operations are
// polled with the SDK's pollers and throttling (429 with Retry-After) is
// retried by the SDK's retry policy, all within the context's deadline.
// Package azuretest is a fake of the endpoints used.
package azure
