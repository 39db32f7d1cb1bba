package rtx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lines(texts ...string) []ConfigLine {
	out := make([]ConfigLine, len(texts))
	for i, s := range texts {
		out[i] = ConfigLine{Text: s}
	}
	return out
}

func TestParseShowConfigFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want *ShowConfig
	}{
		{
			file: "showconfig_rtx1220_en.txt",
			want: &ShowConfig{
				Model:    "RTX1220",
				Revision: "15.04.04",
				Header: []string{
					"RTX1220 Rev.15.04.04 (Mon Jun 13 16:36:19 2022)",
					"MAC Address : ac:44:f2:b6:fe:c1, ac:44:f2:b6:fe:c2, ac:44:f2:b6:fe:c3",
					"Memory 256Mbytes, 3LAN",
					"main:  RTX1220 ver=00 serial=S00000000 MAC-Address=ac:44:f2:b6:fe:c1 MAC-Address=ac:44:f2:b6:fe:c2 MAC-Address=ac:44:f2:b6:fe:c3",
				},
				Lines: append(append(lines(
					"administrator password encrypted *",
					"console character en.ascii",
					"ip route default gateway 203.0.113.1",
					"ip lan1 address 192.168.0.1/24",
				),
					ConfigLine{Text: "tunnel select 1", Children: []ConfigLine{
						{Text: "tunnel encapsulation l2tp"},
						{Text: "ipsec tunnel 1", Children: lines(
							"ipsec sa policy 1 1 esp aes-cbc sha-hmac",
							"ipsec ike pre-shared-key 1 text *",
						)},
						{Text: "ip tunnel tcp mss limit auto"},
						{Text: "tunnel enable 1"},
					}},
					ConfigLine{Text: "tunnel select 2", Children: []ConfigLine{
						{Text: "ipsec tunnel 2", Children: lines("ipsec sa policy 2 2 esp aes-cbc sha-hmac")},
						{Text: "ip tunnel address 169.254.21.2/30"},
						{Text: "tunnel enable 2"},
					}},
				), lines(
					"nat descriptor masquerade incoming 1000 reject",
					"bgp use on",
					"bgp autonomous-system 65000",
					"bgp log neighbor packet",
					"bgp neighbor 1 65521 10.0.0.4 hold-time=30 local-address=192.168.0.1",
					"bgp router id 192.168.0.1",
					"bgp import filter 1 include 192.168.0.0/16",
					"bgp import filter 2 include 0.0.0.0/0",
					"bgp import 65521 static filter 1 2",
					"telnetd host lan1",
					"schedule at 1 */* 00:00:00 * ntpdate ntp.nict.jp syslog",
				)...),
			},
		},
		{
			file: "showconfig_rtx830_ja.txt",
			want: &ShowConfig{
				Model:    "RTX830",
				Revision: "15.02.30",
				Header: []string{
					"RTX830 Rev.15.02.30 (Tue Jan 23 10:05:28 2024)",
					"MAC Address : 00:a0:de:00:00:01, 00:a0:de:00:00:02",
					"Memory 256Mbytes, 2LAN",
					"main:  RTX830 ver=00 serial=S00000001 MAC-Address=00:a0:de:00:00:01 MAC-Address=00:a0:de:00:00:02",
				},
				Lines: append(append(lines(
					"login password encrypted *",
					"administrator password encrypted *",
					"console character ja.sjis",
					`description lan1 "本社 LAN"`,
					"ip lan1 address 192.168.1.1/24",
				),
					ConfigLine{Text: "pp select 1", Children: lines(
						`description pp "フレッツ光"`,
						"pp always-on on",
						"pppoe use lan2",
						"pp auth accept pap chap",
						"pp enable 1",
					)},
					ConfigLine{Text: "tunnel select 1", Children: []ConfigLine{
						{Text: `description tunnel "Azure 東日本"`},
						{Text: "ipsec tunnel 101", Children: lines(
							"ipsec sa policy 101 1 esp aes256-cbc sha256-hmac",
							"ipsec ike keepalive use 1 off",
						)},
						{Text: "ip tunnel address 169.254.21.1/32"},
						{Text: "tunnel enable 1"},
					}},
				), lines(
					"ip route default gateway pp 1",
					"bgp use on",
					"bgp autonomous-system 65000",
					"bgp neighbor 1 65521 10.0.0.4 hold-time=30 local-address=169.254.21.1 passive=on",
					"bgp import filter 1 include 192.168.1.0/24",
					"bgp import 65521 static filter 1",
					"dns server pp 1",
				)...),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			in := readTestdata(t, tt.file)
			got, err := ParseShowConfig(in)
			if err != nil {
				t.Fatalf("ParseShowConfig: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseShowConfig(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestParseShowConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *ShowConfig
	}{
		{
			name: "empty",
			in:   "",
			want: &ShowConfig{},
		},
		{
			name: "grep output without header",
			in:   "Searching ...\r\nbgp use on\r\nbgp import 65521 static filter 1 2 \r\n",
			want: &ShowConfig{Lines: lines("bgp use on", "bgp import 65521 static filter 1 2")},
		},
		{
			name: "old header with trailing comma and blank lines",
			in:   "# RTX1200 Rev.10.01.78 (Fri Sep 27 10:59:38 2019)\n# MAC Address : 00:a0:de:00:00:01, \n\nip lan1 address 192.168.100.1/24\n\n",
			want: &ShowConfig{
				Model: "RTX1200", Revision: "10.01.78",
				Header: []string{"RTX1200 Rev.10.01.78 (Fri Sep 27 10:59:38 2019)", "MAC Address : 00:a0:de:00:00:01,"},
				Lines:  lines("ip lan1 address 192.168.100.1/24"),
			},
		},
		{
			name: "comment line after config is a config line",
			in:   "ip lan1 address 192.168.100.1/24\n# not a header\n",
			want: &ShowConfig{Lines: lines("ip lan1 address 192.168.100.1/24", "# not a header")},
		},
		{
			name: "over-indented line attaches one level down",
			in:   "tunnel select 1\n   tunnel enable 1\n",
			want: &ShowConfig{Lines: []ConfigLine{{Text: "tunnel select 1", Children: lines("tunnel enable 1")}}},
		},
		{
			name: "lone CR line ends",
			in:   "bgp use on\rbgp autonomous-system 65000\r",
			want: &ShowConfig{Lines: lines("bgp use on", "bgp autonomous-system 65000")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseShowConfig(tt.in)
			if err != nil {
				t.Fatalf("ParseShowConfig(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseShowConfig(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseShowConfigRejectsBinary(t *testing.T) {
	t.Parallel()
	if _, err := ParseShowConfig("bgp use on\x00"); err == nil {
		t.Error("ParseShowConfig(NUL) = nil error, want an error")
	}
}

func TestShowConfigStringRoundTrip(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"showconfig_rtx1220_en.txt", "showconfig_rtx830_ja.txt"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			first, err := ParseShowConfig(readTestdata(t, file))
			if err != nil {
				t.Fatal(err)
			}
			second, err := ParseShowConfig(first.String())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(first, second); diff != "" {
				t.Errorf("ParseShowConfig(String()) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseShowConfig(f *testing.F) {
	for _, file := range []string{"showconfig_rtx1220_en.txt", "showconfig_rtx830_ja.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("Searching ...\nbgp import filter 2 include 0.0.0.0/0\nbgp import 65521 static filter 1 2\n")
	f.Add(" #x\n\tfoo\n  bar \r\n#\n")
	f.Fuzz(func(t *testing.T, in string) {
		first, err := ParseShowConfig(in)
		if err != nil {
			return
		}
		second, err := ParseShowConfig(first.String())
		if err != nil {
			t.Fatalf("ParseShowConfig(String()) failed: %v", err)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("round trip of %q mismatch (-want +got):\n%s", in, diff)
		}
		// The BGP model must render to lines that parse to the same model.
		bgp := first.BGP()
		if diff := cmp.Diff(bgp.Lines(), ParseBGPLines(bgp.Lines()).Lines()); diff != "" {
			t.Errorf("BGP round trip of %q mismatch (-want +got):\n%s", in, diff)
		}
		// ParseBGP, which builds no configuration tree, reads the same model.
		if got, err := ParseBGP(in); err != nil || !cmp.Equal(bgp, got) {
			t.Errorf("ParseBGP(%q) = %+v, %v; want %+v", in, got, err, bgp)
		}
	})
}

func BenchmarkParseShowConfig(b *testing.B) {
	in, err := os.ReadFile(filepath.Join("testdata", "showconfig_rtx1220_en.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseShowConfig(string(in)); err != nil {
			b.Fatal(err)
		}
	}
}
