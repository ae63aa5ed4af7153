// The inspect fixture: a program with real module dependencies, one replaced by another
// version from the proxy and one by a local folder, so its build info holds mod, dep and
// `=>` lines for every shape `go version -m` prints.
package main

import (
	"fmt"

	"example.com/gopsnative/localdep"
	"rsc.io/quote"
)

func main() {
	fmt.Println(localdep.Greeting())
	fmt.Println(quote.Hello())
}
