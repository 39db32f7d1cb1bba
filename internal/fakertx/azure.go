package fakertx

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// azureOptions are the flags of the fake Azure served beside the router.
type azureOptions struct {
	enabled        bool
	listen         string
	dir            string
	gatewayAddress string
	peerAddress    string
	peerAS         int64
	delay          time.Duration
	pollInterval   time.Duration
	kms            string
	throttle       int
	failOperations bool
	neverLearn     bool
}

// kmsPresets are the values of --azure-kms: how many KMS routes the route
// table holds at the start.
var kmsPresets = map[string][]string{
	"none":    nil,
	"partial": {"20.118.99.224/32"},
	"all":     {"20.118.99.224/32", "40.83.235.53/32", "23.102.135.246/32"},
}

func (o *azureOptions) addFlags(fs *flag.FlagSet) {
	fs.BoolVar(&o.enabled, "azure", false, "also serve a fake Azure Resource Manager whose VPN gateway peers with the router (docs/azure.md)")
	fs.StringVar(&o.listen, "azure-listen", "127.0.0.1:0", "HTTPS listen `address` of the fake Azure")
	fs.StringVar(&o.dir, "azure-dir", "", "write the fake Azure's certificate (ca.pem), credentials (env) and config snippet (azure.yaml) to `dir` (default: a new temporary directory)")
	fs.StringVar(&o.gatewayAddress, "azure-gateway-address", "10.10.50.254", "the gateway's BGP `address` (the router's neighbor)")
	fs.StringVar(&o.peerAddress, "azure-peer-address", "192.168.254.1", "the router's BGP `address` as the gateway knows it")
	fs.Int64Var(&o.peerAS, "azure-peer-as", 65530, "the router's AS")
	fs.DurationVar(&o.delay, "azure-delay", 3*time.Second, "how long the gateway takes to learn or withdraw a route")
	fs.DurationVar(&o.pollInterval, "azure-poll-interval", 100*time.Millisecond, "polling interval the fake asks for (Retry-After)")
	fs.StringVar(&o.kms, "azure-kms", "none", "KMS routes in the route table at the start: {none | partial | all}")
	fs.IntVar(&o.throttle, "azure-throttle", 0, "answer the first `N` requests with 429 Too Many Requests")
	fs.BoolVar(&o.failOperations, "azure-fail-operations", false, "make every long-running operation fail")
	fs.BoolVar(&o.neverLearn, "azure-never-learn", false, "make the gateway ignore what the router advertises")
}

func (o *azureOptions) validate(allowRemote bool) error {
	if !o.enabled {
		return nil
	}
	if _, ok := kmsPresets[o.kms]; !ok {
		return &usageError{fmt.Errorf("--azure-kms %q: want none, partial or all", o.kms)}
	}
	if !allowRemote && !isLoopback(o.listen) {
		return &usageError{fmt.Errorf("--azure-listen %s is not a loopback address (127.0.0.1, ::1 or localhost); add --allow-remote to listen there", o.listen)}
	}
	return nil
}

// startAzure starts the fake Azure with router as the gateway's peer and
// writes its files; nil when --azure is not given.
func (o *azureOptions) start(router *rtxtest.Router) (*azuretest.Server, error) {
	if !o.enabled {
		return nil, nil
	}
	cfg := azuretest.DefaultConfig()
	cfg.Gateway.BGPAddress = o.gatewayAddress
	cfg.Gateway.Peers = []azuretest.Peer{{Address: o.peerAddress, ASN: o.peerAS, Speaker: router}}
	cfg.PropagationDelay = o.delay
	cfg.RetryAfter = o.pollInterval
	for i, p := range kmsPresets[o.kms] {
		cfg.RouteTables[0].Routes = append(cfg.RouteTables[0].Routes, azuretest.Route{Name: fmt.Sprintf("kms-%d", i+1), AddressPrefix: p, NextHopType: "Internet"})
	}
	l, err := net.Listen("tcp", o.listen)
	if err != nil {
		return nil, fmt.Errorf("listen for azure: %w", err)
	}
	srv := azuretest.NewUnstartedServer(cfg)
	srv.Listener = l
	srv.Start()
	srv.SetFaults(azuretest.Faults{Throttle: o.throttle, FailOperations: o.failOperations, NeverLearn: o.neverLearn})
	if err := o.writeFiles(srv); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}

// writeFiles writes ca.pem, env and azure.yaml to the Azure directory.
func (o *azureOptions) writeFiles(srv *azuretest.Server) error {
	dir, err := makeDir(o.dir, "fakertx-azure-")
	if err != nil {
		return fmt.Errorf("azure directory: %w", err)
	}
	o.dir = dir
	cfg := srv.Config()
	ca := filepath.Join(o.dir, "ca.pem")
	// The environment of azidentity's EnvironmentCredential, restricted to
	// it so that no other credential (such as managed identity) is tried.
	env := fmt.Sprintf("export AZURE_TENANT_ID=%s\nexport AZURE_CLIENT_ID=%s\nexport AZURE_CLIENT_SECRET=%s\nexport AZURE_TOKEN_CREDENTIALS=EnvironmentCredential\n",
		cfg.TenantID, cfg.ClientID, cfg.ClientSecret)
	snippet, err := yaml.Marshal(map[string]any{"azure": map[string]any{
		"subscription":   cfg.Subscription,
		"resource_group": cfg.ResourceGroup,
		"gateway":        cfg.Gateway.Name,
		"peer_address":   o.peerAddress,
		"nics":           []string{cfg.NICs[0].Name},
		"route_table":    cfg.RouteTables[0].Name,
		"endpoint":       srv.URL(),
		"ca_file":        ca,
	}})
	if err != nil {
		return err
	}
	files := []struct {
		name, content string
	}{{"ca.pem", string(srv.CertificatePEM())}, {"env", env}, {"azure.yaml", string(snippet)}}
	var errs []error
	for _, f := range files {
		errs = append(errs, writeFile(filepath.Join(o.dir, f.name), f.content))
	}
	return errors.Join(errs...)
}

// announce returns the lines printed on stdout and written to the ready
// file for the fake Azure.
func (o *azureOptions) announce(srv *azuretest.Server) (printed, ready string) {
	if srv == nil {
		return "", ""
	}
	var p strings.Builder
	fmt.Fprintf(&p, "azure %s\n", srv.URL())
	fmt.Fprintf(&p, "azure-config %s (add under the router in config.yaml)\n", filepath.Join(o.dir, "azure.yaml"))
	fmt.Fprintf(&p, "azure-env %s (source it: credentials of the fake's token endpoint)\n", filepath.Join(o.dir, "env"))
	return p.String(), fmt.Sprintf("azure=%s\nazure_dir=%s\n", srv.URL(), o.dir)
}
