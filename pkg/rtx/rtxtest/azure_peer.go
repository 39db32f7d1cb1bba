package rtxtest

// AdvertisedPrefixes returns the prefixes advertised to the neighbor at
// addr in CIDR form (the default route as 0.0.0.0/0 whatever the
// DefaultRoute variant prints), for a fake BGP peer such as the gateway of
// package azuretest. It is empty while the neighbor is not Established.
func (r *Router) AdvertisedPrefixes(addr string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickLocked()
	var out []string
	for _, name := range r.advertised(addr, r.now()) {
		if name == "default" {
			name = "0.0.0.0/0"
		}
		out = append(out, name)
	}
	return out
}
