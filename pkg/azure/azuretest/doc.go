// Package azuretest is a fake of the Azure Resource Manager (ARM) endpoints
// rtxctl uses, shaped like net/http/httptest: [NewServer] starts an HTTPS
// server on 127.0.0.1, [Server.Client] trusts its certificate, and
// [Server.Close] stops it.
//
// It implements exactly these operations, with the JSON shapes of the
// official SDK's model types (armnetwork):
//
//   - POST .../virtualNetworkGateways/NAME/getBgpPeerStatus and
//     .../getLearnedRoutes, and POST .../networkInterfaces/NAME/effectiveRouteTable:
//     long-running operations answered 202 with Azure-AsyncOperation and
//     Location headers, polled until they succeed (or fail, see [Faults]);
//   - GET .../routeTables/NAME/routes and .../routes/NAME, and PUT
//     .../routes/NAME (a long-running create or update);
//   - a minimal Microsoft Entra ID token endpoint (client credentials), so
//     that azidentity's EnvironmentCredential can log in to it.
//
// The gateway is the BGP peer of a router: each [Peer] has a [Speaker] (a
// *rtxtest.Router satisfies it) whose advertised prefixes the gateway learns
// after [Config.PropagationDelay] once the session is Established, and
// forgets the same delay after they are withdrawn. The NICs' effective
// routes follow what the gateway learned and the user routes of their
// subnet's route table. Requests without the expected bearer token get 401,
// unknown resources 404, and [Faults.Throttle] makes requests answer 429
// with Retry-After.
//
// Layer: test support, like pkg/rtx/rtxtest. It imports no client package
// (pkg/azure, pkg/rtx and below): it is an independent implementation.
package azuretest
