package capture

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactPhysical(t *testing.T) {
	t.Parallel()
	// head ends a 79-character physical line after "text", so that the
	// key is the whole continuation line.
	head := "  ipsec ike pre-shared-key 1 text "
	pad := strings.Repeat("x", 79-(len(head)-1)-len("description "))
	tests := []struct {
		name    string
		in      string
		columns int
		want    string
	}{
		{
			name:    "no secret, wrapping kept",
			in:      "bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 igno\nre-capability=on\n",
			columns: 80,
			want:    "bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 igno\nre-capability=on\n",
		},
		{
			name:    "secret on one line",
			in:      "ip lan1 address 192.168.100.1/24\nlogin user alice s3cret\n",
			columns: 80,
			want:    "ip lan1 address 192.168.100.1/24\nlogin user alice <redacted>\n",
		},
		{
			name:    "secret split by the wrap",
			in:      "  ipsec ike pre-shared-key 1 text " + strings.Repeat("k", 45) + "\n" + "KEYREST\n" + "tunnel enable 1\n",
			columns: 80,
			want:    "  ipsec ike pre-shared-key 1 text <redacted>\ntunnel enable 1\n",
		},
		{
			name:    "secret wholly on the continuation line",
			in:      "description " + pad + head[:len(head)-1] + "\n" + " SECRET\n",
			columns: 80,
			want:    "description " + pad + head[:len(head)-1] + "\n <redacted>\n",
		},
		{
			name:    "wide characters count two columns",
			in:      "description " + strings.Repeat("日", 28) + " login pass\n" + "word xyz\n",
			columns: 80,
			want:    "description " + strings.Repeat("日", 28) + " login pass\n" + "word <redacted>\n",
		},
		{
			name:    "no final line end",
			in:      "login password abc",
			columns: 80,
			want:    "login password <redacted>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := redactPhysical(tt.in, tt.columns)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("redactPhysical(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			for _, secret := range []string{"s3cret", "KEYREST", "SECRET", "kkkkk", "xyz", "abc"} {
				if strings.Contains(got, secret) {
					t.Errorf("redactPhysical(%q) = %q: still holds %q", tt.in, got, secret)
				}
			}
		})
	}
}

func TestFileRoundTrip(t *testing.T) {
	t.Parallel()
	f := &File{
		Header: map[string]string{keyFormat: "1", keyRtxctl: "v1.0.0", keyDate: "2026-12-06T05:00:00Z", keyModel: "RTX1210",
			keyRevision: "14.01.42", keyTransport: "ssh", keyColumns: "default", keyLines: "24", keyCharacter: "ja.sjis"},
		Outputs: []Output{
			{Command: "show config | grep console", Text: ""},
			{Command: "show environment", Text: "RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)\n実行中設定ファイル: config0\n"},
			{Command: `show config | grep "dhcp scope"`, Text: "dhcp scope 1 192.168.1.20-192.168.1.99/16 expire 12:00\n"},
		},
	}
	got, err := ParseFile(f.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Errorf("ParseFile(Marshal()) mismatch (-want +got):\n%s", diff)
	}
	if got.Columns() != 80 {
		t.Errorf("Columns() = %d, want 80 for the factory default", got.Columns())
	}
}

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"just text\n",
		"format: 2\n-- show config --\n",
		"format: x\n",
	} {
		if _, err := ParseFile([]byte(in)); err == nil {
			t.Errorf("ParseFile(%q) succeeded, want an error", in)
		}
	}
}
