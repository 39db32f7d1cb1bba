package rtx

import "strings"

// Route is one row of `show ip route`.
type Route struct {
	Destination string `json:"destination"` // `default` or ADDRESS/LENGTH
	Gateway     string `json:"gateway"`
	Interface   string `json:"interface"`
	Kind        string `json:"kind"` // static, BGP, implicit, ...
	Info        string `json:"info,omitempty"`
}

// ParseRoutes parses the table printed by `show ip route`: one Route per
// row whose first word is `default` or a network, in order; the header and
// other lines are skipped. Info holds the rest of the row (`path=10124`).
func ParseRoutes(text string) []Route {
	var out []Route
	for _, line := range splitLines(text) {
		f := strings.Fields(line)
		if len(f) < 4 || (f[0] != "default" && !isNetwork(f[0])) {
			continue
		}
		out = append(out, Route{Destination: f[0], Gateway: f[1], Interface: f[2], Kind: f[3], Info: strings.Join(f[4:], " ")})
	}
	return out
}
