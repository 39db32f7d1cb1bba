// Command rtxctl safely automates YAMAHA RTX routers over SSH or Telnet.
package main

import (
	"os"

	"github.com/rtxctl/rtxctl/internal/cli/root"
)

func main() { os.Exit(root.Main()) }
