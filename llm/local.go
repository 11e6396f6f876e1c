package llm

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The local analyzer estimates complexity from a Python program's shape,
// without a model: loop nesting over input-sized ranges, halving loops,
// recursion (linear, branching, divide and conquer, memoised), sorting and
// common data-structure operations. It reads the source as indented lines,
// which is enough for these signals and needs no Python parser.

// cost is a complexity term: n^poly · (log n)^logs, or exponential/factorial.
type cost struct {
	poly, logs int
	sqrt       bool
	exp, fact  bool
	graph      bool // O(V + E)-shaped
	heapGraph  bool // O((V + E) log V)
}

func (c cost) times(o cost) cost {
	return cost{poly: c.poly + o.poly, logs: c.logs + o.logs, sqrt: c.sqrt || o.sqrt, exp: c.exp || o.exp,
		fact: c.fact || o.fact, graph: c.graph || o.graph, heapGraph: c.heapGraph || o.heapGraph}
}

func (c cost) rank() float64 {
	switch {
	case c.fact:
		return 1e9
	case c.exp:
		return 1e8
	}
	r := float64(c.poly) + 0.1*float64(c.logs)
	if c.sqrt {
		r += 0.5
	}
	if c.heapGraph {
		r = max(r, 1.15)
	} else if c.graph {
		r = max(r, 1.05)
	}
	return r
}

func maxCost(a, b cost) cost {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

func (c cost) String() string {
	switch {
	case c.fact:
		return "O(n!)"
	case c.exp:
		return "O(2^n)"
	case c.heapGraph && c.poly <= 1:
		return "O((V + E) log V)"
	case c.graph && c.poly <= 1 && c.logs == 0:
		return "O(V + E)"
	}
	var parts []string
	switch {
	case c.poly == 1:
		parts = append(parts, "n")
	case c.poly > 1:
		parts = append(parts, fmt.Sprintf("n^%d", c.poly))
	}
	if c.sqrt {
		parts = append(parts, "sqrt(n)")
	}
	switch {
	case c.logs == 1:
		parts = append(parts, "log n")
	case c.logs > 1:
		parts = append(parts, fmt.Sprintf("log^%d n", c.logs))
	}
	if len(parts) == 0 {
		return "O(1)"
	}
	return "O(" + strings.Join(parts, " ") + ")"
}

var (
	linear   = cost{poly: 1}
	logN     = cost{logs: 1}
	nLogN    = cost{poly: 1, logs: 1}
	constant = cost{}
)

type srcLine struct {
	indent int
	text   string
}

// lines splits source into code lines without comments, docstrings or blanks.
func lines(src string) []srcLine {
	var out []srcLine
	inDoc := ""
	for _, raw := range strings.Split(strings.ReplaceAll(src, "\t", "    "), "\n") {
		t := strings.TrimSpace(raw)
		if inDoc != "" {
			if strings.Contains(t, inDoc) {
				inDoc = ""
			}
			continue
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(t, q) || strings.Contains(t, "= "+q) {
				if strings.Count(t, q) == 1 {
					inDoc = q
				}
				if strings.HasPrefix(t, q) {
					t = ""
				}
			}
		}
		t = stripComment(t)
		if t == "" {
			continue
		}
		out = append(out, srcLine{indent: len(raw) - len(strings.TrimLeft(raw, " \t")), text: t})
	}
	return out
}

func stripComment(t string) string {
	var quote rune
	for i, r := range t {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		case quote == 0 && r == '#':
			return strings.TrimSpace(t[:i])
		}
	}
	return t
}

// block returns the index just past the body of the header at i.
func block(ls []srcLine, i int) int {
	j := i + 1
	for j < len(ls) && ls[j].indent > ls[i].indent {
		j++
	}
	return j
}

var (
	reFor        = regexp.MustCompile(`^(async\s+)?for\s+(.+?)\s+in\s+(.+):$`)
	reWhile      = regexp.MustCompile(`^while\s+(.+):$`)
	reDef        = regexp.MustCompile(`^(async\s+)?def\s+(\w+)\s*\((.*)\)`)
	reRangeConst = regexp.MustCompile(`^range\(\s*\d+\s*(,\s*\d+\s*)*\)$`)
	reHalving    = regexp.MustCompile(`(//=?\s*2\b|/=\s*2\b|\*=\s*2\b|>>=\s*1|<<=\s*1|\*\s*2\b)`)
	reLinearCall = regexp.MustCompile(`\b(sum|max|min|any|all|reversed|list|set|dict|tuple|Counter)\(|\.(index|count|remove|copy|extend|split|lower|upper|replace|join)\(|\.pop\(0\)|\.insert\(0|\bin\s+\w+\s*(\)|$|:|\band\b|\bor\b)|\[::-1\]`)
	reSort       = regexp.MustCompile(`\bsorted\(|\.sort\(`)
	reHeapOp     = regexp.MustCompile(`heapq\.(heappush|heappop|heapreplace|heappushpop)|\bheappush\(|\bheappop\(`)
	reNeighbours = regexp.MustCompile(`for\s+\w+(\s*,\s*\w+)?\s+in\s+(graph|adj\w*|g|neighbou?rs\w*)\b.*\[|in\s+(graph|adj\w*)\.get\(|\.neighbou?rs\(`)
)

type containerKind int

const (
	kindUnknown containerKind = iota
	kindList
	kindHash // dict, set, Counter, defaultdict: O(1) membership
)

var (
	reHashInit = regexp.MustCompile(`^(\w+)\s*(:\s*[\w\[\], ]+)?=\s*(\{|set\(|dict\(|defaultdict\(|Counter\(|frozenset\()`)
	reListInit = regexp.MustCompile(`^(\w+)\s*(:\s*[\w\[\], ]+)?=\s*(\[|list\(|sorted\()`)
	reMember   = regexp.MustCompile(`\bin\s+(\w+)\s*(\)|$|:|\band\b|\bor\b)`)
	reRemove   = regexp.MustCompile(`\b(\w+)\.(remove|discard)\(`)
)

// containerKinds guesses which names hold lists and which hash tables,
// from how they are first assigned.
func containerKinds(ls []srcLine) map[string]containerKind {
	kinds := map[string]containerKind{}
	for _, l := range ls {
		if m := reHashInit.FindStringSubmatch(l.text); m != nil {
			kinds[m[1]] = kindHash
		} else if m := reListInit.FindStringSubmatch(l.text); m != nil {
			if _, seen := kinds[m[1]]; !seen {
				kinds[m[1]] = kindList
			}
		}
	}
	for _, name := range []string{"seen", "visited", "memo", "cache"} {
		if _, ok := kinds[name]; !ok {
			kinds[name] = kindHash
		}
	}
	return kinds
}

// loopCost is what one iteration count of a loop header amounts to.
func loopCost(ls []srcLine, i int) cost {
	t := ls[i].text
	body := joined(ls[i+1 : block(ls, i)])
	if m := reFor.FindStringSubmatch(t); m != nil {
		iter := strings.TrimSpace(m[3])
		switch {
		case reRangeConst.MatchString(iter), strings.HasPrefix(iter, "[") && !strings.Contains(iter, " for "), strings.HasPrefix(iter, "("), strings.HasPrefix(iter, "'"), strings.HasPrefix(iter, `"`):
			return constant
		case strings.Contains(iter, "sqrt") || strings.Contains(iter, "** 0.5") || strings.Contains(iter, "**0.5") || strings.Contains(iter, "isqrt"):
			return cost{sqrt: true}
		case reNeighbours.MatchString(t):
			return cost{graph: true}
		}
		return linear
	}
	cond := reWhile.FindStringSubmatch(t)[1]
	switch {
	case reEuclid.MatchString(body):
		return logN // a, b = b, a % b
	case reHalving.MatchString(body) && !strings.Contains(body, "+= 1") && !strings.Contains(body, "-= 1") || isBinarySearchLoop(cond, body):
		return logN
	case strings.Contains(cond, "*") && strings.Contains(cond, "<=") && strings.Contains(body, "+= 1"):
		return cost{sqrt: true} // while i * i <= n
	case strings.Contains(body, "popleft()") || strings.Contains(body, ".pop()") || strings.Contains(body, "heappop("):
		return cost{graph: true} // draining a queue, stack or heap of nodes
	}
	return linear
}

var reEuclid = regexp.MustCompile(`(\w+),\s*(\w+)\s*=\s*(\w+),\s*(\w+)\s*%\s*(\w+)`)

func isBinarySearchLoop(cond, body string) bool {
	return strings.Contains(body, "mid") && (strings.Contains(body, "// 2") || strings.Contains(body, "//2") || strings.Contains(body, ">> 1")) &&
		(strings.Contains(cond, "<") || strings.Contains(cond, ">"))
}

func joined(ls []srcLine) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// stmtCost is the cost of one simple statement (or a loop's condition).
func stmtCost(t string, kinds map[string]containerKind) cost {
	c := constant
	if reSort.MatchString(t) {
		c = maxCost(c, nLogN)
	}
	if reHeapOp.MatchString(t) {
		c = maxCost(c, logN)
	}
	if strings.HasPrefix(t, "def ") || strings.HasPrefix(t, "for ") {
		return c
	}
	for _, m := range reLinearCall.FindAllStringSubmatchIndex(t, -1) {
		call := t[m[0]:m[1]]
		switch {
		case strings.HasPrefix(call, "in "):
			name := reMember.FindStringSubmatch(call)
			if name == nil || kinds[name[1]] != kindList {
				continue // membership in a set, a dict, or something unknown
			}
		case strings.HasSuffix(call, "(") || strings.Contains(call, "(") && !strings.HasPrefix(call, "."):
			if topLevelComma(t[m[1]-1:]) && !strings.HasPrefix(call, ".") {
				continue // max(a, b) compares two values
			}
		}
		if rm := reRemove.FindStringSubmatch(call); rm != nil && kinds[rm[1]] == kindHash {
			continue
		}
		if strings.HasPrefix(call, ".remove(") || strings.HasPrefix(call, ".discard(") {
			if owner := reRemove.FindStringSubmatch(t); owner != nil && kinds[owner[1]] != kindList {
				continue
			}
		}
		c = maxCost(c, linear)
	}
	return c
}

// topLevelComma reports whether the call whose arguments start at s has
// more than one argument.
func topLevelComma(s string) bool {
	depth := 0
	for i, r := range s {
		switch r {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return false
			}
		case ',':
			if depth == 1 && i > 0 {
				return true
			}
		}
	}
	return false
}

// blockCost is the cost of ls[from:to]; calls to recursive functions are
// charged separately.
func blockCost(ls []srcLine, from, to int, kinds map[string]containerKind) cost {
	return blockCostIn(ls, from, to, kinds, "")
}

// blockCostIn is blockCost inside a for loop whose body is forBody: a
// while loop there that only advances a pointer kept across iterations
// (a sliding window's left edge) is amortised over the outer loop.
func blockCostIn(ls []srcLine, from, to int, kinds map[string]containerKind, forBody string) cost {
	total := constant
	for i := from; i < to; {
		t := ls[i].text
		switch {
		case reDef.MatchString(t) || strings.HasPrefix(t, "class "):
			i = block(ls, i)
			continue
		case reFor.MatchString(t) || reWhile.MatchString(t):
			end := block(ls, i)
			lc := loopCost(ls, i)
			body := joined(ls[i+1 : end])
			innerFor := ""
			if reFor.MatchString(t) {
				innerFor = body
			} else if forBody != "" && amortised(body, forBody) {
				lc = constant
			}
			inner := blockCostIn(ls, i+1, end, kinds, innerFor)
			if cond := reWhile.FindStringSubmatch(t); cond != nil {
				inner = maxCost(inner, stmtCost("x = "+cond[1], kinds))
			}
			if lc.graph && inner.graph {
				inner.graph = false // neighbours of each node: V + E together
			}
			if lc.graph && reHeapOp.MatchString(joined(ls[i+1:end])) {
				lc, inner = cost{heapGraph: true}, constant
			}
			total = maxCost(total, lc.times(inner))
			i = end
			continue
		}
		if strings.Contains(t, " for ") && strings.Contains(t, " in ") && (strings.Contains(t, "[") || strings.Contains(t, "(")) {
			total = maxCost(total, comprehensionCost(t))
		}
		total = maxCost(total, stmtCost(t, kinds))
		i++
	}
	return total
}

var reIncrement = regexp.MustCompile(`\b(\w+)\s*\+=\s*1\b`)

func amortised(whileBody, forBody string) bool {
	m := reIncrement.FindStringSubmatch(whileBody)
	if m == nil {
		return false
	}
	reset := regexp.MustCompile(`(^|\n)\s*` + regexp.QuoteMeta(m[1]) + `\s*=[^=]`)
	return !reset.MatchString(forBody)
}

func comprehensionCost(t string) cost {
	n := strings.Count(t, " for ")
	c := cost{poly: n}
	if strings.Contains(t, "range(") && reRangeConst.MatchString(strings.TrimSpace(between(t, " in ", "]"))) {
		c.poly--
	}
	return c
}

func between(s, a, b string) string {
	_, rest, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(rest, b)
	return in
}

type function struct {
	name           string
	start, end     int
	decorators     string
	selfCalls      int
	body           string
	memoised       bool
	halving        bool
	callInLoop     bool
	treeRecursion  bool
	permutationish bool
	graphWalk      bool
}

// effectiveCalls counts the self-calls that can happen in one activation:
// calls in separate "return f(...)" branches are alternatives, so they
// count once together.
func effectiveCalls(body []srcLine, call *regexp.Regexp) int {
	n, branches := 0, 0
	for _, l := range body {
		k := len(call.FindAllStringIndex(l.text, -1))
		if k == 1 && strings.HasPrefix(l.text, "return ") {
			branches = 1
			continue
		}
		n += k
	}
	return n + branches
}

func functions(ls []srcLine) []function {
	var out []function
	for i, l := range ls {
		m := reDef.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		f := function{name: m[2], start: i, end: block(ls, i)}
		for j := i - 1; j >= 0 && strings.HasPrefix(ls[j].text, "@"); j-- {
			f.decorators += ls[j].text + " "
		}
		f.body = joined(ls[i+1 : f.end])
		call := regexp.MustCompile(`\b` + regexp.QuoteMeta(f.name) + `\(([^)]*)`)
		calls := call.FindAllStringSubmatch(f.body, -1)
		f.selfCalls = effectiveCalls(ls[i+1:f.end], call)
		f.graphWalk = f.selfCalls > 0 && strings.Contains(f.body, "visited") && reNeighbours.MatchString(f.body)
		for _, c := range calls {
			args := c[1]
			if strings.Contains(args, "mid") || strings.Contains(args, "// 2") || strings.Contains(args, "//2") || strings.Contains(args, "/ 2") {
				f.halving = true
			}
			if strings.Contains(args, ".left") || strings.Contains(args, ".right") || strings.Contains(args, ".children") || strings.Contains(args, "child") {
				f.treeRecursion = true
			}
		}
		if strings.Contains(f.body, "[:mid]") || strings.Contains(f.body, "[mid:]") || strings.Contains(f.body, "len(") && strings.Contains(f.body, "// 2") {
			f.halving = f.halving || f.selfCalls > 0
		}
		lower := strings.ToLower(f.decorators + f.body)
		f.memoised = strings.Contains(f.decorators, "cache") || strings.Contains(lower, "memo") ||
			(strings.Contains(lower, " in cache") || strings.Contains(lower, "cache["))
		for j := f.start + 1; j < f.end; j++ {
			if (reFor.MatchString(ls[j].text) || reWhile.MatchString(ls[j].text)) && call.MatchString(joined(ls[j+1:block(ls, j)])) {
				f.callInLoop = true
			}
		}
		f.permutationish = f.callInLoop && (strings.Contains(lower, "perm") || strings.Contains(lower, "used") || strings.Contains(lower, "swap") ||
			strings.Contains(f.body, "[:i]") || strings.Contains(f.body, "[i + 1:]") || strings.Contains(f.body, "[i+1:]"))
		out = append(out, f)
	}
	return out
}

// recursionCost is a recursive function's total time and stack depth.
func recursionCost(ls []srcLine, f function, kinds map[string]containerKind) (time, depth cost) {
	body := blockCost(ls, f.start+1, f.end, kinds)
	linearWork := body.poly >= 1 || strings.Contains(f.body, "merge") || strings.Contains(f.body, "[:mid]")
	pivot := strings.Contains(f.body, "pivot") || strings.Contains(f.body, "partition")
	switch {
	case f.memoised:
		states := linear
		if strings.Count(between(ls[f.start].text, "(", ")"), ",") >= 1 && !strings.Contains(f.decorators, "cache") && strings.Contains(f.body, "][") {
			states = cost{poly: 2}
		}
		return states.times(body), linear
	case f.treeRecursion:
		return linear, linear
	case f.graphWalk:
		return cost{graph: true}, linear
	case f.permutationish:
		return cost{fact: true}, linear
	case f.callInLoop && f.selfCalls >= 1:
		return cost{exp: true}, linear
	case pivot && f.selfCalls >= 2:
		return nLogN, logN
	case f.halving && f.selfCalls >= 2:
		if linearWork {
			return nLogN, linear
		}
		return linear, logN
	case f.halving:
		return logN.times(body), logN
	case f.selfCalls >= 2:
		return cost{exp: true}, linear
	}
	return linear.times(body), linear
}

// Analysis is an estimate of a program's complexity.
type Analysis struct {
	Time, Space string
	Families    []string // algorithm families recognised, e.g. "binary search"
	Narrative   string   // Markdown
}

// AnalyzeLocal estimates the complexity of a Python program.
func AnalyzeLocal(code string) Analysis {
	a, _ := analyzeLocal(context.Background(), code)
	return a
}

// analyzeLocal is AnalyzeLocal that stops, with ctx's error, when ctx ends.
// Its work is close to linear in the size of the code.
func analyzeLocal(ctx context.Context, code string) (Analysis, error) {
	ls := lines(code)
	kinds := containerKinds(ls) // once: every block's cost consults it
	time := blockCost(ls, 0, len(ls), kinds)
	space := spaceCost(ls, kinds)
	if err := ctx.Err(); err != nil {
		return Analysis{}, err
	}
	fns := functions(ls)
	for _, f := range fns {
		if err := ctx.Err(); err != nil {
			return Analysis{}, err
		}
		if f.selfCalls == 0 {
			time = maxCost(time, blockCost(ls, f.start+1, f.end, kinds))
			continue
		}
		t, d := recursionCost(ls, f, kinds)
		time = maxCost(time, t)
		space = maxCost(space, d)
	}
	fams := families(code, fns)
	a := Analysis{Time: NormalizeBigO(time.String()), Space: NormalizeBigO(space.String()), Families: fams}
	if slices.Contains(fams, "sieve of Eratosthenes") {
		a.Time = NormalizeBigO("O(n log log n)") // the loops' shape (√n · n) overstates it
	}
	a.Narrative = narrative(a)
	return a, nil
}

var (
	reAlloc2D = regexp.MustCompile(`\[\s*\[.*\]\s*(\*\s*\(?\w|for\b.*\bfor\b|for\b)|\[\[.*for .* in .*\] for `)
	reAlloc1D = regexp.MustCompile(`\[[^\]]*\]\s*\*\s*\(?\w*[a-z]\w*|\[[^\]]*\bfor\b[^\]]*\]|\blist\(|\bset\(|\bdict\(|\{\s*\w+\s*:\s*\w+\s+for\b|sorted\(|\[::-1\]|\.append\(|\.add\(|deque\(|Counter\(|\.split\(`)
)

// spaceCost estimates extra memory from allocations proportional to the input.
func spaceCost(ls []srcLine, kinds map[string]containerKind) cost {
	c := constant
	for i, l := range ls {
		t := l.text
		if reDef.MatchString(t) {
			continue
		}
		switch {
		case reAlloc2D.MatchString(t):
			c = maxCost(c, cost{poly: 2})
		case reAlloc1D.MatchString(t) && !strings.Contains(t, "range(2)") && !allConstant(t):
			if (strings.Contains(t, ".append(") || strings.Contains(t, ".add(")) && !insideLoop(ls, i) {
				continue
			}
			c = maxCost(c, linear)
		case reAssignIndex.MatchString(t) && insideLoop(ls, i):
			// Assigning by key grows a dict; assigning by index into a list does not.
			if kinds[reAssignIndex.FindStringSubmatch(t)[1]] == kindHash {
				c = maxCost(c, linear)
			}
		}
	}
	return c
}

var reAssignIndex = regexp.MustCompile(`\b(\w+)\[[^\]]+\]\s*=[^=]`)

var reConstantList = regexp.MustCompile(`^\w+\s*=\s*\[[\d\s,'"]*\]$`)

func allConstant(t string) bool { return reConstantList.MatchString(t) }

func insideLoop(ls []srcLine, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if ls[j].indent < ls[i].indent {
			if reFor.MatchString(ls[j].text) || reWhile.MatchString(ls[j].text) {
				return true
			}
			if reDef.MatchString(ls[j].text) {
				return false
			}
		}
	}
	return false
}

// familyRules recognise algorithm families; each has the everyday phrasings
// that the local embedding adds, so a question in plain words finds them.
var familyRules = []struct {
	name    string
	match   func(code string) bool
	phrases string
}{
	{"binary search", func(c string) bool {
		return strings.Contains(c, "mid") && (strings.Contains(c, "// 2") || strings.Contains(c, "//2")) && (strings.Contains(c, "lo") || strings.Contains(c, "left") || strings.Contains(c, "low"))
	}, "find an item in a sorted list; search a sorted array; halve the search range; bisect; lookup in logarithmic time"},
	{"two pointers", func(c string) bool {
		return (strings.Contains(c, "left < right") || strings.Contains(c, "i < j") || strings.Contains(c, "lo < hi")) && strings.Contains(c, "-= 1") && !strings.Contains(c, "mid")
	}, "pair with a target sum; walk inward from both ends; palindrome check; reverse in place"},
	{"sliding window", func(c string) bool {
		return strings.Contains(c, "window") || (strings.Contains(c, "left += 1") && strings.Contains(c, "for right"))
	}, "longest substring; subarray with a sum; moving window over a sequence; running maximum"},
	{"breadth-first search", func(c string) bool { return strings.Contains(c, "popleft") }, "BFS; shortest path in an unweighted graph; level order traversal; explore a grid layer by layer"},
	{"depth-first search", func(c string) bool {
		return strings.Contains(c, "visited") && (strings.Contains(c, "def dfs") || strings.Contains(c, "stack") || strings.Contains(c, ".pop()")) && !strings.Contains(c, "popleft")
	}, "DFS; traverse a graph; connected components; flood fill; detect a cycle"},
	{"Dijkstra's algorithm", func(c string) bool {
		return strings.Contains(c, "heap") && (strings.Contains(c, "dist") || strings.Contains(c, "graph"))
	}, "shortest path in a weighted graph; route planning; priority queue of distances"},
	{"dynamic programming", func(c string) bool {
		return strings.Contains(c, "dp[") || strings.Contains(c, "dp =") || strings.Contains(c, "memo") || strings.Contains(c, "lru_cache") || strings.Contains(c, "@cache")
	}, "DP; memoization; overlapping subproblems; knapsack; longest common subsequence; count the ways"},
	{"bubble sort", func(c string) bool {
		return strings.Contains(c, "bubble") || regexp.MustCompile(`\[j\],\s*\w+\[j\s*\+\s*1\]\s*=\s*\w+\[j\s*\+\s*1\],\s*\w+\[j\]`).MatchString(c)
	}, "sort a list by swapping neighbours; simple quadratic sorting"},
	{"insertion sort", func(c string) bool {
		return strings.Contains(c, "insertion") || strings.Contains(c, "key = ") && strings.Contains(c, "while j >= 0")
	},
		"sort a list by inserting each item into place; sorting algorithm"},
	{"selection sort", func(c string) bool {
		return strings.Contains(c, "selection") || strings.Contains(c, "min_idx") || strings.Contains(c, "min_index")
	},
		"sort a list by selecting the minimum; sorting algorithm"},
	{"merge sort", func(c string) bool { return strings.Contains(c, "merge") && strings.Contains(c, "mid") }, "sort a list by splitting and merging; divide and conquer sorting; stable sort"},
	{"quicksort", func(c string) bool { return strings.Contains(c, "pivot") }, "sort a list around a pivot; partition; divide and conquer sorting"},
	{"heap", func(c string) bool { return strings.Contains(c, "heapq") }, "priority queue; k largest or smallest items; top k"},
	{"sieve of Eratosthenes", func(c string) bool {
		return strings.Contains(c, "sieve") || strings.Contains(c, "is_prime") && strings.Contains(c, "range(i * i")
	},
		"find all primes up to n; prime numbers"},
	{"Euclid's algorithm", func(c string) bool { return strings.Contains(c, "gcd") }, "greatest common divisor; lowest common multiple"},
	{"backtracking", func(c string) bool {
		return strings.Contains(c, "backtrack") || strings.Contains(c, "permut") || strings.Contains(c, "subsets")
	}, "try every choice and undo it; combinations; n queens; search all choices"},
	{"permutations", func(c string) bool { return strings.Contains(c, "permut") }, "generate all permutations; every ordering of the items"},
	{"subsets", func(c string) bool { return strings.Contains(c, "subset") || strings.Contains(c, "powerset") }, "all subsets; power set; every combination of items"},
	{"hash table", func(c string) bool {
		return strings.Contains(c, "= set()") || strings.Contains(c, "= {}") || strings.Contains(c, "counter(") || strings.Contains(c, "defaultdict")
	},
		"count occurrences; seen before; duplicates; frequency; dictionary lookup"},
	{"recursion", func(c string) bool { return false }, "a function that calls itself"},
}

func families(code string, fns []function) []string {
	lower := strings.ToLower(code)
	var out []string
	for _, r := range familyRules {
		if r.match(lower) {
			out = append(out, r.name)
		}
	}
	for _, f := range fns {
		if f.selfCalls > 0 && !slices.Contains(out, "recursion") {
			out = append(out, "recursion")
		}
	}
	return out
}

// FamilyPhrases are the everyday phrasings of the families named.
func FamilyPhrases(names []string) string {
	var b strings.Builder
	for _, r := range familyRules {
		if slices.Contains(names, r.name) {
			b.WriteString(r.name + "; " + r.phrases + ". ")
		}
	}
	return b.String()
}

func narrative(a Analysis) string {
	alg := "No classic algorithm pattern was recognised; the estimate follows the loops, recursion and library calls."
	if len(a.Families) > 0 {
		alg = "Recognised: " + strings.Join(a.Families, ", ") + "."
	}
	return "## Algorithm\n\n" + alg + "\n\n## Time Complexity\n\n$" + latex(a.Time) + "$ — estimated from loop nesting, recursion shape and " +
		"the cost of library calls (sorting is $O(n \\log n)$, heap operations $O(\\log n)$).\n\n" +
		"## Space Complexity\n\n$" + latex(a.Space) + "$ — extra memory beyond the input: collections that grow with it and the recursion depth.\n\n" +
		"*Local estimate: computed on this server without a language model; it reads the code's structure and can be wrong for unusual code.*\n"
}

// latex renders a canonical Big-O string for KaTeX.
func latex(o string) string {
	r := strings.NewReplacer("log n", `\log n`, "log V", `\log V`, "sqrt(n)", `\sqrt{n}`, "^n", "^{n}", "^2", "^{2}", "^3", "^{3}")
	return r.Replace(o)
}
