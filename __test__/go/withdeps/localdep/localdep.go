// Package localdep is reached through a directory replace, so build info holds a `=>` line
// with no version or sum.
package localdep

// Greeting is what the withdeps fixture prints first.
func Greeting() string { return "hello from a replaced local module" }
