package azuretest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
)

// TestTokenEndpoint logs in to the fake's token authority with azidentity's
// client-secret credential, as DefaultAzureCredential's environment
// credential does, and with a wrong secret.
func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := azuretest.NewServer(azuretest.DefaultConfig())
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		name, secret string
		wantErr      bool
	}{
		{name: "right secret", secret: azuretest.DefaultClientSecret},
		{name: "wrong secret", secret: "not-the-secret", wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := azidentity.NewClientSecretCredential(azuretest.DefaultTenant, azuretest.DefaultClientID, tt.secret,
				&azidentity.ClientSecretCredentialOptions{
					ClientOptions:            policy.ClientOptions{Cloud: srv.Cloud(), Transport: srv.Client()},
					DisableInstanceDiscovery: true,
				})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cred.GetToken(t.Context(), policy.TokenRequestOptions{Scopes: []string{srv.URL() + "/.default"}})
			if tt.wantErr {
				if err == nil {
					t.Fatal("GetToken succeeded with a wrong secret")
				}
				return
			}
			if err != nil {
				t.Fatalf("GetToken: %v", err)
			}
			if tok.Token != azuretest.DefaultToken {
				t.Errorf("token = %q, want the fake's", tok.Token)
			}
		})
	}
}

// TestProtocol checks the raw answers: 202 with the polling headers, an
// operation in progress then succeeded, a 429 with Retry-After, a 401
// without the token.
func TestProtocol(t *testing.T) {
	t.Parallel()
	cfg := azuretest.DefaultConfig()
	cfg.RetryAfter = 1500 * time.Millisecond
	srv := azuretest.NewServer(cfg)
	t.Cleanup(srv.Close)
	c := srv.Client()
	do := func(method, url, token string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	gw := srv.URL() + "/subscriptions/" + azuretest.DefaultSubscription + "/resourceGroups/" + azuretest.DefaultResourceGroup +
		"/providers/Microsoft.Network/virtualNetworkGateways/" + azuretest.DefaultGateway + "/getLearnedRoutes?api-version=2025-01-01"
	type answer struct {
		Status                   int
		RetryAfter, RetryAfterMs string
		Polling                  bool
	}
	got := func(r *http.Response) answer {
		return answer{r.StatusCode, r.Header.Get("Retry-After"), r.Header.Get("Retry-After-Ms"),
			strings.Contains(r.Header.Get("Azure-AsyncOperation"), "/operations/") && strings.Contains(r.Header.Get("Location"), "/operationResults/")}
	}
	start := do(http.MethodPost, gw, azuretest.DefaultToken)
	status := start.Header.Get("Azure-AsyncOperation")
	result := start.Header.Get("Location")
	var answers []answer
	answers = append(answers, got(start))
	answers = append(answers, got(do(http.MethodGet, result, azuretest.DefaultToken)))
	answers = append(answers, got(do(http.MethodGet, status, azuretest.DefaultToken)))
	answers = append(answers, got(do(http.MethodGet, result, azuretest.DefaultToken)))
	answers = append(answers, got(do(http.MethodPost, gw, "")))
	srv.SetFaults(azuretest.Faults{Throttle: 1})
	answers = append(answers, got(do(http.MethodPost, gw, azuretest.DefaultToken)))
	want := []answer{
		{Status: 202, RetryAfter: "2", RetryAfterMs: "1500", Polling: true},
		{Status: 202, RetryAfter: "2", RetryAfterMs: "1500"},
		{Status: 200},
		{Status: 200},
		{Status: 401},
		{Status: 429, RetryAfter: "2", RetryAfterMs: "1500"},
	}
	if diff := cmp.Diff(want, answers); diff != "" {
		t.Errorf("answers mismatch (-want +got):\n%s", diff)
	}
}
