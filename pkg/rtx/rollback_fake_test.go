package rtx

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// routerNow is the clock of the scripted router in the rollback tests.
var routerNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("+09:00", 9*60*60))

// Commands of the rollback tests.
const (
	showEnv       = "show environment"
	showConfig    = "show config"
	showSaved     = "show config 0"
	showSchedules = "show config | grep schedule"
	armRelative   = "schedule at 1 +600 * load 0 difference silent"
	disarm1       = "no schedule at 1"
)

// rollbackConsole extends fakeConsole with what the on-router rollback
// needs: `show environment`, whole configurations (a few non-BGP lines,
// the schedules, the BGP lines) and `schedule at` entries. The call count
// for failAt is shared with fakeConsole.
type rollbackConsole struct {
	*fakeConsole
	revision string
	clock    time.Time
	// running and saved schedule lines; unsaved extra running lines.
	schedules, savedSchedules []string
	unsaved                   []string
	// refuseRelative answers `schedule at ID +N` with an error line;
	// refuseSchedule every `schedule at`; keepSchedules ignores
	// `no schedule at`.
	refuseRelative, refuseSchedule, keepSchedules bool
	// failAlso makes one more call (counting from 1) fail.
	failAlso int
	// clockJump moves the clock forward when a schedule is armed.
	clockJump time.Duration
}

// newRollbackConsole returns a console of current firmware running config;
// each non-nil setup then edits it, as a test case asks.
func newRollbackConsole(t *testing.T, config string, setups ...func(*rollbackConsole)) *rollbackConsole {
	t.Helper()
	f := &rollbackConsole{fakeConsole: newFakeConsole(t, config), revision: "14.01.42", clock: routerNow}
	for _, setup := range setups {
		if setup != nil {
			setup(f)
		}
	}
	return f
}

func (f *rollbackConsole) config(schedules []string, bgp *BGP, extra []string) string {
	lines := []string{
		"# RTX1210 Rev." + f.revision + " (Fri Jul  5 11:17:45 2024)",
		"# Reporting Date: Nov 25 10:00:00 2026",
		"ip route default gateway 192.168.254.254",
		"console lines infinity", // the session's own setting
	}
	lines = append(append(append(append(lines, extra...), schedules...), bgp.Lines()...), "")
	return strings.Join(lines, "\r\n")
}

func (f *rollbackConsole) Run(ctx context.Context, cmd string) (string, error) {
	if f.failAlso > 0 && len(f.log)+1 == f.failAlso {
		f.log = append(f.log, cmd)
		return "", f.refused(cmd, "Error: Illegal keyword")
	}
	handled := cmd == showEnv || strings.HasPrefix(cmd, "show config") && cmd != showBGP ||
		strings.HasPrefix(cmd, "schedule at ") || strings.HasPrefix(cmd, "no schedule at ")
	if !handled {
		return f.fakeConsole.Run(ctx, cmd)
	}
	f.log = append(f.log, cmd)
	if len(f.log) == f.failAt {
		return "", f.refused(cmd, "エラー: パラメータのキーワードが認識できません")
	}
	switch {
	case cmd == showEnv:
		return fmt.Sprintf("RTX1210 BootROM Ver. 1.03\r\nRTX1210 Rev.%s (Fri Jul  5 11:17:45 2024)\r\nFirmware: exec0  Config. file: config0\r\nCurrent time: %s\r\n",
			f.revision, f.clock.Format("2006/01/02 15:04:05 -07:00")), nil
	case cmd == showConfig:
		return f.config(f.schedules, f.running, f.unsaved), nil
	case cmd == showSaved:
		return strings.Replace(f.config(f.savedSchedules, f.saved, nil), "console lines infinity", "console lines 24", 1), nil
	case cmd == showSchedules:
		return "Searching ...\r\n" + strings.Join(append(slices.Clone(f.schedules), ""), "\r\n"), nil
	case strings.HasPrefix(cmd, "schedule at "):
		if f.refuseSchedule || f.refuseRelative && strings.Contains(cmd, " +") {
			return "", f.refused(cmd, "エラー: パラメータのキーワードが認識できません")
		}
		f.schedules = append(f.schedules, cmd)
		f.clock = f.clock.Add(f.clockJump)
		return "", nil
	case strings.HasPrefix(cmd, "no schedule at "):
		if !f.keepSchedules {
			prefix := "schedule at " + strings.Fields(cmd)[3] + " "
			f.schedules = slices.DeleteFunc(f.schedules, func(l string) bool { return strings.HasPrefix(l, prefix) })
		}
		return "", nil
	}
	return "", f.refused(cmd, "Error: Invalid command name")
}
