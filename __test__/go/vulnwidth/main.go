// A program that depends on golang.org/x/text v0.3.7 but links none of the functions its
// advisories name: only golang.org/x/text/width.
package main

import (
	"fmt"

	"golang.org/x/text/width"
)

func main() {
	fmt.Println(width.Widen.String("abc"))
}
