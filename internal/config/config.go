// Package config reads rtxctl's configuration file: named routers and the
// settings used to reach them.
//
// The file is YAML, by default $XDG_CONFIG_HOME/rtxctl/config.yaml:
//
//	routers:
//	  tokyo:
//	    host: 192.168.100.1
//	    transport: ssh
//	    user: admin
//	    password_file: ~/.config/rtxctl/tokyo.password
//	    admin_password_file: ~/.config/rtxctl/tokyo.admin-password
//	    peer_as: 65521
//	    filter_id: 2
//	    match: include
//	    azure:
//	      subscription: 00000000-0000-0000-0000-000000000000
//	      resource_group: rg-network
//	      gateway: vgw-tokyo
//	      peer_address: 192.168.254.1
//	      nics: [vm1-nic, vm2-nic]
//	      route_table: rt-vms
//	  osaka-a: {host: 192.168.110.1, pair: osaka}
//	  osaka-b: {host: 192.168.110.2, pair: osaka}
//	groups:
//	  kanto: [tokyo, yokohama]
//	  kansai:
//	    routers: [osaka-a, osaka-b, kobe]
//	    atomic: true
//
// A group names routers defined under routers; a router may be in several
// groups. A group marked atomic, and the routers sharing a pair (a
// redundant pair peering with one Azure gateway), are changed all or
// nothing: see [Config.AtomicUnits]. A pair is also a group of its own
// name. Unknown fields are errors, so a typo never silently falls back to
// a default.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Host holds the settings of one router. A zero field means "not set": the
// command line or the built-in default decides.
type Host struct {
	Name                  string   `yaml:"-"`                        // key in the routers map; "" for a router given only by flags
	Host                  string   `yaml:"host"`                     // address or name to dial
	Port                  int      `yaml:"port"`                     // 0 = 22 for SSH, 23 for Telnet
	Transport             string   `yaml:"transport"`                // "ssh" or "telnet"
	User                  string   `yaml:"user"`                     // login user
	KnownHosts            string   `yaml:"known_hosts"`              // OpenSSH known_hosts file
	Identity              []string `yaml:"identity"`                 // SSH private key files
	LegacySSHAlgorithms   bool     `yaml:"legacy_ssh_algorithms"`    // offer SHA-1 and CBC algorithms for old firmware
	InsecureIgnoreHostKey bool     `yaml:"insecure_ignore_host_key"` // skip the host key check
	Encoding              string   `yaml:"encoding"`                 // console encoding: auto, shift_jis, euc-jp, utf-8, ascii
	PasswordFile          string   `yaml:"password_file"`            // file holding the login password
	AdminPasswordFile     string   `yaml:"admin_password_file"`      // file holding the administrator password
	PeerAS                int      `yaml:"peer_as"`                  // BGP AS of the peer the forced-tunnel filters are imported for
	FilterID              int      `yaml:"filter_id"`                // import filter ID for the default route; 0 = 2
	Match                 string   `yaml:"match"`                    // forced-tunnel filter kind: include or equal; "" = include
	Pair                  string   `yaml:"pair"`                     // redundant pair the router belongs to: changed all or nothing with the others of its pair; "" = none
	Azure                 Azure    `yaml:"azure,omitempty"`          // the router's Azure side (rtxctl azure); zero = not configured
}

// Azure names the Azure resources of a router's forced tunnel, for rtxctl
// azure. Credentials never go here: rtxctl uses the Azure SDK's default
// credential chain (environment, managed identity, az login).
type Azure struct {
	Subscription  string   `yaml:"subscription"`   // subscription ID
	ResourceGroup string   `yaml:"resource_group"` // resource group of the gateway, NICs and route table
	Gateway       string   `yaml:"gateway"`        // virtual network gateway the router peers with
	PeerAddress   string   `yaml:"peer_address"`   // the router's BGP address as the gateway knows it; "" = the gateway's only peer
	NICs          []string `yaml:"nics"`           // VM network interfaces whose effective routes are checked
	RouteTable    string   `yaml:"route_table"`    // route table for the KMS routes; "" = none
	Endpoint      string   `yaml:"endpoint"`       // Resource Manager URL (https); "" = Azure public cloud
	CAFile        string   `yaml:"ca_file"`        // PEM certificates to trust besides the system's (a test endpoint such as fakertx --azure)
}

// Config is the content of the configuration file.
type Config struct {
	Routers map[string]Host  `yaml:"routers"`
	Groups  map[string]Group `yaml:"groups"`
}

// Group is a named set of routers. The file writes it as a list of router
// names, or as a mapping when it is atomic:
//
//	kanto: [tokyo, yokohama]
//	kansai: {routers: [osaka-a, osaka-b], atomic: true}
type Group struct {
	Routers []string `yaml:"routers"` // names of routers in Config.Routers, in the file's order
	// Atomic makes a change to the group's routers all or nothing: tunnel
	// on|off verifies every one of them before saving any, and undoes them
	// all when one fails.
	Atomic bool `yaml:"atomic"`
}

// UnmarshalYAML reads a group written as a list of router names or as a
// mapping of [Group]'s fields.
func (g *Group) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		return n.Decode(&g.Routers)
	case yaml.MappingNode:
		valid := yamlFields(Group{})
		for i := 0; i < len(n.Content); i += 2 {
			if k := n.Content[i]; !slices.Contains(valid, k.Value) {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: unknown field %q in a group (valid fields: %s)", k.Line, k.Value, strings.Join(valid, ", "))}}
			}
		}
		type plain Group // without this method
		return n.Decode((*plain)(g))
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a group must be a list of router names, or routers: and atomic:", n.Line)}}
}

// Error reports a configuration file that cannot be read or is invalid.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("config file %s: %v", e.Path, e.Err) }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrUnknownRouter is returned by [Config.Router] for a name the file does not define.
var ErrUnknownRouter = errors.New("unknown router")

// ErrUnknownGroup is returned by [Config.Group] for a name the file does not define.
var ErrUnknownGroup = errors.New("unknown group")

// DefaultPath returns the default location of the configuration file:
// $XDG_CONFIG_HOME/rtxctl/config.yaml, or ~/.config/rtxctl/config.yaml when
// XDG_CONFIG_HOME is unset. getenv looks up environment variables and home
// is the user's home directory.
func DefaultPath(getenv func(string) string, home string) string {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "rtxctl", "config.yaml")
	}
	return filepath.Join(home, ".config", "rtxctl", "config.yaml")
}

// Load reads the configuration file at path. When mustExist is false a
// missing file gives an empty configuration. All errors are *[Error].
func Load(path string, mustExist bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !mustExist {
		return &Config{}, nil
	}
	if pathErr, ok := err.(*fs.PathError); ok && pathErr.Path == path {
		err = pathErr.Err // the path is said once, by Error
	}
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	cfg, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	return cfg, nil
}

// Parse decodes a configuration from r, rejecting unknown fields and invalid
// values.
func Parse(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	cfg := &Config{}
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeError(data, err)
	}
	for name, h := range cfg.Routers {
		if err := h.validate(); err != nil {
			return nil, fmt.Errorf("router %q: %w", name, err)
		}
		h.Name = name
		cfg.Routers[name] = h
	}
	for name, g := range cfg.Groups {
		for _, m := range g.Routers {
			if _, ok := cfg.Routers[m]; !ok {
				return nil, fmt.Errorf("group %q: router %q is not defined under routers", name, m)
			}
		}
	}
	if err := cfg.CheckPairs(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// CheckPairs reports a pair named like a group: --group would not know
// which one is meant.
func (c *Config) CheckPairs() error {
	for _, name := range slices.Sorted(maps.Keys(c.Routers)) {
		if p := c.Routers[name].Pair; p != "" {
			if _, ok := c.Groups[p]; ok {
				return fmt.Errorf("router %q: pair %q has the name of a group under groups; rename one of them", name, p)
			}
		}
	}
	return nil
}

// Router returns the settings of the router called name, or an error
// wrapping [ErrUnknownRouter].
func (c *Config) Router(name string) (Host, error) {
	h, ok := c.Routers[name]
	if !ok {
		return Host{}, unknownName(ErrUnknownRouter, name, "routers", slices.Collect(maps.Keys(c.Routers)))
	}
	return h, nil
}

// unknownName wraps err (an unknown router or group) with the name asked
// for and the names the file defines, so that a typo shows its fix.
func unknownName(err error, name, what string, known []string) error {
	if len(known) == 0 {
		return fmt.Errorf("%w %q: the config file defines no %s", err, name, what)
	}
	slices.Sort(known)
	return fmt.Errorf("%w %q (known %s: %s)", err, name, what, strings.Join(known, ", "))
}

// Group returns the names of the routers in the group or pair called name
// (a group in the order of the file, a pair in name order), or an error
// wrapping [ErrUnknownGroup].
func (c *Config) Group(name string) ([]string, error) {
	if g, ok := c.Groups[name]; ok {
		return g.Routers, nil
	}
	if members := c.pairs()[name]; len(members) > 0 {
		return members, nil
	}
	return nil, unknownName(ErrUnknownGroup, name, "groups", c.GroupNames())
}

// GroupNames returns the names [Config.Group] knows: the groups and the
// pairs, sorted.
func (c *Config) GroupNames() []string {
	names := slices.Collect(maps.Keys(c.Groups))
	names = append(names, slices.Collect(maps.Keys(c.pairs()))...)
	slices.Sort(names)
	return names
}

// pairs returns the routers of each pair, in name order.
func (c *Config) pairs() map[string][]string {
	out := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(c.Routers)) {
		if p := c.Routers[name].Pair; p != "" {
			out[p] = append(out[p], name)
		}
	}
	return out
}

// AtomicUnit is a part of a selection of routers that is changed all or
// nothing.
type AtomicUnit struct {
	Routers []string // selected routers, in the selection's order
	Groups  []string // the atomic groups and pairs tying them, sorted; empty for a router on its own
	Missing []string // routers of those groups that are not selected, sorted
}

// AtomicUnits splits the selected routers names into the parts changed all
// or nothing: routers of one atomic group or pair (or of groups sharing a
// router) form one unit, every other router a unit of its own. Units come
// in the order of their first router in names. Missing says which routers
// of a unit's groups the selection leaves out: a change to them alone
// leaves the group half changed.
func (c *Config) AtomicUnits(names []string) []AtomicUnit {
	ties := map[string][]string{} // atomic group or pair -> its routers
	for name, g := range c.Groups {
		if g.Atomic {
			ties[name] = g.Routers
		}
	}
	maps.Copy(ties, c.pairs())
	placed := map[string]bool{} // routers already in a unit
	var units []AtomicUnit
	for _, n := range names {
		if placed[n] {
			continue
		}
		placed[n] = true
		u := AtomicUnit{Routers: []string{n}}
		// Add the selected routers tied to the unit's routers, until no
		// tie adds one.
		for i := 0; i < len(u.Routers); i++ {
			for tie, members := range ties {
				if !slices.Contains(members, u.Routers[i]) {
					continue
				}
				if !slices.Contains(u.Groups, tie) {
					u.Groups = append(u.Groups, tie)
				}
				for _, m := range members {
					if !placed[m] && slices.Contains(names, m) {
						placed[m] = true
						u.Routers = append(u.Routers, m)
					}
				}
			}
		}
		for _, tie := range u.Groups {
			for _, m := range ties[tie] {
				if !slices.Contains(names, m) && !slices.Contains(u.Missing, m) {
					u.Missing = append(u.Missing, m)
				}
			}
		}
		slices.Sort(u.Groups)
		slices.Sort(u.Missing)
		slices.SortStableFunc(u.Routers, func(a, b string) int { return slices.Index(names, a) - slices.Index(names, b) })
		units = append(units, u)
	}
	return units
}

// Transports lists the accepted values of [Host.Transport].
var Transports = []string{"ssh", "telnet"}

// Matches lists the accepted values of [Host.Match].
var Matches = []string{"include", "equal"}

// Encodings lists the accepted values of [Host.Encoding].
var Encodings = []string{"auto", "shift_jis", "euc-jp", "utf-8", "ascii"}

func (h Host) validate() error {
	if h.Transport != "" && !slices.Contains(Transports, h.Transport) {
		return fmt.Errorf("transport %q: want one of %s", h.Transport, strings.Join(Transports, ", "))
	}
	if h.Encoding != "" && !slices.Contains(Encodings, h.Encoding) {
		return fmt.Errorf("encoding %q: want one of %s", h.Encoding, strings.Join(Encodings, ", "))
	}
	if h.Port < 0 || h.Port > 65535 {
		return fmt.Errorf("port %d out of range 1-65535", h.Port)
	}
	if h.PeerAS < 0 || h.PeerAS > 65535 {
		return fmt.Errorf("peer_as %d out of range 1-65535", h.PeerAS)
	}
	if h.FilterID < 0 {
		return fmt.Errorf("filter_id %d: must be positive", h.FilterID)
	}
	if h.Match != "" && !slices.Contains(Matches, h.Match) {
		return fmt.Errorf("match %q: want one of %s", h.Match, strings.Join(Matches, ", "))
	}
	if e := h.Azure.Endpoint; e != "" && !strings.HasPrefix(e, "https://") {
		return fmt.Errorf("azure endpoint %q: want an https:// URL", e)
	}
	return nil
}

// ExpandHome replaces a leading "~/" in path with home.
func ExpandHome(path, home string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return path
}

// decodeError words a YAML decoding error for operators: the line, the
// field or value at fault and, for an unknown field, the valid ones,
// without the Go types the decoder names.
func decodeError(data []byte, err error) error {
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		return syntaxError(data, err)
	}
	msgs := make([]string, len(typeErr.Errors))
	for i, m := range typeErr.Errors {
		msgs[i] = decodeMessage(m)
	}
	return errors.New(strings.Join(msgs, "; "))
}

// syntaxError words a YAML syntax error err of data with the line at
// fault: the decoder names the line where the enclosing block began (line
// 1 for a key indented one space too few at line 4), so the line given is
// the first one at which the file's beginning stops parsing.
func syntaxError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if _, problem, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "line ") {
		msg = problem
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for n := 1; n <= len(lines); n++ {
		var v any
		if yaml.Unmarshal(bytes.Join(lines[:n], nil), &v) != nil {
			return fmt.Errorf("line %d: %s", n, msg)
		}
	}
	return errors.New(msg)
}

// fieldsOf lists the valid field names of each section, by the Go type
// the decoder names in its messages.
var fieldsOf = map[string]any{"config.Config": Config{}, "config.Host": Host{}, "config.Azure": Azure{}}

// valueKinds says what a value must look like, by the Go type the decoder
// names.
var valueKinds = map[string]string{"int": "a whole number", "bool": "true or false", "[]string": "a list", "string": "text"}

func decodeMessage(m string) string {
	line, rest, ok := strings.Cut(m, ": ")
	if !ok {
		return m
	}
	if field, typ, ok := strings.Cut(strings.TrimPrefix(rest, "field "), " not found in type "); ok {
		if v, ok := fieldsOf[typ]; ok {
			return fmt.Sprintf("%s: unknown field %q (valid fields: %s)", line, field, strings.Join(yamlFields(v), ", "))
		}
	}
	if i := strings.LastIndex(rest, " into "); strings.HasPrefix(rest, "cannot unmarshal ") && i > 0 {
		if kind, ok := valueKinds[rest[i+len(" into "):]]; ok {
			value := strings.TrimPrefix(rest[:i], "cannot unmarshal ")
			if _, v, ok := strings.Cut(value, " "); ok {
				value = v
			}
			return fmt.Sprintf("%s: %q must be %s", line, strings.Trim(value, "`"), kind)
		}
	}
	return m
}

// yamlFields returns the YAML field names of struct value v, in order.
func yamlFields(v any) []string {
	t := reflect.TypeOf(v)
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}
