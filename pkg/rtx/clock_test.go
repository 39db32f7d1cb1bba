package rtx

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// showEnvironmentRTX1210 is the real capture of shared/rtx-console.md §10.2.
const showEnvironmentRTX1210 = `RTX1210 BootROM Ver. 1.03
RTX1210 FlashROM Table Ver. 1.00
RTX1210 Rev.14.01.28 (Tue May 15 18:34:08 2018)
  main:  RTX1210 ver=00 serial=S4H024020 MAC-Address=00:a0:de:c9:d6:e1 MAC-Address=00:a0:de:c9:d6:e2 MAC-Address=00:a0:de:c9:d6:e3
CPU:    7%(5sec)   0%(1min)   0%(5min)    Memory: 16% used
Packet-buffer:   0%(small)   0%(middle)   7%(large)   0%(huge) used
Firmware: exec0  Config. file: config0
Default firmware: exec0  Default config. file: config2
Serial Baudrate: 9600
Boot time: 2020/01/06 16:59:16 +09:00
Current time: 2020/03/17 16:21:59 +09:00
Elapsed time from boot: 70days 23:22:43
Security Class: 1, FORGET: ON, TELNET: OFF
Inside Temperature(C.): 57
`

// sameInstantAndOffset compares times by instant and zone offset.
var sameInstantAndOffset = cmp.Comparer(func(a, b time.Time) bool {
	return a.Equal(b) && a.Format("-07:00") == b.Format("-07:00")
})

func TestParseEnvironment(t *testing.T) {
	t.Parallel()
	jst := time.FixedZone("+09:00", 9*60*60)
	tests := []struct {
		name string
		text string
		want *Environment
		err  error
	}{
		{
			name: "RTX1210",
			text: showEnvironmentRTX1210,
			want: &Environment{Model: "RTX1210", Revision: "14.01.28", Now: time.Date(2020, 3, 17, 16, 21, 59, 0, jst), BootConfig: 2},
		},
		{
			name: "CRLF, other config file, negative offset",
			text: "RTX830 Rev.15.02.20 (Mon Jan  1 00:00:00 2024)\r\nFirmware: exec0  Config. file: config2\r\nCurrent time: 2024/12/31 23:59:59 -05:00\r\n",
			want: &Environment{Model: "RTX830", Revision: "15.02.20", ConfigFile: 2, BootConfig: 2,
				Now: time.Date(2024, 12, 31, 23, 59, 59, 0, time.FixedZone("-05:00", -5*60*60))},
		},
		{
			// The running label is real (RTX1300); the boot label a guess.
			name: "Japanese labels",
			text: "RTX1300 Rev.23.00.12 (Mon Jan  1 00:00:00 2024)\n実行中ファームウェア: exec0  実行中設定ファイル: config1\n" +
				"デフォルトファームウェア: exec0  起動設定ファイル: config3\nCurrent time: 2024/01/02 03:04:05 +09:00\n",
			want: &Environment{Model: "RTX1300", Revision: "23.00.12", ConfigFile: 1, BootConfig: 3, Now: time.Date(2024, 1, 2, 3, 4, 5, 0, jst)},
		},
		{
			name: "only the default config file",
			text: "Default firmware: exec0  Default config. file: config4\nCurrent time: 2024/01/02 03:04:05 +09:00\n",
			want: &Environment{BootConfig: 4, Now: time.Date(2024, 1, 2, 3, 4, 5, 0, jst)},
		},
		{
			name: "no offset: UTC",
			text: "Current time: 2024/01/02 03:04:05\n",
			want: &Environment{Now: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		},
		{name: "no clock", text: "RTX1210 Rev.14.01.28 (Tue May 15 18:34:08 2018)\n", err: ErrNoClock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEnvironment(tt.text)
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseEnvironment error = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got, sameInstantAndOffset); diff != "" {
				t.Errorf("ParseEnvironment mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadClock(t *testing.T) {
	t.Parallel()
	f := newRollbackConsole(t, bgpOff)
	got, err := ReadClock(t.Context(), f)
	if err != nil || !got.Equal(routerNow) {
		t.Errorf("ReadClock = %v, %v; want %v", got, err, routerNow)
	}
	f.failAt = 2
	if _, err := ReadClock(t.Context(), f); err == nil {
		t.Error("ReadClock on a refused command: no error")
	}
}

func TestClockSkew(t *testing.T) {
	t.Parallel()
	router := time.Date(2020, 3, 17, 16, 21, 59, 0, time.FixedZone("+09:00", 9*60*60))
	tests := []struct {
		name       string
		controller time.Time
		want       time.Duration
	}{
		{name: "same second", controller: router.Add(700 * time.Millisecond), want: 0},
		{name: "router ahead", controller: router.Add(-90 * time.Second).UTC(), want: 90 * time.Second},
		{name: "router behind", controller: router.Add(5*time.Minute + 300*time.Millisecond), want: -5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ClockSkew(router, tt.controller); got != tt.want {
				t.Errorf("ClockSkew = %v, want %v", got, tt.want)
			}
		})
	}
}
