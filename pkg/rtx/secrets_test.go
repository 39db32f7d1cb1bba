package rtx

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"ipsec ike pre-shared-key 1 text Psk-Zebra-4711", "ipsec ike pre-shared-key 1 text <redacted>"},
		{"  ipsec ike pre-shared-key 12 0x0a1b2c3d4e5f", "  ipsec ike pre-shared-key 12 <redacted>"},
		{`ipsec ike pre-shared-key 1 text "Psk Zebra 4711"`, "ipsec ike pre-shared-key 1 text <redacted>"},
		{`ipsec ike pre-shared-key 1 text Psk\ Zebra\ 4711`, "ipsec ike pre-shared-key 1 text <redacted>"},
		{"IPSEC IKE PRE-SHARED-KEY 1 TEXT Psk-Upper-0815\r", "IPSEC IKE PRE-SHARED-KEY 1 TEXT <redacted>\r"},
		{"login password LoginPw-Okapi", "login password <redacted>"},
		{"login password encrypted 8fQz1xLoginHash", "login password encrypted <redacted>"},
		{"administrator password AdminPw-Quokka", "administrator password <redacted>"},
		{"administrator password encrypted 9hYt3xAdminHash", "administrator password encrypted <redacted>"},
		{"administrator password encrypted", "administrator password encrypted"},
		{"login user alice UserPw-Narwhal", "login user alice <redacted>"},
		{"login user bob encrypted 1q2w3eUserHash", "login user bob encrypted <redacted>"},
		{`login user carol 'User Pw Tapir'`, "login user carol <redacted>"},
		{"login user dave", "login user dave"},
		{" pp auth username isp-user PppPw-Lynx", " pp auth username isp-user <redacted>"},
		{"pp auth username isp-user PppPw-Lynx 0312345678 clid", "pp auth username isp-user <redacted> 0312345678 clid"},
		{" pp auth myname isp@example.jp MyNamePw-Ibex", " pp auth myname isp@example.jp <redacted>"},
		{"ipsec ike xauth myname vpnuser XauthPw-Gecko", "ipsec ike xauth myname vpnuser <redacted>"},
		{"auth user 1 roadwarrior AuthUserPw-Yak", "auth user 1 roadwarrior <redacted>"},
		{"auth user 2 roadie AuthUserPw-Emu xauth=on", "auth user 2 roadie <redacted> xauth=on"},
		{" l2tp tunnel auth on L2tpPw-Bison", " l2tp tunnel auth on <redacted>"},
		{" l2tp tunnel auth off", " l2tp tunnel auth off"},
		{"radius secret RadiusPw-Heron", "radius secret <redacted>"},
		{"snmp community read-only CommRo-Marmot", "snmp community read-only <redacted>"},
		{"snmpv6 community read-write CommRw-Badger", "snmpv6 community read-write <redacted>"},
		{"snmp trap community CommTrap-Otter", "snmp trap community <redacted>"},
		{"snmp trap host 192.0.2.9 v2c CommHost-Stoat", "snmp trap host 192.0.2.9 v2c <redacted>"},
		{"snmp trap host 192.0.2.9 CommHost-Vole", "snmp trap host 192.0.2.9 <redacted>"},
		{"snmpv3 usm user 1 admin group1 sha AuthV3-Crane aes128-cfb PrivV3-Finch",
			"snmpv3 usm user 1 admin group1 sha <redacted> aes128-cfb <redacted>"},
		{"mail server smtp 1 smtp.example.jp smtp-auth mailuser SmtpPw-Koala",
			"mail server smtp 1 smtp.example.jp smtp-auth mailuser <redacted>"},
		{"mail server pop 1 pop.example.jp pop3 mailuser PopPw-Wombat",
			"mail server pop 1 pop.example.jp pop3 mailuser <redacted>"},
		{"ddns server user 1 ddnsuser DdnsPw-Puffin", "ddns server user 1 ddnsuser <redacted>"},
		{"ip lan1 rip auth key text RipKey-Dingo", "ip lan1 rip auth key text <redacted>"},
		{"ip lan1 vrrp 1 192.0.2.1 priority=200 auth=VrrpPw-Tern", "ip lan1 vrrp 1 192.0.2.1 priority=200 auth=<redacted>"},
		{"ip lan1 ospf area backbone auth=text authkey=OspfKey-Moose", "ip lan1 ospf area backbone auth=text authkey=<redacted>"},
		{"bgp neighbor 1 65001 192.0.2.2 password=BgpPw-Llama hold-time=90", "bgp neighbor 1 65001 192.0.2.2 password=<redacted> hold-time=90"},
		{"schedule at 1 */* 03:00 * login user eve SchedPw-Mink", "schedule at 1 */* 03:00 * login user eve <redacted>"},
		{"RTX1210# ipsec ike pre-shared-key 1 text Echoed-Psk-Mole", "RTX1210# ipsec ike pre-shared-key 1 text <redacted>"},
		{"> administrator password AdminPw-Seal", "> administrator password <redacted>"},
		// Lines without secrets are left alone.
		{"ip lan1 address 192.168.100.1/24", "ip lan1 address 192.168.100.1/24"},
		{"description 1 login-user-pool", "description 1 login-user-pool"},
		{"ipsec ike pre-shared-key", "ipsec ike pre-shared-key"},
	}
	var in, want []string
	for _, tt := range tests {
		got := RedactSecrets(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("RedactSecrets(%q) (-want +got):\n%s", tt.in, diff)
		}
		in, want = append(in, tt.in), append(want, tt.want)
	}
	// The same lines as one text: line by line, line ends kept.
	got := RedactSecrets(strings.Join(in, "\r\n") + "\n")
	if diff := cmp.Diff(strings.Join(want, "\r\n")+"\n", got); diff != "" {
		t.Errorf("RedactSecrets(all lines) (-want +got):\n%s", diff)
	}
}

// BenchmarkRedactSecrets redacts a configuration line without secrets, the
// common case of a transcript of a large show config.
func BenchmarkRedactSecrets(b *testing.B) {
	for b.Loop() {
		RedactSecrets("ip filter 1000143 pass * * tcp * www")
	}
}
