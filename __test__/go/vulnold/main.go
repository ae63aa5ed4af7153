// A program on golang.org/x/text v0.3.6, affected by GO-2021-0113 (fixed in v0.3.7), calling
// language.Parse.
package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse("en-US")
	fmt.Println(tag, err)
	if len(os.Args) > 1 && os.Args[1] == "wait" {
		time.Sleep(time.Hour) // a process for the PID tests and the benchmark
	}
}
