package analysis

import (
	"strconv"

	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/coderemote/coderemote/analysis/pyast"
)

var expectation = regexp.MustCompile(`^# time: (.+?) space: (.+?) family: (.+?)(?: also: (.+))?$`)

type expected struct {
	time, space []string
	family      string
	also        []string
}

func readExpectation(t *testing.T, src string) expected {
	first, _, _ := strings.Cut(src, "\n")
	m := expectation.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("no expectation line: %q", first)
	}
	e := expected{family: m[3]}
	for _, x := range strings.Split(m[1], "|") {
		e.time = append(e.time, NormalizeBigO(x))
	}
	for _, x := range strings.Split(m[2], "|") {
		e.space = append(e.space, NormalizeBigO(x))
	}
	if m[4] != "" {
		for _, x := range strings.Split(m[4], ",") {
			e.also = append(e.also, strings.TrimSpace(x))
		}
	}
	return e
}

// familyOK: every family named is the expected one or one also true of
// the program; naming none ("unknown") is right too.
func (e expected) familyOK(got []string) bool {
	for _, f := range got {
		if f != e.family && !slices.Contains(e.also, f) {
			return false
		}
	}
	return true
}

// scoreSet runs the analyzer on every program of a set and reports, per
// file, which answers were wrong. knownFailures lists the files and the
// aspects (time, space, family) expected to be wrong; a known failure
// that is fixed is reported so that the list is kept true.
func scoreSet(t *testing.T, dir string, knownFailures map[string][]string) (n, timeOK, spaceOK, famOK int) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	for _, f := range files {
		src, _ := os.ReadFile(f)
		name := strings.TrimSuffix(filepath.Base(f), ".py")
		e := readExpectation(t, string(src))
		a := AnalyzeLocal(string(src))
		n++
		var wrong []string
		if slices.Contains(e.time, NormalizeBigO(a.Time)) {
			timeOK++
		} else {
			wrong = append(wrong, "time")
		}
		if slices.Contains(e.space, NormalizeBigO(a.Space)) {
			spaceOK++
		} else {
			wrong = append(wrong, "space")
		}
		if e.familyOK(a.Families) {
			famOK++
		} else {
			wrong = append(wrong, "family")
		}
		t.Run(name, func(t *testing.T) {
			known := knownFailures[name]
			if !slices.Equal(wrong, known) {
				t.Errorf("wrong: %v, known failures: %v (got time %s space %s families %v; want %v %v %s also %v)",
					wrong, known, a.Time, a.Space, a.Families, e.time, e.space, e.family, e.also)
			}
		})
	}
	return
}

func pct(k, n int) float64 { return 100 * float64(k) / float64(n) }

// TestHeldOutAccuracy: the held-out set (testdata/heldout), written apart
// from the development set and never tuned against; docs/analysis.md
// reports these figures.
func TestHeldOutAccuracy(t *testing.T) {
	n, ti, sp, fa := scoreSet(t, "testdata/heldout", heldOutKnownFailures)
	t.Logf("held-out, %d programs: time %d (%.0f%%), space %d (%.0f%%), family right or unknown %d (%.0f%%)",
		n, ti, pct(ti, n), sp, pct(sp, n), fa, pct(fa, n))
	if n < 40 || pct(ti, n) < 85 || pct(sp, n) < 80 || pct(fa, n) < 90 {
		t.Errorf("below the targets (time 85%%, space 80%%, family 90%% on ≥ 40 programs)")
	}
}

// TestDevelopmentAccuracy: the development sets (testdata/algorithms, the
// first table; testdata/dev2, written as a held-out set and used for
// development after its first run).
func TestDevelopmentAccuracy(t *testing.T) {
	for _, dir := range []string{"algorithms", "dev2"} {
		t.Run(dir, func(t *testing.T) {
			n, ti, sp, fa := scoreSet(t, "testdata/"+dir, devKnownFailures)
			t.Logf("development (%s), %d programs: time %d (%.0f%%), space %d (%.0f%%), family right or unknown %d (%.0f%%)",
				dir, n, ti, pct(ti, n), sp, pct(sp, n), fa, pct(fa, n))
		})
	}
}

// TestEvaluation3: the third evaluation set (testdata/eval3, 61 programs,
// one- and two-letter names, no comments), written for the families the
// second held-out measurement missed and others of the same kind before
// the analyzer's rules were read. First run: time 40/61, space 49/61,
// family 46/61 (docs/analysis.md lists each miss and its cause).
func TestEvaluation3(t *testing.T) {
	n, ti, sp, fa := scoreSet(t, "testdata/eval3", eval3KnownFailures)
	t.Logf("evaluation 3, %d programs: time %d (%.0f%%), space %d (%.0f%%), family right or unknown %d (%.0f%%)",
		n, ti, pct(ti, n), sp, pct(sp, n), fa, pct(fa, n))
}

// eval3KnownFailures are the third set's answers still wrong, with why.
var eval3KnownFailures = map[string][]string{
	"e13": {"time", "space", "family"}, // memoised grid paths in a closure: its two sizes come from the outer function's parameters (reported n^2); the closure's recursion is named too
}

// heldOutKnownFailures are the held-out set's wrong answers on its first
// run (time 37/42, space 37/42, family 39/42), with why.
var heldOutKnownFailures = map[string][]string{
	"t21": {"space"},  // permutations built by returning lists: the result's size taken for working memory
	"t32": {"time"},   // counting sort: extend of [v] * k read as O(n) per item
	"t37": {"space"},  // a string grown by prepending, o = str(i) + o: not counted as growing
	"t39": {"family"}, // a deque drained into a list read as breadth-first search
	"t42": {"time"},   // in-place quicksort (bounds i - 1, i + 1 from a partition loop): time unknown (first run also named subsets: fixed)
}

var devKnownFailures = map[string][]string{}

// renamed gives every name the program binds a meaningless one (v1, v2, …;
// assigned attributes a1, a2, …).
func renamed(src string) string {
	names, attrs := pyast.BoundNames(pyast.Parse(src))
	nm, am := map[string]string{}, map[string]string{}
	for i, n := range names {
		if n != "self" {
			nm[n] = "v" + strconv.Itoa(i+1)
		}
	}
	for i, n := range attrs {
		am[n] = "a" + strconv.Itoa(i+1)
	}
	return pyast.Rename(src, nm, am)
}

// TestAnswersDoNotDependOnNames: renaming every identifier of the
// development programs changes no answer — time, space, families,
// confidence.
func TestAnswersDoNotDependOnNames(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*.py")
	for _, f := range files {
		src, _ := os.ReadFile(f)
		r := renamed(string(src))
		if r == string(src) {
			t.Fatalf("%s: nothing renamed", f)
		}
		a, b := AnalyzeLocal(string(src)), AnalyzeLocal(r)
		if a.Time != b.Time || a.Space != b.Space || !slices.Equal(a.Families, b.Families) || a.Confidence != b.Confidence {
			t.Errorf("%s: %s %s %v %s, renamed: %s %s %v %s\n%s", f, a.Time, a.Space, a.Families, a.Confidence,
				b.Time, b.Space, b.Families, b.Confidence, r)
		}
	}
}
