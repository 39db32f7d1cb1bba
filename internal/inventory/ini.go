package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// parseINI reads an inventory in Ansible's INI format:
//
//	rtx-lab ansible_host=192.0.2.9          # before any section: ungrouped
//	[branches]
//	rtx-tokyo ansible_host=192.0.2.1 ansible_port=2222
//	rtx-osaka
//	[branches:vars]
//	ansible_user=admin
//	[japan:children]
//	branches
func parseINI(data []byte) (*inventory, error) {
	inv := newInventory()
	section, kind := groupUngrouped, "hosts"
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		var err error
		switch {
		case line[0] == '[':
			section, kind, err = iniSection(line)
			if err == nil {
				inv.group(section)
			}
		case kind == "hosts":
			err = inv.iniHost(section, line)
		case kind == "vars":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				err = fmt.Errorf("want NAME=VALUE in [%s:vars], not %q", section, line)
				break
			}
			inv.group(section).vars[strings.TrimSpace(k)] = value{text: unquote(strings.TrimSpace(v)), scalar: true}
		case kind == "children":
			inv.addChild(section, line)
		}
		if err != nil {
			return nil, &Error{Line: n, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if g, ok := inv.groups[groupUngrouped]; ok && len(g.hosts) > 0 {
		inv.addChild(groupAll, groupUngrouped)
	}
	return inv, nil
}

// iniSection reads a section header: [group], [group:vars] or
// [group:children].
func iniSection(line string) (name, kind string, err error) {
	inner, ok := strings.CutSuffix(line, "]")
	if !ok {
		return "", "", fmt.Errorf("section header %q does not end with ]", line)
	}
	name, suffix, _ := strings.Cut(inner[1:], ":")
	switch suffix {
	case "":
		kind = "hosts"
	case "vars", "children":
		kind = suffix
	default:
		return "", "", fmt.Errorf("section [%s]: want [GROUP], [GROUP:vars] or [GROUP:children]", inner[1:])
	}
	if name == "" {
		return "", "", errors.New("section with no group name")
	}
	return name, kind, nil
}

// iniHost reads a host line: a host pattern and NAME=VALUE variables.
func (inv *inventory) iniHost(section, line string) error {
	fields, err := splitFields(line)
	if err != nil {
		return err
	}
	hosts, port, err := hostPattern(fields[0])
	if err != nil {
		return err
	}
	v := portVars(port)
	for _, f := range fields[1:] {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return fmt.Errorf("host %s: want NAME=VALUE, not %q", fields[0], f)
		}
		v[k] = value{text: unquote(val), scalar: true}
	}
	for _, h := range hosts {
		inv.addHost(section, h, v)
	}
	return nil
}

// splitFields splits a host line at spaces outside quotes, dropping a
// trailing comment.
func splitFields(line string) ([]string, error) {
	var (
		fields []string
		cur    strings.Builder
		quote  rune
		inWord bool
	)
	for _, r := range line {
		switch {
		case quote != 0:
			cur.WriteRune(r)
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
			cur.WriteRune(r)
		case r == '#' && !inWord:
			return append(fields, wordIf(&cur)...), nil
		case r == ' ' || r == '\t':
			fields, inWord = append(fields, wordIf(&cur)...), false
		default:
			inWord = true
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", line)
	}
	return append(fields, wordIf(&cur)...), nil
}

// wordIf returns the word in b, if any, and empties b.
func wordIf(b *strings.Builder) []string {
	if b.Len() == 0 {
		return nil
	}
	w := b.String()
	b.Reset()
	return []string{w}
}

// unquote removes one pair of matching surrounding quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
