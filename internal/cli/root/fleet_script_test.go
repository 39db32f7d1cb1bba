package root

import (
	"os"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdWaitFile waits up to 30 seconds for a file to exist and be non-empty,
// such as the ready file of a fake fleet started in the background
// (`exec fakefleet --routers N --ready-file F &`):
//
//	waitfile FILE
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(30 * time.Second)
	for {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not appear within 30s", args[0])
		}
		time.Sleep(20 * time.Millisecond) // polling a file another process writes
	}
}
