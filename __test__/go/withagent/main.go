// A Go program running the real gops agent: the peer for protocol and discovery tests.
// It prints "ready" once the agent listens, then runs until killed.
package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/google/gops/agent"
)

func main() {
	if err := agent.Listen(agent.Options{ShutdownCleanup: true}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("ready")
	os.Stdout.Sync()
	for {
		time.Sleep(time.Hour)
	}
}
