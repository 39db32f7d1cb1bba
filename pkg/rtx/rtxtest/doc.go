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
// # Files
//
//   - router.go: [Router], the device, and [NewRouter]; clock.go: the fake clock
//     ([Router.Now], [Router.Advance]), rollback timers and restarts.
//   - console.go: one console session (login, levels, the line loop, the save
//     question); console_io.go: reading lines, echo, the pager, wrapping at the
//     console width; messages.go: messages in Japanese and English and the
//     console character sets; passwords.go: the password questions of `show
//     config N` and `show config difference`.
//   - commands.go: running one command line ([Router] runLocked) and storing
//     configuration lines; commands_parse.go: words, arguments and `| grep`;
//     commands_show.go: the `show ...` commands other than BGP; config.go: the
//     configuration model (line classes, order, `show config` text).
//   - bgp.go: the applied BGP state, neighbors, the routing table and what the
//     import filters advertise; bgp_commands.go: `bgp ...` commands and their
//     syntax checks; bgp_show.go: `show status bgp neighbor` and `show ip route`.
//   - schedule.go: `schedule at` entries; faults.go: injected faults;
//     observe.go: [Router.ObserveConfig], configuration changes reported as they
//     happen.
//   - scenario.go: [Scenario], its YAML and [DefaultScenario]; capture.go: a
//     scenario from an `rtxctl capture` file ([LoadCapture]); azure_peer.go: what
//     the fake Azure gateway learns from the router.
//   - server.go: [Server], the SSH and Telnet listeners; ssh.go, telnet.go: the
//     two protocols; hostkeys.go: the server's host keys.
//
// # Locking
//
// One mutex, Router.mu, guards all device state: configurations, BGP,
// schedules, rollback timers, the clock offset, the command log, sessions.
// Exported methods of [Router] take it; a method or function whose name ends
// in Locked (runLocked, refreshLocked, routesLocked, tickLocked, ...) expects
// the caller to hold it and never takes it itself. A console session holds it
// only while one command runs, never while it reads from or writes to the
// connection, so a blocked client cannot stall other sessions or the test.
// The observer of [Router.ObserveConfig] has its own mutex, taken before
// Router.mu and never while it is held.
// Server.mu guards only the server's listeners and open connections, and a
// Telnet connection's wmu only its writes.
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
