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

	"github.com/coderemote/coderemote/sandbox"
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
	var out bytes.Buffer
	for _, args := range [][]string{
		{"-bench", "RewoundRun|IdleWorkerRSS|Packages", "./sandbox"},
		{"-bench", ".", "./server"},
	} {
		cmd := exec.Command("go", append([]string{"test", "-run", "^$", "-benchtime", benchtime}, args...)...)
		cmd.Stdout = io.MultiWriter(&out, os.Stderr)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
	}
	printTable(os.Stdout, parse(&out))
}

// cpuModel is the processor's name, as /proc/cpuinfo gives it.
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func printTable(w io.Writer, m metrics) {
	mode, err := sandbox.ResolveRewindMode(sandbox.RewindAuto)
	if err != nil {
		mode = sandbox.RewindMode("unavailable: " + err.Error())
	}
	fmt.Fprintf(w, "\nCode Remote benchmarks (%s, %d cores, %s/%s; rewind mode %s)\n\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, mode)
	fmt.Fprintf(w, "%-26s %9s %9s %9s %10s %9s\n", "in-process hello + rewind", "image MiB", "ms/run", "CPU ms", "sys ms", "faults")
	for _, img := range []string{"RewoundRun", "RewoundRunBigImage"} {
		for _, mode := range []string{"dirty", "copy", "cow"} {
			r, ok := m["Benchmark"+img+"/"+mode]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "%-26s %9.1f %9.2f %9.2f %10.3f %9.1f\n", mode, r["image-MiB"], r["ns/op"]/1e6, r["cpu-ms/run"], r["sys-ms/run"], r["faults/run"])
		}
	}
	fmt.Fprintf(w, "\n%-26s %12s %12s\n", "idle worker RSS, MiB", "20 MiB image", "40 MiB image")
	for _, mode := range []string{"dirty", "copy", "cow"} {
		small, ok := m["BenchmarkIdleWorkerRSS/image=20MiB/"+mode]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%-26s %12.1f %12.1f\n", mode, small["worker-rss-MiB"], m["BenchmarkIdleWorkerRSS/image=40MiB/"+mode]["worker-rss-MiB"])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-22s %9s %9s %14s %9s %14s %9s\n", "POST /execute", "p50 ms", "p95 ms", "3.13 native p50", "ratio", "python3 p50", "ratio")
	for _, prog := range []string{"hello", "import_json", "import_unittest", "fib25"} {
		cr := m["BenchmarkExecute/"+prog]
		fmt.Fprintf(w, "%-22s %9.1f %9.1f", prog, cr["p50-ms"], cr["p95-ms"])
		for _, py := range []string{"native313", "system"} {
			nat := m["BenchmarkNative/"+py+"/"+prog]
			fmt.Fprintf(w, " %14s %9s", num(nat["p50-ms"]), ratio(cr["p50-ms"], nat["p50-ms"]))
		}
		fmt.Fprintln(w)
	}
	a := m["BenchmarkExecuteAudited"]
	fmt.Fprintf(w, "%-22s %9.1f %9.1f   (SQLite audit record on the path)\n", "hello, audited", a["p50-ms"], a["p95-ms"])
	fmt.Fprintf(w, "\n%-22s %9s %14s %9s %14s %9s\n", "timed inside, ms", "sandbox", "3.13 native", "ratio", "python3", "ratio")
	for _, prog := range []string{"fib25", "gensum", "dictstr", "pystone"} {
		cr := m["BenchmarkInProgram/sandbox/"+prog]["inprog-ms"]
		fmt.Fprintf(w, "%-22s %9.1f", prog, cr)
		for _, py := range []string{"native313", "system"} {
			nat := m["BenchmarkInProgram/"+py+"/"+prog]["inprog-ms"]
			fmt.Fprintf(w, " %14s %9s", num(nat), ratio(cr, nat))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%-22s %9s %12s %12s %12s\n", "print('hello')", "runs/s", "CPU ms/run", "sys ms/run", "faults/run")
	for _, c := range []string{"1", "8"} {
		t := m["BenchmarkThroughput/clients="+c]
		fmt.Fprintf(w, "%-22s %9.1f %12.2f %12.2f %12.1f\n", c+" client(s)", t["runs/s"], t["cpu-ms/run"], t["sys-ms/run"], t["faults/run"])
	}
	fmt.Fprintf(w, "\n%-22s %9s %12s %18s\n", "timed out at 300 ms", "CPU ms", "restarts", "hello after, ms")
	for _, prog := range []string{"sleep", "loop"} {
		t := m["BenchmarkTimeout/"+prog]
		fmt.Fprintf(w, "%-22s %9.1f %12.2f %18.1f\n", prog, t["cpu-ms/op"], t["restarts/op"], t["hello-after-p50-ms"])
	}
	fmt.Fprintf(w, "\n%-22s %9s %9s\n", "past a 1 s deadline", "p50 ms", "p95 ms")
	for _, prog := range []string{"python_loop", "long_c_call", "sleep"} {
		d := m["BenchmarkDeadlineOverrun/"+prog]
		fmt.Fprintf(w, "%-22s %9.1f %9.1f\n", prog, d["p50-ms"], d["p95-ms"])
	}
	fmt.Fprintf(w, "\n%-22s %12s %16s\n", "allowlist profile", "hello p50 ms", "worker RSS MiB")
	for _, prof := range []string{"classic", "standard"} {
		p := m["BenchmarkProfiles/"+prof]
		fmt.Fprintf(w, "%-22s %12.2f %16.1f\n", prof, p["p50-ms"], p["worker-rss-MiB"])
	}
	if _, ok := m["BenchmarkPackages/before-checkpoint/idle"]; ok {
		fmt.Fprintf(w, "\n%-30s %10s %12s %10s %12s %12s\n", "packages (sympy, mpmath, nx)", "hello p50", "sympy p50", "image MiB", "worker MiB", "instance s")
		for _, when := range []string{"before-checkpoint", "after-checkpoint"} {
			b := "BenchmarkPackages/" + when + "/"
			fmt.Fprintf(w, "%-30s %10.2f %12.1f %10.1f %12.1f %12.2f\n", when, m[b+"hello"]["p50-ms"], m[b+"sympy"]["p50-ms"],
				m[b+"instance"]["image-MiB"], m[b+"idle"]["worker-rss-MiB"], m[b+"instance"]["ns/op"]/1e9)
		}
	}
	if r, ok := m["BenchmarkRoomLoad"]; ok {
		fmt.Fprintf(w, "\n%-30s %9s %9s %10s %12s %12s\n", "room: 40 clients × 5 edits/s", "p50 ms", "p99 ms", "delivered", "server cores", "server MiB")
		fmt.Fprintf(w, "%-30s %9.1f %9.1f %10.3f %12.2f %12.1f\n", "edit reaches all 39 others", r["p50-ms"], r["p99-ms"], r["delivered"], r["server-cores"], r["server-peak-MiB"])
	}
	mem := m["BenchmarkWorkerMemory"]
	fmt.Fprintf(w, "\n%-22s %9.1f MiB\n%-22s %9.1f MiB\n", "idle worker RSS", mem["worker-rss-MiB"], "server RSS", mem["server-rss-MiB"])
}

func num(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", a/b)
}
