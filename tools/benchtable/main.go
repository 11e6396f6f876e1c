// Command benchtable runs the server's benchmarks and prints them as a
// table, with Code Remote against native CPython. `make bench` runs it.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
)

// metrics maps a benchmark name (without the -N suffix) to its unit → value.
type metrics map[string]map[string]float64

var line = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func parse(r io.Reader) metrics {
	m := metrics{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		match := line.FindStringSubmatch(sc.Text())
		if match == nil {
			continue
		}
		fields := strings.Fields(match[2])
		vals := map[string]float64{}
		for i := 0; i+1 < len(fields); i += 2 {
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				vals[fields[i+1]] = v
			}
		}
		m[match[1]] = vals
	}
	return m
}

func main() {
	benchtime := "50x"
	if len(os.Args) > 1 {
		benchtime = os.Args[1]
	}
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-benchtime", benchtime, "./server")
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, os.Stderr)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	printTable(os.Stdout, parse(&out))
}

func printTable(w io.Writer, m metrics) {
	fmt.Fprintf(w, "\nCode Remote benchmarks (%d cores, %s/%s)\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "%-28s %10s %10s %12s %12s %8s\n", "POST /execute", "p50 ms", "p95 ms", "native p50", "native p95", "ratio")
	for _, prog := range []string{"hello", "import_json", "fib25"} {
		cr, nat := m["BenchmarkExecute/"+prog], m["BenchmarkNative/"+prog]
		ratio := "-"
		if nat["p50-ms"] > 0 {
			ratio = fmt.Sprintf("%.1f×", cr["p50-ms"]/nat["p50-ms"])
		}
		fmt.Fprintf(w, "%-28s %10.1f %10.1f %12.1f %12.1f %8s\n", prog, cr["p50-ms"], cr["p95-ms"], nat["p50-ms"], nat["p95-ms"], ratio)
	}
	one, eight := m["BenchmarkThroughput/clients=1"]["runs/s"], m["BenchmarkThroughput/clients=8"]["runs/s"]
	fmt.Fprintf(w, "\n%-28s %10s\n", "throughput of print('hello')", "runs/s")
	fmt.Fprintf(w, "%-28s %10.1f\n%-28s %10.1f\n", "1 client", one, "8 clients", eight)
	if one > 0 {
		fmt.Fprintf(w, "%-28s %9.2f×\n", "8 clients / 1 client", eight/one)
	}
	fmt.Fprintf(w, "\n%-28s %10s %10s\n", "stopped past a 1 s deadline", "p50 ms", "p95 ms")
	for _, prog := range []string{"python_loop", "long_c_call"} {
		d := m["BenchmarkDeadlineOverrun/"+prog]
		fmt.Fprintf(w, "%-28s %10.1f %10.1f\n", prog, d["p50-ms"], d["p95-ms"])
	}
}
