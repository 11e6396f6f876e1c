package analysis

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
		if !strings.HasPrefix(a.Time, "O(") && a.Time != "unknown" || !strings.HasPrefix(a.Space, "O(") {
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
	"many recursive calls": "def f(n):\n" + strings.Repeat("    f(n - 1)\n", 5500),
	"many if-returns":      "def f(n):\n" + strings.Repeat("    if n:\n        return f(n - 1)\n", 2500),
	"long expression":      "x = " + strings.Repeat("a + ", 16000) + "a\n",
	"nested brackets":      "x = " + strings.Repeat("[", 30000) + strings.Repeat("]", 30000) + "\n",
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

// TestShapesNotNames: cases from the issue that the old line-based rules
// got wrong.
func TestShapesNotNames(t *testing.T) {
	tests := []struct{ name, code, time string }{
		{"loop body on the header line", "def f(n):\n    for i in range(n): print(i)\n", "O(n)"},
		{"the same loop on two lines", "def f(n):\n    for i in range(n):\n        print(i)\n", "O(n)"},
		{"a quadratic function named like a sieve", "def sieve_names(is_prime):\n    out = []\n    for i in range(len(is_prime)):\n        for j in range(len(is_prime)):\n            out.append((i, j))\n    return out\n", "O(n^2)"},
		{"a pivot that is not a quicksort", "def f(pivot):\n    return sum(pivot)\n", "O(n)"},
		{"recursion without a visible shrink", "def f(x):\n    if g(x):\n        return 0\n    return f(h(x))\n", "unknown"},
		{"binary search with meaningless names", "def q(z, w):\n    a, b = 0, len(z)\n    while a < b:\n        c = (a + b) // 2\n        if z[c] < w:\n            a = c + 1\n        else:\n            b = c\n    return a\n", "O(log n)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AnalyzeLocal(tt.code)
			if a.Time != tt.time {
				t.Fatalf("time %s, want %s (%+v)", a.Time, tt.time, a)
			}
			if strings.Contains(tt.name, "sieve") && len(a.Families) > 0 || strings.Contains(tt.name, "pivot") && len(a.Families) > 0 {
				t.Fatalf("families from a name: %v", a.Families)
			}
		})
	}
	if a := AnalyzeLocal("def f(x):\n    if g(x):\n        return 0\n    return f(h(x))\n"); a.Confidence != Low {
		t.Fatalf("an undetermined recursion has confidence %s", a.Confidence)
	}
}
