// Prints golang.org/x/mod/semver's Compare and IsValid for every pair of the versions given as
// arguments: the reference our version ordering is checked against.
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/semver"
)

func main() {
	vs := os.Args[1:]
	for _, v := range vs {
		fmt.Printf("valid %s %v\n", v, semver.IsValid(v))
	}
	for _, a := range vs {
		for _, b := range vs {
			fmt.Printf("cmp %s %s %d\n", a, b, semver.Compare(a, b))
		}
	}
}
