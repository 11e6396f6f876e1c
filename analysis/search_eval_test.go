package analysis

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

type searchDoc struct {
	name string
	vec  []float32
}

// heldOutCorpus embeds the held-out programs (testdata/heldout) under the
// titles a user gave them (testdata/search/titles.tsv), as the index does.
func heldOutCorpus(t *testing.T) []searchDoc {
	titles, err := os.ReadFile("testdata/search/titles.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var docs []searchDoc
	for _, line := range strings.Split(strings.TrimSpace(string(titles)), "\n") {
		name, title, _ := strings.Cut(line, "\t")
		src, err := os.ReadFile(filepath.Join("testdata/heldout", name+".py"))
		if err != nil {
			t.Fatal(err)
		}
		_, code, _ := strings.Cut(string(src), "\n") // without the expectation line
		docs = append(docs, searchDoc{name, EmbedLocal(withConcepts(DocumentText(title, "", code)))})
	}
	return docs
}

// heldOutSearchKnownFailures are the questions whose intended snippet is
// not in the top 3 (first run after the rework: 29 of 35 in the top 3;
// before it, 10 of 35).
var heldOutSearchKnownFailures = map[string]bool{
	"find three entries whose total is nothing":                                          true, // "nothing" for zero: no concept
	"place each element into position among the earlier ones, growing an ordered prefix": true, // the swap-based insertion sort is not recognised
	"repeatedly pick the largest remaining element and move it to the end":               true, // selection by maximum, right to left: not recognised
	"partition around a pivot and recurse on both sides":                                 true, // the in-place quicksort is not recognised (analyzer known failure t42)
}

// TestHeldOutSearch: paraphrased questions over the held-out programs;
// docs/analysis.md reports the share whose snippet is in the top 3.
func TestHeldOutSearch(t *testing.T) {
	docs := heldOutCorpus(t)
	raw, _ := os.ReadFile("testdata/search/queries.tsv")
	hits, n := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		query, want, _ := strings.Cut(line, "\t")
		wanted := strings.Fields(want)
		n++
		if askQuestion(t, docs, query, wanted, heldOutSearchKnownFailures[query]) {
			hits++
		}
	}
	t.Logf("held-out search: %d of %d questions (%.0f%%) have their snippet in the top 3", hits, n, pct(hits, n))
	if n < 30 || pct(hits, n) < 70 {
		t.Errorf("below the target (70%% of ≥ 30 questions)")
	}
}

// askQuestion ranks docs for query and reports whether one of wanted is in
// the top 3; a subtest fails when that disagrees with knownFailure.
func askQuestion(t *testing.T, docs []searchDoc, query string, wanted []string, knownFailure bool) bool {
	t.Helper()
	q := EmbedLocal(withConcepts(query))
	ranked := slices.Clone(docs)
	sort.SliceStable(ranked, func(i, j int) bool { return Cosine(q, ranked[i].vec) > Cosine(q, ranked[j].vec) })
	hit := false
	for _, d := range ranked[:3] {
		if slices.Contains(wanted, d.name) && Cosine(q, d.vec) > 0 {
			hit = true
		}
	}
	t.Run(query, func(t *testing.T) {
		if hit == knownFailure {
			t.Errorf("hit %v, listed as a known failure %v; top 3: %s %.2f, %s %.2f, %s %.2f; want %v", hit, !hit,
				ranked[0].name, Cosine(q, ranked[0].vec), ranked[1].name, Cosine(q, ranked[1].vec), ranked[2].name, Cosine(q, ranked[2].vec), wanted)
		}
	})
	return hit
}
