// Prints time.Duration(n).String() for each argument n (nanoseconds), one per line: the
// reference the TypeScript Go-duration formatter is tested against.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	for _, arg := range os.Args[1:] {
		ns, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(time.Duration(ns).String())
	}
}
