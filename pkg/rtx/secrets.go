package rtx

import (
	"regexp"
	"strings"

	"github.com/rtxctl/rtxctl/pkg/channel"
)

// token matches one argument of the RTX command language: an unquoted word
// in which a backslash escapes the next character (`\ ` keeps a space
// inside the word), or a '...' or "..." quoted part; parts may follow each
// other without a space. An unterminated quote runs to the end of the line.
const token = `(?:[^\s"'\\]|\\.|\\$|"(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$))+`

// rest matches everything up to the end of the line, trailing blanks excluded.
const rest = `(\S(?:.*\S)?)`

// secretRule builds a case-insensitive pattern from words: T stands for one
// argument that is kept, (T) for an argument that is a secret, REST for a
// secret that runs to the end of the line, and other words match themselves
// ("a|b" matches either word, a trailing "?" makes a word optional). Patterns start at a word boundary
// anywhere in the line, so a command echoed after a prompt or scheduled by
// `schedule at` is redacted too.
func secretRule(words string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?i)(?:^|[\s>#])`)
	for i, w := range strings.Fields(words) {
		sep := `\s+`
		if i == 0 {
			sep = ""
		}
		switch {
		case w == "T":
			b.WriteString(sep + token)
		case w == "(T)":
			b.WriteString(sep + "(" + token + ")")
		case w == "REST":
			b.WriteString(sep + rest)
		case strings.HasSuffix(w, "?"):
			b.WriteString("(?:" + sep + alternatives(strings.TrimSuffix(w, "?")) + ")?")
		default:
			b.WriteString(sep + alternatives(w))
		}
	}
	return regexp.MustCompile(b.String())
}

// alternatives matches one of the words w separates by "|".
func alternatives(w string) string {
	alts := strings.Split(w, "|")
	for i, a := range alts {
		alts[i] = regexp.QuoteMeta(a)
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// SecretPatterns match the secrets the RTX configuration language can carry.
// Every capturing group of every pattern is a secret; the rest of the match
// names the setting and is kept. [RedactSecrets] applies them line by line.
var SecretPatterns = []*regexp.Regexp{
	// ipsec ike pre-shared-key GATEWAY text KEY | ipsec ike pre-shared-key GATEWAY 0xHEX
	secretRule("pre-shared-key T text? REST"),
	// login password [encrypted] SECRET, administrator password [encrypted] SECRET
	secretRule("login password encrypted? REST"),
	secretRule("administrator password encrypted? REST"),
	// login user NAME [encrypted] SECRET
	secretRule("login user T encrypted? REST"),
	// pp auth username NAME SECRET [ISDN] [CLID] [mscbcp] [IP] [IPV6PREFIX]
	secretRule("auth username T (T)"),
	// pp auth myname NAME SECRET, ipsec ike xauth myname NAME SECRET, ipsec ike eap myname ...
	secretRule("myname T REST"),
	// auth user USERID NAME SECRET [ATTRIBUTE...] (XAUTH, L2TP/IPsec users)
	secretRule("auth user T T (T)"),
	// l2tp tunnel auth on SECRET
	secretRule("l2tp tunnel auth on REST"),
	// radius secret SECRET
	secretRule("radius secret REST"),
	// snmp community read-only|read-write NAME, snmpv6 ..., snmp trap community NAME
	secretRule("community read-only|read-write REST"),
	secretRule("trap community REST"),
	// snmp trap host HOST [TYPE] COMMUNITY, snmpv6 trap host ...
	secretRule("snmp|snmpv6 trap host T v1|v2c|trap|inform? (T)"),
	// snmpv3 usm user ID NAME [GROUP] AUTH PASS [PRIV PASS]
	regexp.MustCompile(`(?i)\bsnmpv3\s+usm\s+user\s.*?\s(?:md5|sha\S*)\s+(` + token + `)(?:\s+(?:des\S*|aes\S*)\s+(` + token + `))?`),
	// mail server smtp ... smtp-auth NAME SECRET, mail server pop ... pop3|apop NAME SECRET
	secretRule("smtp-auth T (T)"),
	regexp.MustCompile(`(?i)\bmail\s+server\s+pop\s.*?\s(?:pop3|apop)\s+` + token + `\s+(` + token + `)`),
	// ddns server user ... NAME SECRET: the last argument
	regexp.MustCompile(`(?i)\bddns\s+server\s+user\s+.*?(` + token + `)\s*$`),
	// ip INTERFACE rip auth key [text] SECRET
	secretRule("rip auth key text? REST"),
	// ip INTERFACE vrrp ... auth=SECRET
	regexp.MustCompile(`(?i)\bvrrp\s.*?\bauth=(` + token + `)`),
	// OSPF authkey=SECRET md5key=(ID,SECRET), password=SECRET anywhere
	regexp.MustCompile(`(?i)\b(?:authkey|md5key|password|secret|pre-shared-key)=(` + token + `)`),
}

// secretWords holds a word of every setting SecretPatterns match, in lower
// case: a line without any of them is passed over quickly.
var secretWords = []string{"pre-shared-key", "password", "user", "myname", "auth", "secret", "community", "snmp", "smtp", "pop", "ddns", "md5key"}

// mayHoldSecret reports whether line holds one of secretWords.
func mayHoldSecret(line string) bool {
	lower := strings.ToLower(line) // no copy for a line already in lower case
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// kept lists words a secret group may match by accident when the secret
// itself is missing (the interactive `administrator password encrypted`).
var kept = map[string]bool{"encrypted": true, "text": true, channel.Redacted: true}

// RedactSecrets returns text, configuration or command lines, with every
// secret the RTX configuration language can carry replaced by "<redacted>".
// It works line by line and keeps the rest of each line, so the reader
// still sees which setting it was.
//
// Text without a secret is returned as it is; otherwise the text is copied
// once (a 50 MB configuration is not split into a slice of lines).
func RedactSecrets(text string) string {
	var (
		b       strings.Builder
		changed bool
		copied  int // text[:copied] is in b
		at      int // where the line being read starts
	)
	for l := range strings.Lines(text) {
		if r := redactLine(l); r != l {
			if !changed {
				b.Grow(len(text))
				changed = true
			}
			b.WriteString(text[copied:at])
			b.WriteString(r)
			copied = at + len(l)
		}
		at += len(l)
	}
	if !changed {
		return text
	}
	b.WriteString(text[copied:])
	return b.String()
}

// redactLine applies every pattern of SecretPatterns to one line.
func redactLine(line string) string {
	if !mayHoldSecret(line) {
		return line
	}
	for _, re := range SecretPatterns {
		m := re.FindAllStringSubmatchIndex(line, -1)
		if m == nil {
			continue
		}
		var b strings.Builder
		last := 0
		for _, loc := range m {
			for g := 2; g+1 < len(loc); g += 2 {
				s, e := loc[g], loc[g+1]
				if s < 0 || s < last || kept[strings.ToLower(line[s:e])] {
					continue
				}
				b.WriteString(line[last:s])
				b.WriteString(channel.Redacted)
				last = e
			}
		}
		b.WriteString(line[last:])
		line = b.String()
	}
	return line
}
