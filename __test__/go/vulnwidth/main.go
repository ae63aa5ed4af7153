// A program that depends on golang.org/x/text v0.3.7 but links none of the functions its
// advisories name: only golang.org/x/text/width.
package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/text/width"
)

func main() {
	fmt.Println(width.Widen.String("abc"))
	if len(os.Args) > 1 && os.Args[1] == "wait" {
		time.Sleep(time.Hour) // a process for the PID tests and the benchmark
	}
}
