package rtxtest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testCapture is a capture file of a router with a prompt prefix, 80
// columns, a wrapped header line and configuration line, a boot
// configuration other than the running one, and a recorded status output.
const testCapture = `rtxctl capture: console output of a YAMAHA RTX router (docs/capture.md)
format: 1
rtxctl: v1.0.0
date: 2026-12-06T05:00:00Z
model: RTX1500
revision: 8.03.90
transport: telnet
console-columns: 80
console-lines: 30
console-character: ascii
-- show config | grep console --
console character ascii
console lines 30
console prompt r1
-- show environment --
RTX1500 Rev.8.03.90 (Fri Jun 25 10:31:59 2010)
Firmware: exec0  Config. file: config1
Default firmware: exec0  Default config. file: config2
Current time: 2020/03/17 16:21:59 +09:00
-- show config --
# RTX1500 Rev.8.03.90 (Fri Jun 25 10:31:59 2010)
# main:  RTX1500 ver=d0 serial=N0Y011661 MAC-Address=00:a0:de:35:9c:7f MAC-Addr
ess=00:a0:de:35:9c:80 MAC-Address=00:a0:de:35:9c:81
# Reporting Date: Jan 1 09:01:40 1980
console character ascii
console lines 30
console prompt r1
bgp use on
bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 igno
re-capability=on
tunnel select 1
 ipsec ike pre-shared-key 1 text <redacted>
-- show status bgp neighbor --
BGP neighbor is 10.10.50.254, remote AS 65521, local AS 65530, external link
  BGP state = Active
-- show config 1 --
# RTX1500 Rev.8.03.90 (Fri Jun 25 10:31:59 2010)
bgp use on
-- show config 2 --
# RTX1500 Rev.8.03.90 (Fri Jun 25 10:31:59 2010)
bgp use off
`

func TestParseCapture(t *testing.T) {
	t.Parallel()
	got, err := ParseCapture([]byte(testCapture))
	if err != nil {
		t.Fatal(err)
	}
	base := DefaultScenario()
	two := 2
	want := &Scenario{
		Model:             "RTX1500",
		Revision:          "8.03.90",
		BuildDate:         "Fri Jun 25 10:31:59 2010",
		Serial:            "N0Y011661",
		Language:          "ascii",
		Lines:             "30",
		Columns:           80,
		Prompt:            "r1",
		LoginPassword:     base.LoginPassword,
		AdminPassword:     base.AdminPassword,
		Users:             base.Users,
		RunningConfig:     "bgp use on\nbgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 ignore-capability=on\ntunnel select 1\n ipsec ike pre-shared-key 1 text <redacted>\n",
		SavedConfig:       "bgp use on\n",
		ConfigFile:        1,
		DefaultConfigFile: &two,
		SavedConfigs:      map[int]string{2: "bgp use off\n"},
		Outputs: map[string]string{
			"show environment":         "RTX1500 Rev.8.03.90 (Fri Jun 25 10:31:59 2010)\nFirmware: exec0  Config. file: config1\nDefault firmware: exec0  Default config. file: config2\nCurrent time: 2020/03/17 16:21:59 +09:00\n",
			"show status bgp neighbor": "BGP neighbor is 10.10.50.254, remote AS 65521, local AS 65530, external link\n  BGP state = Active\n",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseCapture mismatch (-want +got):\n%s", diff)
	}
}

func TestParseCaptureErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
	}{
		{"not a capture", "hello\n-- show config --\nbgp use on\n"},
		{"no show config", strings.Replace(testCapture, "-- show config --", "-- show config 9 --", 1)},
		{"bad console character", strings.Replace(testCapture, "console-character: ascii", "console-character: klingon", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseCapture([]byte(tt.text)); err == nil {
				t.Errorf("ParseCapture(%q) succeeded, want an error", tt.text)
			}
		})
	}
}
