// Command fakertx runs a fake YAMAHA RTX router on SSH and Telnet for tests,
// demos and trying rtxctl without hardware; see docs/fakertx.md.
package main

import (
	"os"

	"github.com/rtxctl/rtxctl/internal/fakertx"
)

func main() { os.Exit(fakertx.Main()) }
