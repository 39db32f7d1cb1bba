// Package rtxtest is a fake YAMAHA RTX router for tests, demos and users who want to try
// rtxctl without hardware. It is shaped like net/http/httptest.
//
// A [Router] is the device: running and saved configuration, the applied BGP state, a fake
// clock, `schedule at` entries, rollback timers and a log of every command entered. Its
// console engine ([Router.ServeConsole]) speaks the RTX console over any stream of plain
// bytes, following the console reference (banner, prompts, administrator mode, the
// single-key save question, pager, line wrapping after `console columns` - 1 characters as
// real routers do, Japanese messages in Shift_JIS, EUC-JP or UTF-8, show config with | grep,
// BGP with `bgp configure refresh`, save, load, rollback timer, schedule at, the boot
// configuration, show status user). A [Server] carries consoles over real SSH and Telnet
// listeners on 127.0.0.1.
//
// A [Scenario] (Go value or YAML, see docs/fakertx-scenarios.md) describes the router: model,
// revision, credentials, configuration, verbatim outputs (real captures replayed as they
// were printed), the behaviour chosen at every point the reference leaves unconfirmed
// (Variants) and injected faults (failures, drops, floods without a prompt, pauses).
// The real router captures the fake is checked against are in the module's testdata/real.
//
// Layer: test support under pkg/. It imports only the standard library, golang.org/x/crypto,
// golang.org/x/text and go.yaml.in/yaml/v3; never pkg/transport, pkg/channel, pkg/driver or
// pkg/rtx, so that a bug shared with the client cannot make a test pass.
//
// Usage:
//
//	sc, err := rtxtest.LoadScenario("testdata/scenarios/article-ja.yaml")
//	if err != nil { ... }
//	srv := rtxtest.NewServer(sc)
//	t.Cleanup(srv.Close)
//	// dial srv.SSHAddr() or srv.TelnetAddr(), trust srv.KnownHostsLine()
//	srv.Router.Commands()
//	srv.Router.Advance(5 * time.Second) // fire schedules, let BGP re-establish
package rtxtest
