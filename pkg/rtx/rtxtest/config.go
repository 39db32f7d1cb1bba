package rtxtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// config is a configuration: command lines in the router's order. Lines starting with a
// space belong to the block opened by the previous unindented line (tunnel select, pp select).
type config struct {
	lines []string
}

// parseConfig reads configuration text, one command per line; blank lines and comment
// lines (`#`) are skipped, trailing CRs dropped.
func parseConfig(text string) *config {
	c := &config{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c.lines = append(c.lines, line)
	}
	return c
}

func (c *config) clone() *config {
	return &config{lines: slices.Clone(c.lines)}
}

func (c *config) equal(o *config) bool {
	return slices.Equal(c.lines, o.lines)
}

// Line groups, in the order new groups are placed in the configuration.
const (
	groupLogin = iota
	groupConsole
	groupIP
	groupBGP
	groupOther
	groupSchedule
)

// lineClass says where a configuration line belongs: key identifies the setting (a new
// line with the same key replaces the old one), group and order place a new line.
type lineClass struct {
	key   string
	group int
	order string
}

// classify returns the class of a top-level configuration line given as words.
func classify(words []string) lineClass {
	w := lower(words)
	at := func(i int) string {
		if i < len(w) {
			return w[i]
		}
		return ""
	}
	num := func(i int) string {
		n, _ := strconv.Atoi(at(i))
		return fmt.Sprintf("%012d", n)
	}
	join := func(n int) string { return strings.Join(w[:min(n, len(w))], " ") }
	switch {
	case at(0) == "bgp":
		return classifyBGP(w, at, num, join)
	case at(0) == "console":
		rank := map[string]string{"character": "0", "columns": "1", "lines": "2", "prompt": "3", "info": "4"}[at(1)]
		return lineClass{key: join(2), group: groupConsole, order: rank}
	case at(0) == "ip" && at(1) == "route":
		return lineClass{key: join(3), group: groupIP, order: "0"}
	case at(0) == "ip" && strings.HasPrefix(at(1), "lan") && at(2) == "address":
		return lineClass{key: join(3), group: groupIP, order: "1" + at(1)}
	case at(0) == "schedule" && at(1) == "at":
		return lineClass{key: join(3), group: groupSchedule, order: num(2)}
	case at(0) == "login" && (at(1) == "timer" || at(1) == "password"):
		return lineClass{key: join(2), group: groupLogin}
	case at(0) == "login" && at(1) == "user", at(0) == "user" && at(1) == "attribute":
		return lineClass{key: join(3), group: groupLogin}
	case at(0) == "administrator" && at(1) == "password":
		return lineClass{key: join(2), group: groupLogin}
	}
	return lineClass{key: strings.Join(w, " "), group: groupOther}
}

// classifyBGP classifies a `bgp ...` line; the order follows show config:
// use, autonomous-system, log, neighbor, router id, then import and export lines.
func classifyBGP(w []string, at func(int) string, num func(int) string, join func(int) string) lineClass {
	c := lineClass{group: groupBGP}
	switch at(1) {
	case "use":
		c.key, c.order = join(2), "00"
	case "autonomous-system":
		c.key, c.order = join(2), "01"
	case "log":
		c.key, c.order = join(2), "02"
	case "neighbor":
		if at(2) == "pre-shared-key" {
			c.key, c.order = join(4), "04"+num(3)
		} else {
			c.key, c.order = join(3), "03"+num(2)
		}
	case "router":
		c.key, c.order = join(3), "05"
	case "preference":
		c.key, c.order = join(2), "06"
	case "import", "export":
		rank := map[string]string{"import": "07", "export": "09"}[at(1)]
		switch {
		case at(2) == "filter":
			c.key, c.order = join(4), rank+"0"+num(3)
		case at(2) == "aspath":
			c.key, c.order = join(4), rank+"2"+num(3)
		case at(3) == "bgp":
			c.key, c.order = join(5), rank+"1"+num(2)+at(3)
		default:
			c.key, c.order = join(4), rank+"1"+num(2)+at(3)
		}
	case "aggregate":
		c.key, c.order = join(4), "11"
	case "force-to-advertise":
		c.key, c.order = join(4), "12"+num(2)
	default:
		c.key, c.order = strings.Join(w, " "), "13"
	}
	return c
}

func lower(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = strings.ToLower(w)
	}
	return out
}

// blockEnd returns the index after the line at i and the indented lines of its block.
func (c *config) blockEnd(i int) int {
	j := i + 1
	for j < len(c.lines) && strings.HasPrefix(c.lines[j], " ") {
		j++
	}
	return j
}

// set adds a top-level line: it replaces the line with the same key in place, or is
// inserted in the router's canonical position.
func (c *config) set(line string) {
	cl := classify(strings.Fields(line))
	insertAt, afterSame, afterEarlier := -1, -1, 0
	for i := 0; i < len(c.lines); i = c.blockEnd(i) {
		other := classify(strings.Fields(c.lines[i]))
		if other.key == cl.key {
			c.lines[i] = line
			return
		}
		switch {
		case other.group == cl.group && insertAt < 0 && cl.order != "" && other.order > cl.order:
			insertAt = i
		case other.group == cl.group:
			afterSame = c.blockEnd(i)
		case other.group < cl.group:
			afterEarlier = c.blockEnd(i)
		}
	}
	switch {
	case insertAt >= 0:
	case afterSame >= 0:
		insertAt = afterSame
	default:
		insertAt = afterEarlier
	}
	c.lines = slices.Insert(c.lines, insertAt, line)
}

// remove deletes the top-level lines (with their blocks) that a `no` command names: the
// line with the same key, or lines beginning with the given words.
func (c *config) remove(words []string) bool {
	key := classify(words).key
	prefix := strings.Join(lower(words), " ")
	removed := false
	for i := 0; i < len(c.lines); {
		end := c.blockEnd(i)
		lw := lower(strings.Fields(c.lines[i]))
		joined := strings.Join(lw, " ")
		if classify(lw).key == key || joined == prefix || strings.HasPrefix(joined, prefix+" ") {
			c.lines = slices.Delete(c.lines, i, end)
			removed = true
			continue
		}
		i = end
	}
	return removed
}

// get returns the words following key on the top-level line whose key it is.
func (c *config) get(key string) ([]string, bool) {
	first, _, _ := strings.Cut(key, " ")
	for _, line := range c.lines {
		// A key starts with its line's first word: lines starting with
		// another word are skipped before the costlier classification.
		if lead, _, _ := strings.Cut(line, " "); !strings.EqualFold(lead, first) {
			continue
		}
		words := strings.Fields(line)
		if classify(words).key == key {
			n := len(strings.Fields(key))
			return words[min(n, len(words)):], true
		}
	}
	return nil, false
}

// withPrefix returns the top-level lines whose first word is word.
func (c *config) withPrefix(word string) []string {
	var out []string
	for _, line := range c.lines {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(line, " ") && strings.EqualFold(f[0], word) {
			out = append(out, line)
		}
	}
	return out
}
