// Command corpus runs a corpus of real Python programs (not written for
// this project: e.g. TheAlgorithms/Python) in the sandbox, with its
// default settings, and with a native CPython of the same version, and
// compares them: the same standard output and the same exit status is a
// match. Each program runs alone (as main.py in an empty directory natively,
// with `-I`, so neither side sees the corpus's other files), with empty
// standard input and the same time limit.
//
// It prints the match rate over the programs that run natively (those a
// native run does not end with ModuleNotFoundError: they need only the
// standard library), and the mismatches by cause.
//
// Usage (make corpus):
//
//	go run ./sandbox/internal/cmd/corpus -native /var/tmp/coderemote-cpython/native/python DIR
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/sandbox/internal/nativerun"
)

type outcome struct {
	File    string `json:"file"`
	Native  string `json:"native"` // "ok", "exit N", "timeout", "needs <module>"
	Sandbox string `json:"sandbox"`
	Match   bool   `json:"match"`
	Cause   string `json:"cause,omitempty"` // why a program that runs natively does not match
}

func main() {
	if sandbox.IsWorker() {
		os.Exit(sandbox.ServeWorker(os.Stdin, os.Stdout))
	}
	native := flag.String("native", "/var/tmp/coderemote-cpython/native/python", "native CPython of the runtime's version")
	timeout := flag.Duration("timeout", 10*time.Second, "time limit of one program, both sides")
	jsonOut := flag.String("json", "build/corpus.json", "where to write every outcome")
	cache := flag.String("cache-dir", "", "the sandbox's compile cache")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: corpus [flags] DIR")
		os.Exit(2)
	}
	var files []string
	filepath.WalkDir(flag.Arg(0), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") && d.Name() != "__init__.py" && d.Name() != "conftest.py" &&
			!strings.HasPrefix(d.Name(), "test_") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	pool, err := sandbox.NewPool(sandbox.Config{Workers: 2, QueueSize: 10000, MaxQueueWait: 24 * time.Hour, CacheDir: *cache},
		slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	outcomes := make([]outcome, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				outcomes[i] = compare(ctx, pool, *native, files[i], flag.Arg(0), *timeout)
			}
		}()
	}
	for i := range files {
		jobs <- i
		if i%100 == 99 {
			fmt.Fprintf(os.Stderr, "%d/%d\n", i+1, len(files))
		}
	}
	close(jobs)
	wg.Wait()
	pool.Close(ctx)
	b, _ := json.MarshalIndent(outcomes, "", " ")
	os.WriteFile(*jsonOut, b, 0o644)
	summarize(outcomes)
}

func compare(ctx context.Context, pool *sandbox.Pool, python, file, root string, timeout time.Duration) outcome {
	rel, _ := filepath.Rel(root, file)
	o := outcome{File: rel}
	code, err := os.ReadFile(file)
	if err != nil {
		o.Native = "unreadable"
		return o
	}
	nat, err := nativerun.Run(ctx, python, []string{"-I", "main.py"}, map[string]string{"main.py": string(code)}, "", timeout)
	if err != nil {
		o.Native = "error: " + err.Error()
		return o
	}
	o.Native = status(nat.ExitCode, nat.TimedOut)
	if m := missingModule(nat.Stderr); m != "" && nat.ExitCode != 0 {
		o.Native = "needs " + m
		return o
	}
	// A second native run: a program whose output changes from run to run
	// (random numbers, hash order, the clock) cannot be compared.
	if again, err := nativerun.Run(ctx, python, []string{"-I", "main.py"}, map[string]string{"main.py": string(code)}, "", timeout); err == nil &&
		(again.Stdout != nat.Stdout || again.TimedOut != nat.TimedOut) {
		o.Native = "nondeterministic"
		return o
	}
	res, err := pool.Run(ctx, sandbox.Request{Code: string(code), Timeout: timeout})
	if err != nil {
		o.Sandbox = "error: " + err.Error()
		return o
	}
	o.Sandbox = status(res.ExitCode, res.TimedOut)
	o.Match = nat.TimedOut == res.TimedOut && nat.Stdout == res.Stdout && (nat.TimedOut || nat.ExitCode == res.ExitCode)
	if !o.Match && !strings.HasPrefix(o.Native, "needs ") {
		o.Cause = cause(nat, res)
	}
	return o
}

func status(exit int, timedOut bool) string {
	if timedOut {
		return "timeout"
	}
	if exit == 0 {
		return "ok"
	}
	return fmt.Sprintf("exit %d", exit)
}

// missingModule is the module a native run could not import.
func missingModule(stderr string) string {
	i := strings.LastIndex(stderr, "ModuleNotFoundError: No module named '")
	if i < 0 {
		return ""
	}
	name, _, _ := strings.Cut(stderr[i+len("ModuleNotFoundError: No module named '"):], "'")
	top, _, _ := strings.Cut(name, ".")
	return top
}

// cause says why a program that runs natively does not match in the sandbox.
func cause(nat nativerun.Result, res sandbox.Result) string {
	errType := ""
	if res.ErrorType != nil {
		errType = *res.ErrorType
	}
	switch {
	case strings.Contains(res.Stderr, "is not allowed"):
		i := strings.Index(res.Stderr, "Import of module '")
		if i >= 0 {
			m, _, _ := strings.Cut(res.Stderr[i+len("Import of module '"):], "'")
			return "refused import of " + m
		}
		return "refused by the guard: " + lastLine(res.Stderr)
	case res.TimedOut && !nat.TimedOut:
		return "timed out in the sandbox only"
	case nat.TimedOut && !res.TimedOut:
		return "timed out natively only"
	case nat.TimedOut && res.TimedOut:
		return "both timed out, different output so far"
	case errType == "MemoryError" || strings.Contains(res.Stderr, "MemoryError"):
		return "memory cap"
	case res.ExitCode != nat.ExitCode:
		return fmt.Sprintf("exit %d natively, %d in the sandbox: %s", nat.ExitCode, res.ExitCode, lastLine(res.Stderr))
	default:
		return "different output"
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := lines[len(lines)-1]
	if len(l) > 160 {
		l = l[:160]
	}
	return l
}

func summarize(outcomes []outcome) {
	var runs, matches, needs, nondet int
	needed := map[string]int{}
	causes := map[string][]string{}
	for _, o := range outcomes {
		if m, ok := strings.CutPrefix(o.Native, "needs "); ok {
			needs++
			needed[m]++
			continue
		}
		if o.Native == "nondeterministic" {
			nondet++
			continue
		}
		runs++
		if o.Match {
			matches++
		} else {
			key := o.Cause
			if strings.HasPrefix(key, "exit ") {
				key = key[:strings.Index(key, ":")]
			}
			causes[key] = append(causes[key], o.File)
		}
	}
	fmt.Printf("%d programs; %d need a module native CPython does not have (", len(outcomes), needs)
	top := keysByCount(needed)
	for i, m := range top[:min(len(top), 6)] {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%s %d", m, needed[m])
	}
	fmt.Printf("); %d print something else at each native run (random numbers, hash order, the clock).\n", nondet)
	fmt.Printf("Of the other %d, %d (%.1f %%) give the same stdout and exit status in the sandbox.\n\n", runs, matches, 100*float64(matches)/float64(max(runs, 1)))
	fmt.Println("| why the others differ | programs | e.g. |")
	fmt.Println("|---|---|---|")
	for _, c := range keysByLen(causes) {
		fmt.Printf("| %s | %d | `%s` |\n", strings.ReplaceAll(c, "|", "/"), len(causes[c]), causes[c][0])
	}
}

func keysByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	return keys
}

func keysByLen(m map[string][]string) []string {
	counts := map[string]int{}
	for k, v := range m {
		counts[k] = len(v)
	}
	return keysByCount(counts)
}
