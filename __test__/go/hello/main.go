// A plain Go program: the fixture most inspect and discovery tests build in many shapes.
// With an argument it sleeps that many seconds, so tests can run it as a live process.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		if seconds, err := strconv.Atoi(os.Args[1]); err == nil {
			time.Sleep(time.Duration(seconds) * time.Second)
			return
		}
	}
	fmt.Println("hello from a gops-native fixture")
}
