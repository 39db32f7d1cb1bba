package rtx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseIdentity(t *testing.T) {
	t.Parallel()
	capture := func(t *testing.T, name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(realDir, name))
		if err != nil {
			t.Fatalf("read real capture: %v", err)
		}
		return string(b)
	}
	tests := []struct {
		name string
		text func(*testing.T) string
		want Identity
	}{
		{name: "show environment", text: func(t *testing.T) string { return capture(t, "rtx1210_show_environment_en.txt") }, want: Identity{Model: "RTX1210", Serial: "S4H024020", MACAddresses: []string{"00:a0:de:c9:d6:e1", "00:a0:de:c9:d6:e2", "00:a0:de:c9:d6:e3"}}},
		{name: "show config header wrapped at 80 columns", text: func(t *testing.T) string { return capture(t, "rtx1500_show_config_80col_wrapped.txt") }, want: Identity{Model: "RTX1500", Serial: "N0Y011661", MACAddresses: []string{"00:a0:de:35:9c:7f"}}},
		{name: "show config header", text: func(*testing.T) string {
			return "# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)\r\n# main:  RTX1210 ver=00 serial=S00000001 MAC-Address=00:a0:de:00:00:01\r\n# Reporting Date: Dec  6 10:00:00 2026\r\n"
		}, want: Identity{Model: "RTX1210", Serial: "S00000001", MACAddresses: []string{"00:a0:de:00:00:01"}}},
		{name: "serial at the end of the line", text: func(*testing.T) string { return "  main:  RTX830 ver=00 serial=Z1\n" }, want: Identity{Model: "RTX830", Serial: "Z1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseIdentity(tt.text(t))
			if !ok {
				t.Fatal("ParseIdentity() found no main: line")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseIdentity() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIdentityMissing(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", "# RTX1210 Rev.14.01.42\nip lan1 address 192.168.100.1/24\n", "description main: RTX1210 ver=00\n"} {
		if id, ok := ParseIdentity(text); ok {
			t.Errorf("ParseIdentity(%q) = %v, want no identity", text, id)
		}
	}
}
