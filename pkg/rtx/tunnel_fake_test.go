package rtx

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

// fakeConsole is a scripted in-test router for the forced-tunnel
// operations: it keeps the running BGP lines and what the BGP process
// advertises (changed only by `bgp configure refresh`), records every
// command, and fails on request.
//
// The in-package consoles (fakeConsole, rollbackConsole, savedConsole) stand
// in for a [Commander] where a test must fail exactly the Nth command or see
// the operation's calls without a session; what a console does on the wire
// (login, prompts, pager, encodings, console settings) is tested against
// the fake router rtxtest (the *_integration_test.go files here, helpers in
// fake_integration_test.go, and the package rtx_test tests, helpers in
// fake_test.go).
type fakeConsole struct {
	running *BGP
	saved   *BGP
	// advertising is what the BGP process sends the neighbors: the default
	// route or not.
	advertising bool
	log         []string

	// failAt makes the failAt-th call (Run or Save, counting from 1) fail
	// with a router error.
	failAt int
	// noRollback answers `rollback timer` with `Invalid command name`.
	noRollback bool
	// ignoreRefresh makes `bgp configure refresh` change nothing.
	ignoreRefresh bool
	// downAfterRefresh is the number of neighbor status reads that show the
	// session as Active after a refresh.
	downAfterRefresh, down int
}

const cmdSave = "<save>"

func newFakeConsole(t *testing.T, config string) *fakeConsole {
	t.Helper()
	b := mustBGP(t, config)
	return &fakeConsole{running: b, saved: b.Clone(), advertising: analyze(b, 65521, 2).state == TunnelOn}
}

func (f *fakeConsole) commands() []string { return slices.Clone(f.log) }

func (f *fakeConsole) refused(cmd, msg string) error {
	return &driver.CommandError{Command: cmd, Output: msg, Message: msg}
}

func (f *fakeConsole) Run(_ context.Context, cmd string) (string, error) {
	f.log = append(f.log, cmd)
	if len(f.log) == f.failAt {
		return "", f.refused(cmd, "エラー: パラメータのキーワードが認識できません")
	}
	switch {
	case cmd == cmdShowBGPConfig:
		return strings.Join(f.running.Lines(), "\r\n") + "\r\n", nil
	case strings.HasPrefix(cmd, "show status bgp neighbor "):
		return f.status(strings.Fields(cmd)[4:]), nil
	case cmd == cmdRefresh:
		if !f.ignoreRefresh {
			f.advertising = analyze(f.running, 65521, 2).state == TunnelOn
			f.down = f.downAfterRefresh
		}
		return "", nil
	case strings.HasPrefix(cmd, "rollback timer "):
		if f.noRollback {
			return "", f.refused(cmd, "Error: Invalid command name")
		}
		return "", nil
	case cmd == cmdConfirm:
		return "", nil
	case strings.HasPrefix(cmd, "no bgp import "):
		return f.remove(cmd, strings.Fields(cmd)[3:])
	case strings.HasPrefix(cmd, "bgp import "):
		return f.set(cmd)
	default:
		return "", f.refused(cmd, "Error: Invalid command name")
	}
}

func (f *fakeConsole) Save(context.Context) error {
	f.log = append(f.log, cmdSave)
	if len(f.log) == f.failAt {
		return f.refused("save", "Error: flash write error")
	}
	f.saved = f.running.Clone()
	return nil
}

const reminder = "BGPの設定が変更されました。\r\nすべての設定が完了したら、設定を有効にするために'bgp configure refresh'コマンドを実行してください。\r\n"

func (f *fakeConsole) set(cmd string) (string, error) {
	b := ParseBGPLines([]string{cmd})
	switch {
	case len(b.ImportFilters) == 1, len(b.Imports) == 1:
		f.running = ParseBGPLines(append(f.running.Lines(), cmd))
		return reminder, nil
	default:
		return "", f.refused(cmd, "Error: Illegal keyword")
	}
}

func (f *fakeConsole) remove(cmd string, args []string) (string, error) {
	switch {
	case len(args) >= 2 && args[0] == "filter":
		f.running.ImportFilters = slices.DeleteFunc(f.running.ImportFilters, func(x BGPImportFilter) bool { return fmt.Sprint(x.ID) == args[1] })
	case len(args) >= 2:
		key := strings.Join(append(args[:2:2], ""), " ")
		f.running.Imports = slices.DeleteFunc(f.running.Imports, func(x BGPImport) bool { return x.key() == key })
	default:
		return "", f.refused(cmd, "Error: Insufficient or too many parameters")
	}
	return reminder, nil
}

func (f *fakeConsole) status(args []string) string {
	addr := args[0]
	if len(args) > 1 {
		rows := "* 192.168.0.0/16     0.0.0.0              0        IGP\r\n"
		if f.advertising {
			rows = "* default            0.0.0.0              0        IGP\r\n" + rows
		}
		return "Total routes: 1\r\n*: valid route\r\n  Network            Next Hop        Metric LocPrf Path\r\n" + rows
	}
	state := "Established, up for 00:00:05"
	if f.down > 0 {
		f.down--
		state = "Active"
	}
	return fmt.Sprintf("BGP neighbor is %s, remote AS 65521, local AS 65000, external link\r\n  BGP state = %s\r\n", addr, state)
}

func TestFakeConsole(t *testing.T) {
	t.Parallel()
	fc := newFakeConsole(t, bgpOff)
	for _, cmd := range []string{
		"bgp import filter 2 include 0.0.0.0/0",
		"bgp import 65521 static filter 1 2",
		"no bgp import 65521 static",
		"no bgp import filter 2",
		"bgp import 65521 static filter 1",
	} {
		if _, err := fc.Run(t.Context(), cmd); err != nil {
			t.Fatalf("Run(%q): %v", cmd, err)
		}
	}
	if diff := cmp.Diff(mustBGP(t, bgpOff).Lines(), fc.running.Lines()); diff != "" {
		t.Errorf("running mismatch (-want +got):\n%s", diff)
	}
}
