package rtx_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Example logs into a fake RTX over SSH, enters administrator mode and
// reads the BGP configuration.
func Example() {
	srv := rtxtest.NewServer(rtxtest.DefaultScenario())
	defer srv.Close()

	dir, err := os.MkdirTemp("", "rtx-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rtx.Dial(ctx, rtx.Config{
		Addr:          srv.SSHAddr(),
		User:          "rtxctl",
		Password:      "rtxctl-login",
		AdminPassword: "rtxctl-admin",
		SSH:           transport.SSHConfig{KnownHostsFile: knownHosts},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	info := c.Info()
	fmt.Println(info.Model, info.Revision)
	if err := c.Administrator(ctx); err != nil {
		log.Fatal(err)
	}
	out, err := c.Run(ctx, "show config | grep import")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(out)
	// Output:
	// RTX1210 14.01.42
	// bgp import filter 1 equal 192.168.100.0/24
	// bgp import 65521 static filter 1
}
