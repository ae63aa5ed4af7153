// Times gops's own library in-process: goprocess.FindAll, the call behind `gops` (list), over
// this host's processes. Prints one duration in milliseconds per line, after one untimed call.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/google/gops/goprocess"
)

func main() {
	rounds := 10
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: findall [rounds]")
			os.Exit(2)
		}
		rounds = n
	}
	goprocess.FindAll()
	for i := 0; i < rounds; i++ {
		start := time.Now()
		found := goprocess.FindAll()
		elapsed := time.Since(start)
		fmt.Printf("%.4f %d\n", float64(elapsed.Nanoseconds())/1e6, len(found))
	}
}
