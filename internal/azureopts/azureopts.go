// Package azureopts holds what the commands that look at Azure share: the
// Azure flags merged with a router's azure settings from the config file,
// the SDK client with the default credential chain, the exit status of
// Azure errors, and the text form of a check.
//
// Layer: command-line wiring, between internal/cli and the command packages
// (rtxctl azure, and tunnel and status with --azure), which must not import
// each other.
package azureopts

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/spf13/pflag"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/pkg/azure"
)

// Options are the Azure settings of one invocation. Register the flags
// with [Options.AddFlags]; [Options.Resolve] fills what no flag gave from
// the config file.
type Options struct {
	config.Azure
	// Wait is the pause between two checks while waiting for Azure to
	// learn or withdraw the default route; 0 = azure.DefaultWaitInterval.
	Wait time.Duration

	flags *pflag.FlagSet
}

// AddFlags registers the flags saying where the resources are:
// subscription, resource group, endpoint.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Subscription, "subscription", "", "Azure subscription ID (default: the router's azure.subscription in the config file)")
	fs.StringVar(&o.ResourceGroup, "resource-group", "", "Azure resource group of the gateway, NICs and route table")
	fs.StringVar(&o.Endpoint, "azure-endpoint", "", "Azure Resource Manager `URL` (default: Azure's public cloud; for test endpoints such as fakertx --azure)")
	fs.StringVar(&o.CAFile, "azure-ca-file", "", "also trust the PEM certificates in `FILE` for Azure (test endpoints)")
	o.flags = fs
}

// AddCheckFlags registers AddFlags's flags and those naming what a check
// reads: gateway, peer address, NICs.
func (o *Options) AddCheckFlags(fs *pflag.FlagSet) {
	o.AddFlags(fs)
	fs.StringVar(&o.Gateway, "gateway", "", "Azure virtual network gateway the router peers with")
	fs.StringVar(&o.PeerAddress, "peer-address", "", "the router's BGP address as the gateway knows it (default: the gateway's only peer)")
	fs.StringArrayVar(&o.NICs, "nic", nil, "VM network interface whose effective routes are checked (repeatable)")
	fs.DurationVar(&o.Wait, "wait-interval", azure.DefaultWaitInterval, "pause between two checks while waiting for Azure")
}

// Resolve fills every setting whose flag was not given from a, the
// router's azure settings in the config file.
func (o *Options) Resolve(a config.Azure) {
	set := func(dst *string, name, v string) {
		if o.flags == nil || !o.flags.Changed(name) {
			*dst = v
		}
	}
	set(&o.Subscription, "subscription", a.Subscription)
	set(&o.ResourceGroup, "resource-group", a.ResourceGroup)
	set(&o.Gateway, "gateway", a.Gateway)
	set(&o.PeerAddress, "peer-address", a.PeerAddress)
	set(&o.Endpoint, "azure-endpoint", a.Endpoint)
	set(&o.CAFile, "azure-ca-file", a.CAFile)
	if o.flags == nil || !o.flags.Changed("nic") {
		o.NICs = a.NICs
	}
	if o.RouteTable == "" {
		o.RouteTable = a.RouteTable
	}
}

// Require checks that the settings named (subscription, resource-group,
// gateway) are set; the error is a *[cli.FlagError].
func (o *Options) Require(names ...string) error {
	values := map[string]string{"subscription": o.Subscription, "resource-group": o.ResourceGroup, "gateway": o.Gateway}
	var missing []string
	for _, n := range names {
		if values[n] == "" {
			missing = append(missing, "--"+n)
		}
	}
	if len(missing) > 0 {
		return cli.FlagErrorf("no Azure %s: give %s or set them under the router's azure: in the config file",
			strings.ReplaceAll(strings.Join(missing, ", "), "--", ""), strings.Join(missing, " "))
	}
	if o.Endpoint != "" && !strings.HasPrefix(o.Endpoint, "https://") {
		return cli.FlagErrorf("invalid --azure-endpoint %q: want an https:// URL", o.Endpoint)
	}
	return nil
}

// Target returns the resources the check reads.
func (o *Options) Target() azure.Target {
	return azure.Target{ResourceGroup: o.ResourceGroup, Gateway: o.Gateway, PeerAddress: o.PeerAddress, NICs: o.NICs}
}

// Client returns an SDK client for the settings, authenticated by the
// Azure SDK's default credential chain (environment, workload identity,
// managed identity, Azure CLI login, ...). With an endpoint set, the
// endpoint is also the token authority.
func (o *Options) Client() (*azure.Client, error) {
	var transport policy.Transporter
	if o.CAFile != "" {
		t, err := trusting(o.CAFile)
		if err != nil {
			return nil, err
		}
		transport = t
	}
	cc := cloud.AzurePublic
	if o.Endpoint != "" {
		e := strings.TrimSuffix(o.Endpoint, "/")
		cc = cloud.Configuration{
			ActiveDirectoryAuthorityHost: e + "/",
			Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Audience: e, Endpoint: e}},
		}
	}
	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: policy.ClientOptions{Cloud: cc, Transport: transport},
		// A test or private endpoint is not a cloud Microsoft knows.
		DisableInstanceDiscovery: o.Endpoint != "",
	})
	if err != nil {
		return nil, &credentialError{err}
	}
	return azure.New(azure.Config{Subscription: o.Subscription, Credential: credential{cred}, Cloud: cc, Transport: transport})
}

// trusting returns an HTTP client that trusts the system's certificates and
// those in file.
func trusting(file string) (*http.Client, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, cli.FlagErrorf("read --azure-ca-file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, cli.FlagErrorf("--azure-ca-file %s holds no PEM certificate", file)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig.RootCAs = pool
	return &http.Client{Transport: t}, nil
}

// credential marks the errors of a token credential as *credentialError.
type credential struct{ azcore.TokenCredential }

// GetToken gets a token from the wrapped credential.
func (c credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := c.TokenCredential.GetToken(ctx, opts)
	if err != nil && ctx.Err() == nil {
		err = &credentialError{err}
	}
	return tok, err
}

// credentialError is a failure to get a token. A refused login is shown by
// the first line of the SDK's message (the rest is the raw answer and a
// troubleshooting link); a chain of unavailable credentials on one line.
type credentialError struct{ err error }

func (e *credentialError) Error() string {
	msg := e.err.Error()
	var authErr *azidentity.AuthenticationFailedError
	if errors.As(e.err, &authErr) {
		msg, _, _ = strings.Cut(strings.TrimSpace(authErr.Error()), "\n")
		if desc := errorDescription(authErr.RawResponse); desc != "" {
			msg += " " + desc
		}
	}
	return "get an Azure token: " + strings.Join(strings.Fields(msg), " ")
}

// errorDescription returns the error_description of a token endpoint's
// error answer, or "".
func errorDescription(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return ""
	}
	var e struct {
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Description
}

func (e *credentialError) Unwrap() error { return e.err }

// Error gives an error from package azure its exit status: 4 when Azure
// refused the credential or its rights, 2 when a named resource does not
// exist (a setting is wrong), 3 when Azure did not answer in time; other
// errors are returned as they are.
func Error(err error) error {
	var (
		re      *azure.ResponseError
		credErr *credentialError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &credErr):
		return &cli.ExitError{Code: cli.ExitAuth, Err: err}
	case errors.As(err, &re) && re.Unauthorized():
		return &cli.ExitError{Code: cli.ExitAuth, Err: err}
	case errors.As(err, &re) && re.NotFound():
		return &cli.ExitError{Code: cli.ExitUsage, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &cli.ExitError{Code: cli.ExitUnreachable, Err: fmt.Errorf("no answer from Azure in time (--timeout): %w", err)}
	}
	return err
}
