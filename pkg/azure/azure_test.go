package azure_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testToken is the distinctive token of the test credential: it must never
// appear in an error or report.
const testToken = "tok-Secr3t-must-not-leak-9f1c"

// tokenCredential is an azcore.TokenCredential returning a fixed token.
type tokenCredential string

func (c tokenCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(c), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// fake is a fake Azure with a speaker for its one peer and a client on it.
type fake struct {
	srv     *azuretest.Server
	speaker *azuretest.StaticSpeaker
	client  *azure.Client
}

// newFake starts a fake Azure from the default configuration changed by
// edit (nil: unchanged) and a client using token.
func newFake(t *testing.T, token string, edit func(*azuretest.Config)) *fake {
	t.Helper()
	f := &fake{speaker: &azuretest.StaticSpeaker{}}
	cfg := azuretest.DefaultConfig()
	cfg.Token = testToken
	cfg.Gateway.Peers[0].Speaker = f.speaker
	if edit != nil {
		edit(&cfg)
	}
	f.srv = azuretest.NewServer(cfg)
	t.Cleanup(f.srv.Close)
	var err error
	f.client, err = azure.New(azure.Config{
		Subscription:  f.srv.Config().Subscription,
		Credential:    tokenCredential(token),
		Cloud:         f.srv.Cloud(),
		Transport:     f.srv.Client(),
		Retry:         policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond},
		PollFrequency: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// target is the default configuration's router.
func target() azure.Target {
	return azure.Target{
		ResourceGroup: azuretest.DefaultResourceGroup,
		Gateway:       azuretest.DefaultGateway,
		PeerAddress:   "192.168.254.1",
		NICs:          []string{azuretest.DefaultNIC},
	}
}

func kmsRoutes(prefixes ...string) []azuretest.Route {
	var out []azuretest.Route
	for i, p := range prefixes {
		out = append(out, azuretest.Route{Name: "kms" + string(rune('1'+i)), AddressPrefix: p, NextHopType: "Internet"})
	}
	return out
}

func withRoutes(routes ...azuretest.Route) func(*azuretest.Config) {
	return func(c *azuretest.Config) { c.RouteTables[0].Routes = routes }
}

// checkGolden compares got, as indented JSON, with testdata/NAME.golden.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if strings.Contains(string(data), testToken) {
		t.Errorf("the token appears in %s", name)
	}
	path := filepath.Join("testdata", filepath.FromSlash(name)+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(data)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestCheck drives the fake through the SDK for each state of the two
// sides and compares the report with a golden file.
func TestCheck(t *testing.T) {
	t.Parallel()
	const lan = "192.168.100.0/24"
	tests := []struct {
		name     string
		router   azure.State
		state    string   // the router's BGP state of the gateway
		prefixes []string // what the router advertises
		faults   azuretest.Faults
		edit     func(*azuretest.Config)
		agrees   bool
	}{
		{name: "on", router: azure.On, state: "Established", prefixes: []string{"0.0.0.0/0", lan},
			edit: withRoutes(kmsRoutes(azure.KMSPrefixes...)...), agrees: true},
		{name: "on-kms-missing", router: azure.On, state: "Established", prefixes: []string{"0.0.0.0/0", lan}},
		{name: "on-kms-partial", router: azure.On, state: "Established", prefixes: []string{"0.0.0.0/0", lan},
			edit: withRoutes(append(kmsRoutes(azure.KMSPrefixes[:2]...),
				azuretest.Route{Name: "kms3", AddressPrefix: azure.KMSPrefixes[2], NextHopType: "VirtualNetworkGateway"})...)},
		{name: "on-never-learned", router: azure.On, state: "Established", prefixes: []string{"0.0.0.0/0", lan},
			faults: azuretest.Faults{NeverLearn: true}, edit: withRoutes(kmsRoutes(azure.KMSPrefixes...)...)},
		{name: "on-peer-not-connected", router: azure.On, state: "Active", prefixes: nil},
		{name: "off", router: azure.Off, state: "Established", prefixes: []string{lan}, agrees: true},
		{name: "off-still-learned", router: azure.Off, state: "Established", prefixes: []string{"0.0.0.0/0", lan}},
		{name: "unknown", router: azure.Unknown, state: "Established", prefixes: []string{"0.0.0.0/0"}, agrees: true},
		{name: "wrong-peer", router: azure.On, state: "Established", prefixes: []string{"0.0.0.0/0"},
			edit: func(c *azuretest.Config) { c.Gateway.Peers[0].Address = "192.168.254.9" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, testToken, tt.edit)
			f.speaker.Set(tt.state, tt.prefixes...)
			f.srv.SetFaults(tt.faults)
			rep, err := f.client.Check(t.Context(), target(), tt.router)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if got := rep.Agrees(); got != tt.agrees {
				t.Errorf("Agrees() = %v, want %v; checks %+v", got, tt.agrees, rep.Checks)
			}
			checkGolden(t, "TestCheck/"+tt.name, rep)
		})
	}
}

// TestCheckErrors checks the failures: throttling beyond the retries, a
// failed long-running operation, a refused token, missing resources.
func TestCheckErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		token      string
		faults     azuretest.Faults
		target     func(*azure.Target)
		wantStatus int
		wantCode   string
	}{
		{name: "throttled", faults: azuretest.Faults{Throttle: 1000}, wantStatus: 429, wantCode: "SubscriptionRequestsThrottled"},
		{name: "operation fails", faults: azuretest.Faults{FailOperations: true}, wantStatus: 200, wantCode: "InternalServerError"},
		{name: "wrong credentials", token: "someone-elses-token", wantStatus: 401, wantCode: "InvalidAuthenticationToken"},
		{name: "gateway not found", target: func(t *azure.Target) { t.Gateway = "vgw-typo" }, wantStatus: 404, wantCode: "ResourceNotFound"},
		{name: "nic not found", target: func(t *azure.Target) { t.NICs = []string{"vm9-nic"} }, wantStatus: 404, wantCode: "ResourceNotFound"},
		{name: "resource group not found", target: func(t *azure.Target) { t.ResourceGroup = "rg-typo" }, wantStatus: 404, wantCode: "ResourceGroupNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := tt.token
			if token == "" {
				token = testToken
			}
			f := newFake(t, token, nil)
			f.speaker.Set("Established", "0.0.0.0/0")
			f.srv.SetFaults(tt.faults)
			tg := target()
			if tt.target != nil {
				tt.target(&tg)
			}
			_, err := f.client.Check(t.Context(), tg, azure.On)
			var re *azure.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("Check error = %v, want a *azure.ResponseError", err)
			}
			if diff := cmp.Diff([]any{tt.wantStatus, tt.wantCode}, []any{re.StatusCode, re.Code}); diff != "" {
				t.Errorf("status and code mismatch (-want +got):\n%s", diff)
			}
			for _, s := range []string{testToken, "someone-elses-token", "\n"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains %q", err, s)
				}
			}
		})
	}
}

// TestCheckThrottledThenServed checks that throttling within the retry
// budget is invisible: the SDK waits as Retry-After says and retries.
func TestCheckThrottledThenServed(t *testing.T) {
	t.Parallel()
	f := newFake(t, testToken, func(c *azuretest.Config) { c.RetryAfter = 3 * time.Millisecond; c.Polls = 2 })
	f.speaker.Set("Established", "0.0.0.0/0")
	f.srv.SetFaults(azuretest.Faults{Throttle: 2})
	rep, err := f.client.Check(t.Context(), target(), azure.On)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if !rep.Learned.Default {
		t.Errorf("Learned.Default = false after throttling, want true")
	}
}
