// Package channeltest provides a scripted in-memory console connection for
// testing code built on pkg/channel: [Conn] replays device output step by
// step and fails the test on any write the script does not expect. It uses
// no network and no wall-clock sleeps (a [Step] may carry a Delay, meant for
// tests inside testing/synctest).
//
// Layer: test support for pkg/channel, pkg/driver and pkg/rtx; it imports
// only the standard library.
//
// Usage:
//
//	conn := channeltest.NewConn(t,
//		channeltest.Step{Reply: []string{"\r\n> "}},
//		channeltest.Step{Send: "show config\r", Reply: []string{"show config\r\n", "...\r\n> "}},
//	)
//	ch := channel.New(conn, channel.Config{})
package channeltest
