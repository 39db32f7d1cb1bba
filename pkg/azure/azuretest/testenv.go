package azuretest

import (
	"os"
	"path/filepath"
	"testing"
)

// StartForTest starts a server with cfg for the test t (closed when t
// ends), writes its certificate to a CA file in a temporary directory of
// t, and sets the environment variables of the Azure SDK's environment
// credential to the server's client credentials (with t.Setenv, so not in
// parallel tests). It returns the server and the CA file's path.
func StartForTest(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	srv := NewServer(cfg)
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := srv.Config()
	for k, v := range map[string]string{"AZURE_TENANT_ID": c.TenantID, "AZURE_CLIENT_ID": c.ClientID,
		"AZURE_CLIENT_SECRET": c.ClientSecret, "AZURE_TOKEN_CREDENTIALS": "EnvironmentCredential"} {
		t.Setenv(k, v)
	}
	return srv, ca
}
