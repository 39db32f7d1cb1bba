package rtx

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrNoIdentity is wrapped by the error of [ReadIdentity] when the output has
// no `main:` line with a serial number.
var ErrNoIdentity = errors.New("no model and serial number in the output")

// Identity names a router by what it is, not by how it is reached: the
// model and serial number of its main board, as the `main:` line of
// `show environment` and of the `show config` header print them. Two
// addresses, ports or transports reaching one router give one Identity.
type Identity struct {
	// Model is the router model, for example "RTX1210".
	Model string `json:"model"`
	// Serial is the serial number, for example "S4H024020".
	Serial string `json:"serial"`
	// MACAddresses are the LAN MAC addresses on the line, in order; they
	// describe the router but do not identify it (a board swap keeps the
	// serial's meaning only).
	MACAddresses []string `json:"mac_addresses,omitempty"`
}

// String returns "MODEL serial SERIAL", for messages.
func (id Identity) String() string { return id.Model + " serial " + id.Serial }

// IsZero reports whether no identity is known.
func (id Identity) IsZero() bool { return id.Serial == "" }

// Same reports whether id and other name the same router: same model and
// serial number.
func (id Identity) Same(other Identity) bool {
	return id.Model == other.Model && id.Serial == other.Serial
}

// mainLineRE matches the `main:` line: `  main:  RTX1210 ver=00 serial=S4H024020
// MAC-Address=...` in `show environment`, the same after "# " in the `show config`
// header. The serial ends at white space or the end of the line.
var mainLineRE = regexp.MustCompile(`(?m)^(?:#\s*)?\s*main:\s+(\S+)\s+ver=\S*\s+serial=(\S+)(.*)$`)

// macRE matches one MAC-Address=... field of the main: line.
var macRE = regexp.MustCompile(`MAC-Address=([0-9A-Fa-f:]+)`)

// ParseIdentity returns the model, serial number and MAC addresses from the
// `main:` line of `show environment` or of the `show config` header, and
// whether there is such a line. The text must be as the router meant it: a
// line the console wrapped at its width must have been joined again (the
// driver does so); the model and serial come first on the line, so a wrapped
// line still gives them, but not every MAC address.
func ParseIdentity(text string) (Identity, bool) {
	m := mainLineRE.FindStringSubmatch(strings.ReplaceAll(text, "\r", ""))
	if m == nil {
		return Identity{}, false
	}
	id := Identity{Model: m[1], Serial: m[2]}
	for _, mac := range macRE.FindAllStringSubmatch(m[3], -1) {
		id.MACAddresses = append(id.MACAddresses, mac[1])
	}
	return id, true
}

// ReadIdentity runs `show environment` and returns the router's model and
// serial number ([ParseIdentity]).
func ReadIdentity(ctx context.Context, r Commander) (Identity, error) {
	out, err := r.Run(ctx, cmdShowEnvironment)
	if err != nil {
		return Identity{}, fmt.Errorf("read router identity: %w", err)
	}
	id, ok := ParseIdentity(out)
	if !ok {
		return Identity{}, fmt.Errorf("read router identity: %w", ErrNoIdentity)
	}
	return id, nil
}
