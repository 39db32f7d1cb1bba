package fakertx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"go.yaml.in/yaml/v3"
)

// TestRunAzure runs fakertx --azure and uses what it writes: the CA
// certificate to trust it, the environment to get a token from its token
// endpoint, and the config snippet to name the gateway.
func TestRunAzure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	azDir := filepath.Join(dir, "azure")
	ctx, cancel := context.WithCancel(t.Context())
	code := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		code <- Run(ctx, []string{"--telnet", "off", "--ready-file", ready, "--azure", "--azure-dir", azDir}, &bytes.Buffer{}, &stderr)
	}()
	t.Cleanup(func() { cancel(); <-code })
	lines := waitForFile(t, ready)
	url, ok := lines["azure"]
	if !ok || !strings.HasPrefix(url, "https://127.0.0.1:") || lines["azure_dir"] != azDir {
		t.Fatalf("ready file %v, want azure=https://127.0.0.1:PORT and azure_dir=%s", lines, azDir)
	}
	for _, name := range []string{"ca.pem", "env", "azure.yaml"} {
		fi, err := os.Stat(filepath.Join(azDir, name))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want mode 0600", name, err, fi.Mode().Perm())
		}
	}
	env := map[string]string{}
	data, err := os.ReadFile(filepath.Join(azDir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		env[k] = v
	}
	var snippet struct {
		Azure struct {
			Subscription  string `yaml:"subscription"`
			ResourceGroup string `yaml:"resource_group"`
			Gateway       string `yaml:"gateway"`
			Endpoint      string `yaml:"endpoint"`
			CAFile        string `yaml:"ca_file"`
		} `yaml:"azure"`
	}
	data, err = os.ReadFile(filepath.Join(azDir, "azure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &snippet); err != nil {
		t.Fatal(err)
	}
	a := snippet.Azure
	if a.Endpoint != url || a.CAFile != filepath.Join(azDir, "ca.pem") || env["AZURE_TOKEN_CREDENTIALS"] != "EnvironmentCredential" {
		t.Errorf("azure.yaml %+v and env %v do not point at the fake", a, env)
	}

	pem, err := os.ReadFile(a.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	cc := cloud.Configuration{ActiveDirectoryAuthorityHost: url + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Audience: url, Endpoint: url}}}
	cred, err := azidentity.NewClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"], env["AZURE_CLIENT_SECRET"],
		&azidentity.ClientSecretCredentialOptions{ClientOptions: policy.ClientOptions{Cloud: cc, Transport: client}, DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{url + "/.default"}})
	if err != nil {
		t.Fatalf("token from the fake with the written environment: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/subscriptions/"+a.Subscription+"/resourceGroups/"+a.ResourceGroup+
		"/providers/Microsoft.Network/virtualNetworkGateways/"+a.Gateway+"/getBgpPeerStatus?api-version=2025-01-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("getBgpPeerStatus: status %d, want 202", resp.StatusCode)
	}
}

// waitForFile waits for a NAME=VALUE file to appear and returns its lines.
func waitForFile(t *testing.T, path string) map[string]string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil {
			lines := map[string]string{}
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				k, v, _ := strings.Cut(l, "=")
				lines[k] = v
			}
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not written after 10s", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRunAzureUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--azure", "--azure-kms", "some"},
		{"--azure", "--azure-listen", "0.0.0.0:0"},
	} {
		var stderr bytes.Buffer
		if code := Run(t.Context(), args, &bytes.Buffer{}, &stderr); code != exitUsage {
			t.Errorf("fakertx %q: exit status %d, want %d; stderr %s", args, code, exitUsage, stderr.String())
		}
	}
}
