// Go's own build-info reader (debug/buildinfo, what `go version -m` uses) timed in-process,
// so bench/inspect.ts can compare readers without process start-up on either side.
// Usage: readbuildinfo RUNS FILE... ; prints a JSON array of seconds per pass over all files.
package main

import (
	"debug/buildinfo"
	"encoding/json"
	"os"
	"strconv"
	"time"
)

func main() {
	runs, err := strconv.Atoi(os.Args[1])
	if err != nil {
		panic(err)
	}
	files := os.Args[2:]
	seconds := make([]float64, runs)
	for i := range seconds {
		start := time.Now()
		for _, file := range files {
			buildinfo.ReadFile(file) // errors (not Go, unreadable) are part of the work measured
		}
		seconds[i] = time.Since(start).Seconds()
	}
	json.NewEncoder(os.Stdout).Encode(seconds)
}
