package llm

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	got := strings.Join(tokens("def binarySearch(sorted_items, target): # Finds the item"), " ")
	if got != "binary search sort item target find item" {
		t.Fatalf("got %q", got)
	}
}

// TestSearchByMeaning: among the classic algorithms, a plain-words question
// ranks the right snippet first.
func TestSearchByMeaning(t *testing.T) {
	files, _ := filepath.Glob("testdata/algorithms/*.py")
	type doc struct {
		name string
		vec  []float32
	}
	var docs []doc
	for _, f := range files {
		src, _ := os.ReadFile(f)
		_, code, _ := strings.Cut(string(src), "\n") // drop the expectation line
		docs = append(docs, doc{filepath.Base(f), EmbedLocal(DocumentText("", "", code))})
	}
	for _, tc := range []struct{ query, want string }{
		{"find an item in a sorted list", "02_binary_search.py"},
		{"shortest path in a weighted graph", "19_dijkstra.py"},
		{"generate all permutations", "25_permutations.py"},
		{"find all primes up to n", "23_sieve.py"},
		{"greatest common divisor", "24_gcd.py"},
		{"sort a list by swapping neighbours", "04_bubble_sort.py"},
	} {
		q := EmbedLocal(tc.query)
		sort.SliceStable(docs, func(i, j int) bool { return Cosine(q, docs[i].vec) > Cosine(q, docs[j].vec) })
		if docs[0].name != tc.want && !(tc.want == "02_binary_search.py" && docs[0].name == "03_binary_search_recursive.py") {
			t.Errorf("%q: first is %s (%.2f), want %s", tc.query, docs[0].name, Cosine(q, docs[0].vec), tc.want)
		}
	}
}

func TestEmbedLocalIsUnitLength(t *testing.T) {
	v := EmbedLocal("binary search")
	if len(v) != Dimensions {
		t.Fatalf("got %d dimensions", len(v))
	}
	if c := Cosine(v, v); c < 0.999 || c > 1.001 {
		t.Fatalf("self-similarity %f", c)
	}
	if z := EmbedLocal("the of and"); Cosine(z, v) != 0 {
		t.Fatalf("stopwords only should embed to zero")
	}
}
