package llm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var header = regexp.MustCompile(`^# time: (.+?) space: (.+?) family: (.+)$`)

// TestLocalAnalyzerAccuracy runs the analyzer on classic algorithms whose
// complexity is known (testdata/algorithms, the expectation in each file's
// first line) and holds it to its measured accuracy (docs/analysis.md).
func TestLocalAnalyzerAccuracy(t *testing.T) {
	files, _ := filepath.Glob("testdata/algorithms/*.py")
	if len(files) < 30 {
		t.Fatalf("only %d algorithms", len(files))
	}
	var timeOK, spaceOK, famOK int
	for _, f := range files {
		src, _ := os.ReadFile(f)
		first, _, _ := strings.Cut(string(src), "\n")
		m := header.FindStringSubmatch(first)
		if m == nil {
			t.Fatalf("%s: no expectation line", f)
		}
		a := AnalyzeLocal(string(src))
		name := filepath.Base(f)
		if a.Time == NormalizeBigO(m[1]) {
			timeOK++
		} else {
			t.Logf("%s: time %s, want %s", name, a.Time, m[1])
		}
		if a.Space == NormalizeBigO(m[2]) {
			spaceOK++
		} else {
			t.Logf("%s: space %s, want %s", name, a.Space, m[2])
		}
		if m[3] == "-" || slices.Contains(a.Families, m[3]) {
			famOK++
		} else {
			t.Logf("%s: families %v, want %s", name, a.Families, m[3])
		}
		if !strings.Contains(a.Narrative, "## Time Complexity") || !strings.Contains(a.Narrative, "Local estimate") {
			t.Fatalf("%s: narrative lacks its headings: %s", name, a.Narrative)
		}
	}
	n := len(files)
	t.Logf("accuracy on %d algorithms: time %d (%.0f%%), space %d (%.0f%%), family %d (%.0f%%)",
		n, timeOK, 100*float64(timeOK)/float64(n), spaceOK, 100*float64(spaceOK)/float64(n), famOK, 100*float64(famOK)/float64(n))
	if float64(timeOK) < 0.85*float64(n) || float64(spaceOK) < 0.75*float64(n) || float64(famOK) < 0.85*float64(n) {
		t.Fatalf("accuracy fell below what docs/analysis.md reports")
	}
}

func TestAnalyzeLocalHandlesAnything(t *testing.T) {
	for _, src := range []string{"", "x = 1", "def f(:\n", "\t\tfor\n", "while True:\n", `"""unterminated`} {
		a := AnalyzeLocal(src)
		if a.Time == "" || a.Space == "" {
			t.Fatalf("%q: empty result %+v", src, a)
		}
	}
}

func FuzzAnalyzeLocal(f *testing.F) {
	files, _ := filepath.Glob("testdata/algorithms/*.py")
	for _, p := range files[:5] {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		a := AnalyzeLocal(src)
		if !strings.HasPrefix(a.Time, "O(") || !strings.HasPrefix(a.Space, "O(") {
			t.Fatalf("got %+v", a)
		}
	})
}

// pathological are shapes of code that made the analyzer quadratic: 64 KB
// or more of each.
var pathological = map[string]string{
	"many functions":       strings.Repeat("def f():\n x\n", 6000),
	"one function, loops":  "def f(n):\n" + strings.Repeat("    for i in range(n):\n        x = i\n", 2000),
	"recursion in loops":   "def f(n):\n" + strings.Repeat("    for i in range(n):\n        f(n - 1)\n", 2000),
	"one long line":        "x = [" + strings.Repeat("1, ", 22000) + "]\n",
	"many halving loops":   strings.Repeat("while n > 0:\n    n //= 2\n", 3000),
	"deeply nested blocks": nested(300),
}

func nested(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i) + "for i in range(n):\n")
	}
	b.WriteString(strings.Repeat(" ", depth) + "pass\n")
	return b.String()
}

// TestAnalysisIsCancelled: an analysis whose context has ended stops.
func TestAnalysisIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Local{}).Analyze(ctx, pathological["many functions"]); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// BenchmarkPathological is the local analyzer on each pathological shape
// (docs/analysis.md records the figures).
func BenchmarkPathological(b *testing.B) {
	for name, code := range pathological {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				AnalyzeLocal(code)
			}
		})
	}
}
