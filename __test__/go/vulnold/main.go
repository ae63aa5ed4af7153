// A program on golang.org/x/text v0.3.6, affected by GO-2021-0113 (fixed in v0.3.7), calling
// language.Parse.
package main

import (
	"fmt"

	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse("en-US")
	fmt.Println(tag, err)
}
