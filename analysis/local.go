package analysis

import (
	"context"
	"strings"

	"github.com/coderemote/coderemote/complexity"
)

// The analysis's vocabulary, shared with the language-model clients
// (package complexity).
type (
	Analysis   = complexity.Analysis
	Confidence = complexity.Confidence
)

const (
	High   = complexity.High
	Medium = complexity.Medium
	Low    = complexity.Low
)

// NormalizeBigO is complexity.NormalizeBigO.
func NormalizeBigO(s string) string { return complexity.NormalizeBigO(s) }

// AnalyzeLocal estimates the complexity of a Python program.
func AnalyzeLocal(code string) Analysis {
	a, _ := analyzeLocal(context.Background(), code)
	return a
}

// analyzeLocal is AnalyzeLocal that stops, with ctx's error, when ctx ends.
// Its work is linear in the size of the code.
func analyzeLocal(ctx context.Context, code string) (Analysis, error) {
	return analyzeStructure(ctx, code)
}

// familyPhrases are the everyday phrasings of each family, which the local
// embedding adds to a snippet's text so that a question in plain words
// finds it.
var familyPhrases = []struct{ name, phrases string }{
	{"binary search", "find an item in a sorted list; search a sorted array; halve the search range; bisect; lookup in logarithmic time"},
	{"two pointers", "pair with a target sum; walk inward from both ends; palindrome check; reverse in place"},
	{"sliding window", "longest substring; subarray with a sum; moving window over a sequence; running maximum"},
	{"breadth-first search", "BFS; shortest path in an unweighted graph; level order traversal; explore a grid layer by layer"},
	{"depth-first search", "DFS; traverse a graph; connected components; flood fill; detect a cycle"},
	{"Dijkstra's algorithm", "shortest path in a weighted graph; route planning; priority queue of distances"},
	{"dynamic programming", "DP; memoization; overlapping subproblems; knapsack; longest common subsequence; count the ways"},
	{"bubble sort", "sort a list by swapping neighbours; simple quadratic sorting"},
	{"insertion sort", "sort a list by inserting each item into place; sorting algorithm"},
	{"selection sort", "sort a list by selecting the minimum; sorting algorithm"},
	{"merge sort", "sort a list by splitting and merging; divide and conquer sorting; stable sort"},
	{"quicksort", "sort a list around a pivot; partition; divide and conquer sorting"},
	{"heap", "priority queue; k largest or smallest items; top k"},
	{"sieve of Eratosthenes", "find all primes up to n; prime numbers"},
	{"Euclid's algorithm", "greatest common divisor; lowest common multiple"},
	{"backtracking", "try every choice and undo it; combinations; n queens; search all choices"},
	{"permutations", "generate all permutations; every ordering of the items"},
	{"subsets", "all subsets; power set; every combination of items"},
	{"hash table", "count occurrences; seen before; duplicates; frequency; dictionary lookup"},
	{"recursion", "a function that calls itself"},
}

// FamilyPhrases are the everyday phrasings of the families named.
func FamilyPhrases(names []string) string {
	var b strings.Builder
	for _, r := range familyPhrases {
		for _, n := range names {
			if n == r.name {
				b.WriteString(r.name + "; " + r.phrases + ". ")
			}
		}
	}
	return b.String()
}

func narrative(a Analysis) string {
	alg := "No classic algorithm pattern was recognised; the estimate follows the loops, recursion and library calls."
	if len(a.Families) > 0 {
		alg = "Recognised from the code's structure: " + strings.Join(a.Families, ", ") + "."
	}
	timeText := "$" + latex(a.Time) + "$ — estimated from what each loop iterates over, how recursive calls shrink their " +
		"arguments, and the cost of library calls (sorting is $O(n \\log n)$, heap operations $O(\\log n)$)."
	if a.Time == "unknown" {
		timeText = "Unknown — the code's structure does not settle how many times its loops or recursion run."
	}
	sure := map[Confidence]string{
		High:   "The loops and recursion here have shapes the analyzer reads with confidence.",
		Medium: "Confidence: medium — the shapes were recognised, but such estimates are easier to get wrong.",
		Low:    "Confidence: low — a loop or recursion here does not show how far it runs (for example `while True` or an argument that does not visibly shrink); read the estimate as a guess.",
	}[a.Confidence]
	return "## Algorithm\n\n" + alg + "\n\n## Time Complexity\n\n" + timeText + "\n\n" +
		"## Space Complexity\n\n$" + latex(a.Space) + "$ — extra memory beyond the input: collections that grow with it and the recursion depth.\n\n" +
		sure + "\n\n*Local estimate: computed on this server without a language model; it reads the code's structure and can be wrong for unusual code.*\n"
}

// latex renders a canonical Big-O string for KaTeX.
func latex(o string) string {
	r := strings.NewReplacer("log n", `\log n`, "log V", `\log V`, "sqrt(n)", `\sqrt{n}`, "^n", "^{n}", "^2", "^{2}", "^3", "^{3}")
	return r.Replace(o)
}
