package inventory

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAML reads an inventory in Ansible's YAML format:
//
//	all:
//	  vars: {ansible_user: admin}
//	  children:
//	    branches:
//	      hosts:
//	        rtx-tokyo: {ansible_host: 192.0.2.1}
//	        rtx-osaka:
//	      children: {...}
//	      vars: {...}
func parseYAML(data []byte) (*inventory, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	inv := newInventory()
	if len(doc.Content) == 0 {
		return inv, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, errors.New("parse YAML: want a mapping of groups at the top")
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if err := inv.yamlGroup(top.Content[i].Value, top.Content[i+1]); err != nil {
			return nil, err
		}
	}
	return inv, nil
}

// yamlGroup reads the group called name from n.
func (inv *inventory) yamlGroup(name string, n *yaml.Node) error {
	g := inv.group(name)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("group %s (line %d): want a mapping with hosts, children or vars", name, n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		if isNull(val) {
			continue
		}
		if val.Kind != yaml.MappingNode {
			return fmt.Errorf("group %s %s (line %d): want a mapping", name, key, val.Line)
		}
		switch key {
		case "hosts":
			for j := 0; j+1 < len(val.Content); j += 2 {
				if err := inv.yamlHost(name, val.Content[j], val.Content[j+1]); err != nil {
					return err
				}
			}
		case "children":
			for j := 0; j+1 < len(val.Content); j += 2 {
				child := val.Content[j].Value
				inv.addChild(name, child)
				if err := inv.yamlGroup(child, val.Content[j+1]); err != nil {
					return err
				}
			}
		case "vars":
			for k, x := range yamlVars(val) {
				g.vars[k] = x
			}
		default:
			return fmt.Errorf("group %s (line %d): unknown key %q: want hosts, children or vars", name, n.Content[i].Line, key)
		}
	}
	return nil
}

// yamlHost adds the host pattern in key (with the variables in val) to group.
func (inv *inventory) yamlHost(groupName string, key, val *yaml.Node) error {
	hosts, port, err := hostPattern(key.Value)
	if err != nil {
		return fmt.Errorf("group %s (line %d): %w", groupName, key.Line, err)
	}
	v := portVars(port)
	if !isNull(val) {
		if val.Kind != yaml.MappingNode {
			return fmt.Errorf("host %s (line %d): want a mapping of variables", key.Value, val.Line)
		}
		for k, x := range yamlVars(val) {
			v[k] = x
		}
	}
	for _, h := range hosts {
		inv.addHost(groupName, h, v)
	}
	return nil
}

// yamlVars reads a mapping of variables.
func yamlVars(n *yaml.Node) vars {
	v := vars{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		val := n.Content[i+1]
		for val.Kind == yaml.AliasNode {
			val = val.Alias
		}
		x := value{scalar: val.Kind == yaml.ScalarNode, vault: val.Tag == "!vault"}
		if x.scalar {
			x.text = strings.TrimSpace(val.Value)
		}
		v[n.Content[i].Value] = x
	}
	return v
}

// isNull reports whether n is empty (a key with no value).
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}
