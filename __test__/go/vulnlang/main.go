// A program that links vulnerable functions: golang.org/x/text/language.ParseAcceptLanguage
// (GO-2022-1059 at v0.3.7) and html/template's Template.Execute (stdlib advisories of go1.21.0).
package main

import (
	"fmt"
	"html/template"
	"os"

	"golang.org/x/text/language"
)

func main() {
	tags, _, err := language.ParseAcceptLanguage("en-US,fr;q=0.5")
	fmt.Println(tags, err)
	t := template.Must(template.New("x").Parse("<p>{{.}}</p>\n"))
	_ = t.Execute(os.Stdout, "hello")
}
