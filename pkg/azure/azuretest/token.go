package azuretest

import (
	"net/http"
	"strings"
)

// serveToken serves the token authority's endpoints and reports whether
// the request was one of them: the tenant's OpenID configuration and a
// client-credentials token endpoint, which issues Config.Token to
// Config.ClientID with Config.ClientSecret.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, segs []string) bool {
	if len(segs) < 2 || strings.EqualFold(segs[0], "subscriptions") {
		return false
	}
	tenant := segs[0]
	base := s.ts.URL + "/" + tenant
	switch strings.Join(segs[1:], "/") {
	case "v2.0/.well-known/openid-configuration":
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                 base + "/v2.0",
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"jwks_uri":               base + "/discovery/v2.0/keys",
			"tenant_region_scope":    "AS",
		})
	case "oauth2/v2.0/token":
		if r.Method != http.MethodPost || r.ParseForm() != nil || !strings.EqualFold(tenant, s.cfg.TenantID) ||
			r.PostForm.Get("client_id") != s.cfg.ClientID || r.PostForm.Get("client_secret") != s.cfg.ClientSecret {
			writeJSON(w, http.StatusUnauthorized, map[string]any{
				"error":             "invalid_client",
				"error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
				"error_codes":       []int{7000215},
			})
			return true
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"token_type":     "Bearer",
			"expires_in":     3599,
			"ext_expires_in": 3599,
			"access_token":   s.cfg.Token,
		})
	default:
		return false
	}
	return true
}
