package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseAndPrint(t *testing.T) {
	in := `goos: linux
BenchmarkExecute/hello-2     	      30	        20.07 p50-ms	        38.28 p95-ms	         0 ns/op
BenchmarkNative/native313/hello-2      	      30	         8.000 p50-ms	         8.887 p95-ms
BenchmarkInProgram/sandbox/fib25-2     	      30	        30.00 inprog-ms
BenchmarkInProgram/native313/fib25-2   	      30	        10.00 inprog-ms
BenchmarkThroughput/clients=1-2        	      30	        40.00 runs/s	 3.5 cpu-ms/run
BenchmarkThroughput/clients=8-2        	      30	        60.00 runs/s
PASS`
	m := parse(strings.NewReader(in))
	if got := m["BenchmarkExecute/hello"]["p50-ms"]; got != 20.07 {
		t.Fatalf("got p50 %v, want 20.07", got)
	}
	var out bytes.Buffer
	printTable(&out, m)
	for _, want := range []string{"2.51×", "3.00×", "3.50"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("table lacks %q:\n%s", want, out.String())
		}
	}
}
