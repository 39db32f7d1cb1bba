package azuretest

import (
	"slices"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

// StaticSpeaker is a [Speaker] whose state is set by the test rather than
// by a fake router. The zero value is a session that is not Established.
// It is safe for concurrent use.
type StaticSpeaker struct {
	mu       sync.Mutex
	state    string
	prefixes []string
}

// Set makes the session's state state ("Established" when up) and the
// advertised prefixes prefixes.
func (s *StaticSpeaker) Set(state string, prefixes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state, s.prefixes = state, slices.Clone(prefixes)
}

// NeighborState returns the state last set, whatever addr.
func (s *StaticSpeaker) NeighborState(string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// AdvertisedPrefixes returns the prefixes last set, whatever addr.
func (s *StaticSpeaker) AdvertisedPrefixes(string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.prefixes)
}

// Cloud returns a cloud configuration whose Resource Manager endpoint and
// token authority are the server.
func (s *Server) Cloud() cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: s.URL() + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Audience: s.URL(), Endpoint: s.URL()},
		},
	}
}
