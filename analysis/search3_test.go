package analysis

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// search3KnownFailures are the third search set's questions whose snippet
// is not in the top 3, with why. First run (before the behaviour concepts
// of behaviour.go): 17 of 43 in the top 3.
var search3KnownFailures = map[string]bool{
	"how many separate groups does an undirected network split into":          true, // every graph traversal carries the same concepts; counting the traversals started is not read as counting components
	"count choices of numbers adding up to a goal":                            true, // "count" and "numbers" meet the counting programs; neither the subset-sum recursion nor the coin table says "goal"
	"where would each query value be placed to keep an ordered array ordered": true, // "ordered" twice: the median (a sort) outranks the binary searches
	"couple of entries in an ordered array adding up to a goal":               true, // the two-pointer phrasing ("pair", "target") shares no word with "couple", "goal"
	"maximal stretch of text without repeated characters":                     true, // the window with a last-seen dictionary is named a hash table, not a sliding window
	"list the indivisible integers under a bound by striking out multiples":   true, // the sieve written with while i * i <= n is not recognised as a sieve
	"positions of a pair whose total equals the goal, in one pass":            true, // one-pass two-sum is read as a hash table only
	"count connected land regions on a map of ones and zeros":                 true, // "ones" meets the bit-counting program; the grid BFS's regions are not read as islands
}

// TestSearchSet3: questions that describe what a program does, in words
// none of its text uses (checked here), over the third evaluation set
// under the titles a user might give it; docs/analysis.md reports the
// share whose snippet is in the top 3.
func TestSearchSet3(t *testing.T) {
	titles, err := os.ReadFile("testdata/search3/titles.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var docs []searchDoc
	text := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(titles)), "\n") {
		name, title, _ := strings.Cut(line, "\t")
		src, err := os.ReadFile(filepath.Join("testdata/eval3", name+".py"))
		if err != nil {
			t.Fatal(err)
		}
		_, code, _ := strings.Cut(string(src), "\n")
		text[name] = title + "\n" + code
		docs = append(docs, searchDoc{name, EmbedLocal(withConcepts(DocumentText(title, "", code)))})
	}
	raw, _ := os.ReadFile("testdata/search3/queries.tsv")
	hits, n := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		query, want, _ := strings.Cut(line, "\t")
		wanted := strings.Fields(want)
		for _, w := range wanted {
			for _, tok := range tokens(query) {
				if slices.Contains(tokens(text[w]), tok) {
					t.Errorf("%q shares %q with %s: the set is of paraphrases", query, tok, w)
				}
			}
		}
		n++
		if askQuestion(t, docs, query, wanted, search3KnownFailures[query]) {
			hits++
		}
	}
	t.Logf("search set 3: %d of %d questions (%.0f%%) have their snippet in the top 3", hits, n, pct(hits, n))
}
