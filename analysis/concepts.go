package analysis

import (
	"maps"
	"slices"
	"strings"

	"github.com/coderemote/coderemote/analysis/pyast"
)

// The offline search is keyword search done with care: words of the
// title, description, comments, docstrings, string literals and
// identifiers (split at snake_case and camelCase), weighted with BM25's
// saturation, plus concepts. A concept stands for a group of general
// programming words that mean nearly the same ("reverse", "backwards",
// "flip") and is also read from the code's structure (a heapq call is a
// priority queue; s[::-1] reverses), so a question in other words than the
// snippet's still meets it. The groups below are general vocabulary, not
// phrases of any test.
var conceptGroups = map[string][]string{
	"sort":        {"sort", "sorted", "order", "ordered", "ascending", "descending", "arrange", "rank"},
	"search":      {"search", "find", "locate", "lookup", "look up", "seek", "present", "contain", "membership", "exist"},
	"binary":      {"binary search", "bisect", "halve", "halving", "middle", "midpoint"},
	"permutation": {"permutation", "permute", "arrangement", "reorder", "every order", "all order"},
	"subset":      {"subset", "power set", "powerset", "combination", "choose", "pick", "every possible selection", "selection of items"},
	"reverse":     {"reverse", "backward", "backwards", "flip", "invert", "mirror", "back to front"},
	"text":        {"string", "text", "word", "sentence", "character", "letter", "char", "substring"},
	"count":       {"count", "tally", "frequency", "occurrence", "how many", "how often", "histogram"},
	"depth":       {"depth first", "deep", "dfs"},
	"breadth":     {"breadth first", "level", "layer", "bfs", "level order"},
	"duplicate":   {"duplicate", "repeat", "twice", "seen", "dedupe", "unique", "distinct"},
	"prime":       {"prime", "composite", "divisor", "divisible", "sieve"},
	"gcd":         {"gcd", "greatest common divisor", "highest common factor", "lcm", "common divisor", "euclid"},
	"power":       {"power", "exponent", "exponentiation", "raise", "squaring", "pow"},
	"digit":       {"digit", "decimal", "base ten", "base 10", "numeral"},
	"graph":       {"graph", "vertex", "vertice", "node", "edge", "neighbour", "neighbor", "adjacency", "network"},
	"path":        {"path", "route", "shortest", "distance", "hop", "reach", "reachable", "fewest"},
	"weight":      {"weight", "weighted", "cost", "cheapest", "lowest total"},
	"traverse":    {"traverse", "traversal", "visit", "explore", "walk"},
	"component":   {"connected", "component", "island", "piece", "region", "separate"},
	"tree":        {"tree", "root", "leaf", "leave", "child", "children", "subtree", "hierarchy"},
	"linked":      {"linked list", "linked", "chain", "next pointer"},
	"matrix":      {"matrix", "grid", "2d", "row", "column", "cell"},
	"sum":         {"sum", "total", "add up", "accumulate", "prefix sum", "cumulative"},
	"max":         {"maximum", "max", "largest", "biggest", "highest", "best", "most"},
	"min":         {"minimum", "min", "smallest", "lowest", "least", "fewest", "cheapest"},
	"stack":       {"stack", "push", "lifo", "last in first out"},
	"queue":       {"queue", "deque", "fifo", "first in first out", "enqueue", "dequeue"},
	"heap":        {"heap", "priority queue", "priority", "heapq", "top k"},
	"memo":        {"memo", "memoization", "memoize", "cache", "cached", "remember", "lru cache"},
	"dp":          {"dynamic programming", "dp", "bottom up", "tabulation", "subproblem"},
	"recursion":   {"recursion", "recursive", "recurse", "calls itself"},
	"interval":    {"interval", "overlap", "overlapping", "span", "meeting", "time range"},
	"merge":       {"merge", "combine", "join", "interleave", "union"},
	"split":       {"split", "divide", "halves", "half", "partition"},
	"palindrome":  {"palindrome", "reads the same"},
	"anagram":     {"anagram", "same letters", "rearrangement"},
	"bracket":     {"bracket", "parenthesis", "parentheses", "brace", "balanced", "nested", "nesting"},
	"window":      {"window", "subarray", "substring", "contiguous", "consecutive", "stretch"},
	"pointer":     {"two pointers", "both ends", "inward"},
	"fibonacci":   {"fibonacci", "fib"},
	"factorial":   {"factorial"},
	"swap":        {"swap", "exchange", "neighbour", "adjacent"},
	"edit":        {"edit distance", "levenshtein", "insertion", "deletion", "substitution"},
	"square":      {"square", "squared"},
	"group":       {"group", "bucket", "categorize", "classify"},
	"number":      {"integer", "whole number", "number", "numeric"},
}

// conceptIndex maps a stemmed word or phrase to its concepts.
var conceptIndex = func() map[string][]string {
	m := map[string][]string{}
	groups := maps.Clone(conceptGroups)
	for c, words := range behaviourGroups {
		groups[c] = append(slices.Clone(groups[c]), words...)
	}
	for c, words := range groups {
		for _, w := range append([]string{c}, words...) {
			key := strings.Join(stems(w), " ")
			if key != "" {
				m[key] = append(m[key], c)
			}
		}
	}
	return m
}()

// stems are a phrase's word stems, stopwords included (phrases such as
// "how many" are made of them).
func stems(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		out = append(out, stem(w))
	}
	return out
}

// concepts finds the concepts a text names, as tokens ("~sort").
func concepts(text string) []string {
	words := stems(text)
	var out []string
	for i := range words {
		for n := 3; n >= 1; n-- {
			if i+n > len(words) {
				continue
			}
			for _, c := range conceptIndex[strings.Join(words[i:i+n], " ")] {
				if !slices.Contains(out[max(0, len(out)-4):], "~"+c) {
					out = append(out, "~"+c)
				}
			}
		}
	}
	return out
}

// familyConcepts are what each algorithm family is about.
var familyConcepts = map[string][]string{
	"binary search":         {"search", "binary", "sort"},
	"two pointers":          {"pointer"},
	"sliding window":        {"window"},
	"breadth-first search":  {"graph", "traverse", "path", "queue", "breadth"},
	"depth-first search":    {"graph", "traverse", "component", "stack", "depth"},
	"Dijkstra's algorithm":  {"graph", "path", "weight", "heap"},
	"dynamic programming":   {"dp", "memo"},
	"bubble sort":           {"sort", "swap"},
	"insertion sort":        {"sort"},
	"selection sort":        {"sort", "min", "max"},
	"merge sort":            {"sort", "merge", "split"},
	"quicksort":             {"sort", "split"},
	"heap":                  {"heap"},
	"sieve of Eratosthenes": {"prime"},
	"Euclid's algorithm":    {"gcd"},
	"backtracking":          {"recursion"},
	"permutations":          {"permutation"},
	"subsets":               {"subset"},
	"hash table":            {"count", "duplicate"},
	"recursion":             {"recursion"},
}

// withConcepts is text followed by the concept tokens it names.
func withConcepts(text string) string {
	return text + "\n" + strings.Join(concepts(text), " ")
}

// codeConcepts reads concepts from a program's structure: the library
// calls it makes, the operations it uses, and the families found.
func codeConcepts(code string, families []string) []string {
	seen := map[string]bool{}
	add := func(cs ...string) {
		for _, c := range cs {
			seen[c] = true
		}
	}
	for _, f := range families {
		add(familyConcepts[f]...)
	}
	body := pyast.Parse(code)
	imports := map[string]string{}
	pushed, popped := map[string]bool{}, map[string]bool{}
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "import" {
			for _, n := range s.Names {
				full, alias, _ := strings.Cut(n, "=")
				imports[alias] = full
			}
		}
		if s.Kind == "augassign" && s.Target.Kind == "name" && (s.Op == "//=" || s.Op == "%=") && s.Value.Kind == "num" && s.Value.Name == "10" {
			add("digit")
		}
		if s.Kind == "augassign" && s.Op == "*=" && s.Target.Kind == "name" && s.Value.Kind == "name" && s.Value.Name == s.Target.Name {
			add("power", "square") // b *= b: squaring
		}
		if s.Kind == "while" && s.Value.Kind == "name" {
			// walking a chain: x = x.next
			pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
				if st.Kind == "assign" && len(st.Targets) == 1 {
					for i, t := range targetsOf(st.Targets[0]) {
						v := valueAt(st.Value, i)
						if t.Kind == "name" && t.Name == s.Value.Name && v != nil && v.Kind == "attr" && v.X.Kind == "name" && v.X.Name == t.Name {
							add("linked")
						}
					}
				}
				return true
			})
		}
		s.Exprs(func(e *pyast.Expr) bool {
			switch e.Kind {
			case "call":
				name := calleeName(e.X, imports)
				switch name {
				case "sorted", ".sort":
					add("sort")
				case "reversed", ".reverse":
					add("reverse")
				case "max":
					add("max")
				case "min":
					add("min")
				case "sum":
					add("sum")
				case ".split", ".join", ".isalnum", ".isalpha", ".lower", ".upper", ".strip", ".isdigit":
					add("text")
				case "collections.Counter":
					add("count")
				case "collections.defaultdict":
					add("group")
				case "collections.deque", ".popleft", ".appendleft":
					add("queue")
				case "math.gcd":
					add("gcd")
				case "pow", "math.pow":
					add("power")
				case "math.factorial":
					add("factorial")
				case "functools.lru_cache", "functools.cache":
					add("memo")
				case ".append":
					if e.X.X.Kind == "name" {
						pushed[e.X.X.Name] = true
					}
				case ".pop":
					if e.X.X.Kind == "name" && len(e.Args) == 0 {
						popped[e.X.X.Name] = true
					}
				}
				if strings.HasPrefix(name, "heapq.") {
					add("heap")
				}
				if strings.HasPrefix(name, "bisect.") {
					add("binary", "search")
				}
			case "sub":
				if e.Y != nil && e.Y.Kind == "slice" && e.Y.Z != nil && e.Y.Z.Kind == "unary" && e.Y.Z.Name == "-" {
					add("reverse")
				}
			case "bin":
				switch {
				case e.Name == "**" || e.Name == "*" && e.X.Kind == "name" && e.Y.Kind == "name" && e.X.Name == e.Y.Name:
					add("power", "square")
				case (e.Name == "%" || e.Name == "//") && e.Y.Kind == "num" && e.Y.Name == "10":
					add("digit")
				case e.Name == "%":
					add("prime")
				}
			case "str":
				for _, ch := range []string{"(", "[", "{"} {
					if strings.Contains(e.Name, ch) && strings.Contains(e.Name, map[string]string{"(": ")", "[": "]", "{": "}"}[ch]) {
						add("bracket")
					}
				}
			}
			return true
		})
		return true
	})
	for v := range pushed {
		if popped[v] {
			add("stack")
		}
	}
	add(behaviourConcepts(body)...)
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func targetsOf(e *pyast.Expr) []*pyast.Expr {
	if e.Kind == "tuple" {
		return e.Args
	}
	return []*pyast.Expr{e}
}

func valueAt(e *pyast.Expr, i int) *pyast.Expr {
	if e.Kind == "tuple" {
		if i < len(e.Args) {
			return e.Args[i]
		}
		return nil
	}
	if i == 0 {
		return e
	}
	return nil
}

// calleeName: a library callee's full name, ".method" for a method.
func calleeName(e *pyast.Expr, imports map[string]string) string {
	switch e.Kind {
	case "name":
		if full, ok := imports[e.Name]; ok {
			return full
		}
		return e.Name
	case "attr":
		if e.X.Kind == "name" {
			if full, ok := imports[e.X.Name]; ok {
				return full + "." + e.Name
			}
		}
		return "." + e.Name
	}
	return ""
}
