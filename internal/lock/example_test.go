package lock_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/rtxctl/rtxctl/internal/lock"
)

// ExampleAcquire shows how a mutating command takes a router's lock: it says once
// that it waits, names the holder, and turns a lock held too long into exit status 6.
func ExampleAcquire() {
	dir, err := os.MkdirTemp("", "rtxctl-lock")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	const host = "192.168.100.1"
	release, err := lock.Acquire(context.Background(), dir, host, 30*time.Second, func() {
		h, _ := lock.ReadHolder(dir, host)
		fmt.Fprintf(os.Stderr, "waiting for the lock held by %s\n", h)
	})
	var held *lock.HeldError
	if errors.As(err, &held) {
		fmt.Println(held, "(exit status 6)")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	defer release()
	fmt.Println("locked", host)
	// Output: locked 192.168.100.1
}
