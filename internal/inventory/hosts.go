package inventory

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// maxRange bounds the hosts one pattern may expand to, so that a typo such
// as [1:99999999] fails instead of exhausting memory.
const maxRange = 10000

// expandHosts expands Ansible host ranges: "rtx[01:03]" gives rtx01, rtx02,
// rtx03; "[a:c]" gives a, b, c; "[1:9:2]" steps by 2. Several ranges
// multiply.
func expandHosts(pattern string) ([]string, error) {
	start := strings.Index(pattern, "[")
	if start < 0 {
		return []string{pattern}, nil
	}
	end := strings.Index(pattern[start:], "]")
	if end < 0 {
		return nil, fmt.Errorf("host range %q has no closing ]", pattern)
	}
	end += start
	inner := pattern[start+1 : end]
	if net.ParseIP(inner) != nil && start == 0 && end == len(pattern)-1 {
		// A bracketed IPv6 address, not a range.
		return []string{inner}, nil
	}
	items, err := expandRange(inner)
	if err != nil {
		return nil, fmt.Errorf("host range %q: %w", pattern, err)
	}
	rest, err := expandHosts(pattern[end+1:])
	if err != nil {
		return nil, err
	}
	if len(items)*len(rest) > maxRange {
		return nil, fmt.Errorf("host range %q: more than %d hosts", pattern, maxRange)
	}
	var out []string
	for _, it := range items {
		for _, r := range rest {
			out = append(out, pattern[:start]+it+r)
		}
	}
	return out, nil
}

// expandRange expands the inside of one range: BEGIN:END[:STEP], numbers
// (keeping BEGIN's leading zeros) or single letters.
func expandRange(s string) ([]string, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, fmt.Errorf("want [BEGIN:END] or [BEGIN:END:STEP]")
	}
	step := 1
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("step %q: want a positive number", parts[2])
		}
		step = n
	}
	begin, end := parts[0], parts[1]
	if isLetter(begin) && isLetter(end) {
		var out []string
		for c := begin[0]; c <= end[0]; c += byte(step) {
			out = append(out, string(c))
			if int(c)+step > 255 {
				break
			}
		}
		return out, nil
	}
	b, err1 := strconv.Atoi(begin)
	e, err2 := strconv.Atoi(end)
	if err1 != nil || err2 != nil || b < 0 || e < b {
		return nil, fmt.Errorf("[%s]: want numbers or letters, BEGIN not after END", s)
	}
	if (e-b)/step+1 > maxRange {
		return nil, fmt.Errorf("more than %d hosts", maxRange)
	}
	var out []string
	for i := b; i <= e; i += step {
		out = append(out, fmt.Sprintf("%0*d", len(begin), i))
	}
	return out, nil
}

func isLetter(s string) bool {
	return len(s) == 1 && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// hostPattern reads an inventory host entry: a pattern (see [expandHosts])
// optionally followed by :PORT, as in "rtx[01:10].example.jp:2222" or
// "[2001:db8::1]:2222".
func hostPattern(entry string) (hosts []string, port string, err error) {
	if i := strings.LastIndex(entry, ":"); i > 0 {
		before, after := entry[:i], entry[i+1:]
		if _, err := strconv.Atoi(after); err == nil && !strings.Contains(outsideBrackets(before), ":") {
			entry, port = before, after
		}
	}
	hosts, err = expandHosts(entry)
	return hosts, port, err
}

// outsideBrackets returns s without its [...] parts.
func outsideBrackets(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// portVars returns the variables a host entry's :PORT sets: ansible_port,
// which the entry's own variables may override.
func portVars(port string) vars {
	if port == "" {
		return vars{}
	}
	return vars{"ansible_port": {text: port, scalar: true}}
}
