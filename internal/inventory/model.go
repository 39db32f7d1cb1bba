package inventory

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rtxctl/rtxctl/internal/config"
)

// Names of Ansible's implicit groups.
const (
	groupAll       = "all"
	groupUngrouped = "ungrouped"
)

// value is one variable's value as the inventory writes it.
type value struct {
	text   string
	scalar bool // false for a list or mapping
	vault  bool // encrypted with Ansible Vault
}

// vars are variables by name.
type vars map[string]value

// group is one inventory group.
type group struct {
	hosts    []string // hosts listed in the group itself
	children []string
	vars     vars
}

// inventory is an inventory as read, before it is turned into routers.
type inventory struct {
	groups    map[string]*group
	hostOrder []string        // every host, in order of first appearance
	hostVars  map[string]vars // merged variables set on each host
	// memberSets caches members once the inventory is read.
	memberSets map[string]map[string]bool
}

func newInventory() *inventory {
	return &inventory{
		groups:   map[string]*group{groupAll: {vars: vars{}}},
		hostVars: map[string]vars{},
	}
}

// group returns the group called name, creating it.
func (inv *inventory) group(name string) *group {
	g, ok := inv.groups[name]
	if !ok {
		g = &group{vars: vars{}}
		inv.groups[name] = g
	}
	return g
}

// addHost adds host (with its variables) to the group called name.
func (inv *inventory) addHost(groupName, host string, v vars) {
	g := inv.group(groupName)
	if !slices.Contains(g.hosts, host) {
		g.hosts = append(g.hosts, host)
	}
	hv, ok := inv.hostVars[host]
	if !ok {
		hv = vars{}
		inv.hostVars[host] = hv
		inv.hostOrder = append(inv.hostOrder, host)
	}
	for k, val := range v {
		hv[k] = val
	}
}

// addChild makes child a child group of parent.
func (inv *inventory) addChild(parent, child string) {
	p := inv.group(parent)
	inv.group(child)
	if !slices.Contains(p.children, child) {
		p.children = append(p.children, child)
	}
}

// members returns the set of hosts of group name and of its descendants.
// The inventory must not change afterwards.
func (inv *inventory) members(name string) map[string]bool {
	if m, ok := inv.memberSets[name]; ok {
		return m
	}
	if inv.memberSets == nil {
		inv.memberSets = map[string]map[string]bool{}
	}
	out := map[string]bool{}
	inv.memberSets[name] = out
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		g := inv.groups[n]
		for _, h := range g.hosts {
			out[h] = true
		}
		for _, c := range g.children {
			walk(c)
		}
	}
	walk(name)
	return out
}

// depths returns each group's depth below "all" (all = 0, a top-level
// group = 1, its children 2...): the longest path, as Ansible orders group
// variables.
func (inv *inventory) depths() map[string]int {
	d := map[string]int{}
	var walk func(name string, depth int, path map[string]bool)
	walk = func(name string, depth int, path map[string]bool) {
		if path[name] || d[name] > depth {
			return
		}
		if cur, ok := d[name]; !ok || depth > cur {
			d[name] = depth
		}
		path[name] = true
		for _, c := range inv.groups[name].children {
			walk(c, depth+1, path)
		}
		delete(path, name)
	}
	walk(groupAll, 0, map[string]bool{})
	for name := range inv.groups {
		if _, ok := d[name]; !ok {
			walk(name, 1, map[string]bool{})
		}
	}
	return d
}

// hostVariables returns the variables of host: the groups' (shallow groups
// first, then by name, as Ansible merges them), then the host's own.
func (inv *inventory) hostVariables(host string, depth map[string]int) (vars, map[string]string) {
	var groups []string
	for name := range inv.groups {
		if name == groupAll || inv.members(name)[host] {
			groups = append(groups, name)
		}
	}
	sort.Slice(groups, func(i, j int) bool {
		if depth[groups[i]] != depth[groups[j]] {
			return depth[groups[i]] < depth[groups[j]]
		}
		return groups[i] < groups[j]
	})
	merged, from := vars{}, map[string]string{}
	for _, g := range groups {
		for k, v := range inv.groups[g].vars {
			merged[k], from[k] = v, "group "+g
		}
	}
	for k, v := range inv.hostVars[host] {
		merged[k], from[k] = v, "host "+host
	}
	return merged, from
}

// routers turns the inventory into rtxctl routers and groups.
func (inv *inventory) routers(opts Options) (*Result, error) {
	selected := map[string]bool{}
	if opts.Groups == nil {
		for _, h := range inv.hostOrder {
			selected[h] = true
		}
	}
	for _, g := range opts.Groups {
		if _, ok := inv.groups[g]; !ok {
			return nil, fmt.Errorf("group %q: %w", g, ErrUnknownGroup)
		}
		for h := range inv.members(g) {
			selected[h] = true
		}
	}
	depth := inv.depths()
	res := &Result{Config: &config.Config{Routers: map[string]config.Host{}}}
	ignored := map[string][]string{} // secret variable -> where it is set
	for _, name := range inv.hostOrder {
		if !selected[name] {
			continue
		}
		v, from := inv.hostVariables(name, depth)
		h, skip, err := router(name, v)
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", name, err)
		}
		if skip != "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("host %s left out: %s", name, skip))
			continue
		}
		res.Config.Routers[name] = h
		for k := range v {
			if isSecret(k) && !slices.Contains(ignored[k], from[k]) {
				ignored[k] = append(ignored[k], from[k])
			}
		}
	}
	res.Warnings = append(res.Warnings, secretWarnings(ignored)...)
	res.Config.Groups = inv.configGroups(res.Config.Routers)
	return res, nil
}

// configGroups returns the inventory's groups restricted to routers, empty
// ones and the implicit ones left out; nil when there is none.
func (inv *inventory) configGroups(routers map[string]config.Host) map[string]config.Group {
	var out map[string]config.Group
	for name := range inv.groups {
		if name == groupAll || name == groupUngrouped {
			continue
		}
		in := inv.members(name)
		var members []string
		for _, h := range inv.hostOrder {
			if _, ok := routers[h]; ok && in[h] {
				members = append(members, h)
			}
		}
		if len(members) == 0 {
			continue
		}
		if out == nil {
			out = map[string]config.Group{}
		}
		out[name] = config.Group{Routers: members}
	}
	return out
}

// sshConnections are the ansible_connection values that reach a router
// over SSH.
var sshConnections = []string{
	"ssh", "paramiko", "paramiko_ssh", "libssh", "network_cli",
	"ansible.builtin.ssh", "ansible.builtin.paramiko_ssh", "ansible.netcommon.network_cli",
	"ansible.netcommon.libssh", "ansible.netcommon.paramiko_ssh",
}

// ansibleFields maps the Ansible variables rtxctl reads to config.yaml
// fields; the later of two names of one field wins.
var ansibleFields = []struct{ variable, field string }{
	{"ansible_ssh_host", "host"},
	{"ansible_host", "host"},
	{"ansible_ssh_port", "port"},
	{"ansible_port", "port"},
	{"ansible_ssh_user", "user"},
	{"ansible_user", "user"},
	{"ansible_private_key_file", "identity"},
	{"ansible_ssh_private_key_file", "identity"},
}

// rtxctlPrefix starts the variables that set a config.yaml field directly.
const rtxctlPrefix = "rtxctl_"

// router turns one host's variables into a router, or says why the host is
// not one.
func router(name string, v vars) (h config.Host, skip string, err error) {
	if c, ok := v["ansible_connection"]; ok && !slices.Contains(sshConnections, c.text) {
		return h, fmt.Sprintf("ansible_connection %s does not reach a router over SSH", c.text), nil
	}
	if nos, ok := v["ansible_network_os"]; ok && !isRTX(nos.text) {
		return h, fmt.Sprintf("ansible_network_os %s is not a YAMAHA RTX", nos.text), nil
	}
	fields := map[string]string{"host": name}
	source := map[string]string{} // field -> variable that set it
	for _, a := range ansibleFields {
		if val, ok := v[a.variable]; ok {
			if err := usable(a.variable, val); err != nil {
				return h, "", err
			}
			fields[a.field], source[a.field] = val.text, a.variable
		}
	}
	kinds := hostFields()
	for k, val := range v {
		field, ok := strings.CutPrefix(k, rtxctlPrefix)
		if !ok {
			continue
		}
		if _, ok := kinds[field]; !ok {
			return h, "", fmt.Errorf("unknown variable %s: rtxctl reads %s", k, rtxctlVariables(kinds))
		}
		if err := usable(k, val); err != nil {
			return h, "", err
		}
		fields[field], source[field] = val.text, k
	}
	for field, variable := range source {
		if fields[field], err = plain(variable, fields[field], kinds[field]); err != nil {
			return h, "", err
		}
	}
	h, err = decodeHost(name, fields)
	return h, "", err
}

// decodeHost makes a router of config.yaml fields, checked as config.yaml
// checks them.
func decodeHost(name string, fields map[string]string) (config.Host, error) {
	kinds := hostFields()
	host := &yaml.Node{Kind: yaml.MappingNode}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := &yaml.Node{Kind: yaml.ScalarNode, Value: fields[k]}
		if kinds[k] == reflect.String || k == "identity" {
			val.Style = yaml.DoubleQuotedStyle // a host or user such as 1e3 or yes stays a string
		}
		if k == "identity" {
			val = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{val}}
		}
		host.Content = append(host.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, val)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "routers"},
		{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: name, Style: yaml.DoubleQuotedStyle}, host}},
	}}
	data, err := yaml.Marshal(doc)
	if err != nil {
		return config.Host{}, err
	}
	cfg, err := config.Parse(strings.NewReader(string(data)))
	if err != nil {
		return config.Host{}, err
	}
	return cfg.Routers[name], nil
}

// hostFields returns the config.yaml router fields an rtxctl_ variable may
// set, the ones holding one plain value, with the kind of value.
func hostFields() map[string]reflect.Kind {
	out := map[string]reflect.Kind{}
	t := reflect.TypeFor[config.Host]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch k := f.Type.Kind(); k {
		case reflect.String, reflect.Int, reflect.Bool:
			if name != "-" && name != "" {
				out[name] = k
			}
		}
	}
	return out
}

// rtxctlVariables lists the rtxctl_ variables, for a message.
func rtxctlVariables(kinds map[string]reflect.Kind) string {
	names := make([]string, 0, len(kinds))
	for f := range kinds {
		names = append(names, rtxctlPrefix+f)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// plain checks that text is a value of kind (a number, or a boolean in any
// of Ansible's spellings) and returns it as config.yaml writes it.
func plain(variable, text string, kind reflect.Kind) (string, error) {
	switch kind {
	case reflect.Int:
		if _, err := strconv.Atoi(text); err != nil {
			return "", fmt.Errorf("%s %q: want a number", variable, text)
		}
	case reflect.Bool:
		switch strings.ToLower(text) {
		case "true", "yes", "on", "1":
			return "true", nil
		case "false", "no", "off", "0":
			return "false", nil
		}
		return "", fmt.Errorf("%s %q: want true or false", variable, text)
	}
	return text, nil
}

// usable checks that a variable rtxctl reads has a plain value.
func usable(name string, v value) error {
	switch {
	case v.vault:
		return fmt.Errorf("%s is encrypted with Ansible Vault, which rtxctl cannot open: write it in clear or set it in config.yaml", name)
	case !v.scalar:
		return fmt.Errorf("%s: want a single value, not a list or mapping", name)
	case strings.Contains(v.text, "{{") || strings.Contains(v.text, "{%"):
		return fmt.Errorf("%s is a template (%s), which rtxctl does not evaluate: write the value itself", name, v.text)
	}
	return nil
}

// isRTX reports whether an ansible_network_os names YAMAHA's routers, such
// as yamaha_network.rtx.rtx.
func isRTX(networkOS string) bool {
	s := strings.ToLower(networkOS)
	return strings.Contains(s, "rtx") || strings.Contains(s, "yamaha")
}

// isSecret reports whether an Ansible variable holds a password or
// passphrase (ansible_password, ansible_ssh_pass, ansible_become_password...).
func isSecret(name string) bool {
	return strings.HasPrefix(name, "ansible_") && strings.Contains(name, "pass")
}

// secretWarnings says, once per variable, that passwords in the inventory
// are ignored and where rtxctl takes them from.
func secretWarnings(ignored map[string][]string) []string {
	names := make([]string, 0, len(ignored))
	for k := range ignored {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		where := ignored[k]
		sort.Strings(where)
		out = append(out, fmt.Sprintf("%s (set in %s) is ignored: rtxctl never takes a password from an inventory; "+
			"give the login and administrator passwords in password_file and admin_password_file in config.yaml, "+
			"in the RTXCTL_PASSWORD and RTXCTL_ADMIN_PASSWORD environment variables, or at the prompt",
			k, strings.Join(where, ", ")))
	}
	return out
}
