package analysis

import (
	"strings"

	"github.com/coderemote/coderemote/analysis/pyast"
)

// What a program does, read from its shape, as concepts for search: the
// problem a table, a loop or a recursion solves, in the words a person
// would use to ask for it (conceptGroups). Every rule below keys on
// operators, the shape of indices and how values flow — never on the
// names the programmer chose.
var behaviourGroups = map[string][]string{
	"align":        {"align", "alignment", "subsequence", "in common", "shared", "common subsequence"},
	"capacity":     {"capacity", "knapsack", "bag", "budget", "weight limit", "fit", "valuable"},
	"ways":         {"ways", "number of ways", "how many ways", "combinations", "change", "coin", "denomination", "pay", "amount", "make change"},
	"increasing":   {"increasing", "ascending", "growing", "monotonic", "strictly"},
	"greater":      {"next greater", "greater", "larger", "bigger", "next larger", "to its right"},
	"schedule":     {"topological", "prerequisite", "dependency", "depend", "depends", "schedule", "precede", "tasks", "job"},
	"allpairs":     {"all pairs", "every pair", "floyd", "warshall", "between every"},
	"bits":         {"bit", "bits", "binary representation", "set bit", "popcount", "population count", "ones"},
	"hanoi":        {"hanoi", "tower", "disc", "disk", "peg", "puzzle", "moves"},
	"stairs":       {"stair", "staircase", "step", "steps", "climb"},
	"median":       {"median", "middle value", "middle element"},
	"intersection": {"intersection", "common", "in both", "appear in both", "shared"},
	"modular":      {"modulo", "modulus", "modular", "mod"},
	"height":       {"height", "levels", "deepest", "tall"},
	"substring":    {"substring", "pattern", "needle", "inside", "first occurs"},
	"fifo":         {"fifo", "first in first out", "first-in first-out", "queue from stacks", "last-in first-out piles"},
	"products":     {"product", "products", "multiplication", "times table", "grid of products"},
}

// behaviourConcepts are the concepts body's shapes show.
func behaviourConcepts(body []*pyast.Stmt) []string {
	var out []string
	add := func(cs ...string) { out = append(out, cs...) }
	var visit func(body []*pyast.Stmt, loops []*pyast.Stmt)
	visit = func(body []*pyast.Stmt, loops []*pyast.Stmt) {
		for _, s := range body {
			switch s.Kind {
			case "for", "while":
				if s.Kind == "while" && drainsInto(s) {
					add("fifo", "queue", "stack")
				}
				if s.Kind == "while" && popsWhileSmaller(s) {
					add("greater", "stack")
				}
				if s.Kind == "while" && shiftsBits(s) {
					add("bits")
				}
				if s.Kind == "while" && descends(s) {
					add("tree", "search")
				}
				visit(s.Body, append(loops, s))
				continue
			case "assign", "augassign":
				tableRules(s, loops, add)
				if len(loops) > 0 && extendsOrRestarts(s) {
					add("window", "max", "sum") // c = max(x, c + x): the best run ending here
				}
				if s.Kind == "augassign" && s.Op == "-=" && s.Target.Kind == "sub" && decrementsToZeroTest(body, s.Target) {
					add("schedule", "graph") // in-degrees counted down to zero: an order that respects dependencies
				}
			case "return":
				if s.Value != nil && isOnePlusMaxOfTwoCalls(s.Value) {
					add("height", "tree")
				}
			}
			s.Exprs(func(e *pyast.Expr) bool {
				switch {
				case e.Kind == "cmp" && len(e.Ops) == 1 && e.Ops[0] == "==" && isSliceByLen(e.Args[0]):
					add("substring", "search", "text")
				case e.Kind == "cmp" && len(e.Ops) == 1 && e.Ops[0] == "==" && isCallOf(e.Args[0], "collections.Counter", "Counter", "sorted") && isCallOf(e.Args[1], "collections.Counter", "Counter", "sorted"):
					add("anagram", "text")
				case e.Kind == "sub" && e.X.Kind == "call" && isCallOf(e.X, "sorted") && isHalfOfLen(e.Y):
					add("median")
				case e.Kind == "sub" && e.X.Kind == "name" && isHalfOfLen(e.Y):
					add("median")
				case e.Kind == "bin" && e.Name == "%" && e.Y.Kind == "name" && len(loops) > 0:
					add("modular")
				case e.Kind == "comp" && len(e.Gens) == 1 && len(e.Gens[0].Ifs) == 1 && isMembershipOf(e.Gens[0].Ifs[0], e.Gens[0].Target):
					add("intersection")
				case e.Kind == "comp" && e.X.Kind == "bin" && e.X.Name == "*" && len(e.Gens) == 1 && e.X.X.Kind == "name" && e.X.Y.Kind == "name":
					add("products")
				case e.Kind == "comp" && e.X.Kind == "comp" && e.X.X.Kind == "bin" && e.X.X.Name == "*":
					add("products", "matrix")
				}
				return true
			})
			for _, b := range s.Blocks() {
				visit(b, loops)
			}
		}
	}
	visit(body, nil)
	if tallies(body) && repeatsOut(body) {
		add("sort", "count") // counts per value, then each value repeated as often: counting sort
	}
	for _, f := range functionsOf(body) {
		if recursesWithParamsShuffled(f) {
			add("hanoi", "recursion")
		}
	}
	return out
}

// tableRules reads what a table assignment inside loops computes.
func tableRules(s *pyast.Stmt, loops []*pyast.Stmt, add func(...string)) {
	var target, value *pyast.Expr
	switch s.Kind {
	case "assign":
		if len(s.Targets) != 1 {
			return
		}
		target, value = s.Targets[0], s.Value
	case "augassign":
		target, value = s.Target, s.Value
		if s.Op == "+=" && target.Kind == "sub" && value.Kind == "sub" && baseName(value) == baseName(target) && indexShiftedBy(value.Y) {
			// w[x] += w[x - c]: the ways to reach x from x - c
			add("ways", "dp")
		}
		return
	}
	if target.Kind != "sub" || baseName(target) == "" {
		return
	}
	table := baseName(target)
	depth := 0 // subscripts on the target: 1 for d[i], 2 for d[i][j]
	for x := target; x.Kind == "sub"; x = x.X {
		depth++
	}
	reads := func(e *pyast.Expr) bool { return readsOtherEntry(e, table, target) }
	switch {
	case depth == 2 && len(loops) >= 2 && comparesElementsOfTwo(value):
		// t[i][j] from t's neighbours when a[i] == b[j]: aligning two sequences
		add("align", "text", "dp")
		if callsNamed(value, "min") {
			add("edit")
		}
	case depth == 2 && len(loops) >= 3 && value.Kind == "bin" && value.Name == "+" && reads(value):
		// d[i][j] against d[i][k] + d[k][j]: shortest paths between all pairs
		add("allpairs", "path", "graph")
	case depth == 1 && callsNamed(value, "max") && reads(value) && len(loops) >= 2:
		if innerRangeBackwards(loops) {
			add("capacity", "dp") // d[j] = max(d[j], d[j - w] + v), capacity downwards
		} else if readsPlusOne(value) {
			add("increasing", "dp") // d[i] = max(d[i], d[j] + 1) over earlier j
		}
	case depth == 1 && value.Kind == "bin" && value.Name == "+" && readsPreviousTwo(value, table):
		add("stairs", "ways", "fibonacci", "dp") // d[i] = d[i - 1] + d[i - 2]
	}
}

// comparesElementsOfTwo: e tests x[i] == y[j] for two different sequences.
func comparesElementsOfTwo(e *pyast.Expr) bool {
	found := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "cmp" && len(x.Ops) == 1 && (x.Ops[0] == "==" || x.Ops[0] == "!=") &&
			x.Args[0].Kind == "sub" && x.Args[1].Kind == "sub" && baseName(x.Args[0]) != "" && baseName(x.Args[0]) != baseName(x.Args[1]) {
			found = true
		}
		return true
	})
	return found
}

// indexShiftedBy: an index x - c.
func indexShiftedBy(idx *pyast.Expr) bool {
	return idx != nil && idx.Kind == "bin" && idx.Name == "-"
}

func callsNamed(e *pyast.Expr, name string) bool {
	found := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "call" && x.X.Kind == "name" && x.X.Name == name {
			found = true
		}
		return true
	})
	return found
}

// innerRangeBackwards: the innermost loop runs over range(…, …, -1).
func innerRangeBackwards(loops []*pyast.Stmt) bool {
	l := loops[len(loops)-1]
	if l.Kind != "for" || l.Value.Kind != "call" || l.Value.X.Kind != "name" || l.Value.X.Name != "range" {
		return false
	}
	args := positional(l.Value.Args)
	return len(args) == 3 && args[2].Kind == "unary" && args[2].Name == "-"
}

// readsPlusOne: e adds 1 to an entry it reads (d[j] + 1).
func readsPlusOne(e *pyast.Expr) bool {
	found := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "bin" && x.Name == "+" && x.X.Kind == "sub" && x.Y.Kind == "num" && x.Y.Name == "1" {
			found = true
		}
		return true
	})
	return found
}

// readsPreviousTwo: table[i - 1] and table[i - 2] both read.
func readsPreviousTwo(e *pyast.Expr, table string) bool {
	offsets := map[string]bool{}
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "sub" && x.X.Kind == "name" && x.X.Name == table && x.Y != nil && x.Y.Kind == "bin" && x.Y.Name == "-" && x.Y.Y.Kind == "num" {
			offsets[x.Y.Y.Name] = true
		}
		return true
	})
	return offsets["1"] && offsets["2"]
}

// drainsInto: while a: b.append(a.pop()) — one stack poured into another.
func drainsInto(s *pyast.Stmt) bool {
	if len(s.Body) != 1 || s.Value.Kind != "attr" && s.Value.Kind != "name" {
		return false
	}
	e := s.Body[0].Value
	return s.Body[0].Kind == "expr" && e != nil && e.Kind == "call" && e.X.Kind == "attr" && e.X.Name == "append" &&
		len(e.Args) == 1 && e.Args[0].Kind == "call" && e.Args[0].X.Kind == "attr" && e.Args[0].X.Name == "pop" &&
		len(e.Args[0].Args) == 0 && sameExpr(e.Args[0].X.X, s.Value)
}

// popsWhileSmaller: while st and a[st[-1]] < x: … st.pop() … — a stack of
// what has not yet met a larger value.
func popsWhileSmaller(s *pyast.Stmt) bool {
	c := s.Value
	if c.Kind != "bool" || c.Name != "and" || len(c.Args) != 2 || c.Args[1].Kind != "cmp" {
		return false
	}
	st := c.Args[0]
	top := false
	c.Args[1].Walk(func(x *pyast.Expr) bool {
		if x.Kind == "sub" && sameExpr(x.X, st) && x.Y.Kind == "unary" && x.Y.Name == "-" {
			top = true
		}
		return true
	})
	pops := false
	pyast.WalkStmts(s.Body, func(b *pyast.Stmt) bool {
		b.Exprs(func(x *pyast.Expr) bool {
			if x.Kind == "call" && x.X.Kind == "attr" && x.X.Name == "pop" && sameExpr(x.X.X, st) {
				pops = true
			}
			return true
		})
		return true
	})
	return top && pops
}

// shiftsBits: a loop that adds up n & 1 while shifting n right (counting
// the ones; testing n & 1 to square and multiply is fast power instead).
func shiftsBits(s *pyast.Stmt) bool {
	and, shift := false, false
	pyast.WalkStmts(s.Body, func(b *pyast.Stmt) bool {
		if b.Kind == "augassign" && b.Op == ">>=" {
			shift = true
		}
		if b.Kind == "augassign" && b.Op == "+=" && b.Value.Kind == "bin" && b.Value.Name == "&" && b.Value.Y.Kind == "num" && b.Value.Y.Name == "1" {
			and = true
		}
		return true
	})
	return and && shift
}

// isOnePlusMaxOfTwoCalls: 1 + max(f(t.a), f(t.b)).
func isOnePlusMaxOfTwoCalls(e *pyast.Expr) bool {
	if e.Kind != "bin" || e.Name != "+" {
		return false
	}
	m := e.Y
	if e.X.Kind != "num" {
		m = e.X
	}
	if m.Kind != "call" || m.X.Kind != "name" || m.X.Name != "max" || len(m.Args) != 2 {
		return false
	}
	for _, a := range m.Args {
		if a.Kind != "call" || len(a.Args) != 1 || a.Args[0].Kind != "attr" {
			return false
		}
	}
	return true
}

// isSliceByLen: h[i:i + len(p)].
func isSliceByLen(e *pyast.Expr) bool {
	if e.Kind != "sub" || e.Y == nil || e.Y.Kind != "slice" || e.Y.Y == nil {
		return false
	}
	found := false
	e.Y.Y.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "call" && x.X.Kind == "name" && x.X.Name == "len" {
			found = true
		}
		return true
	})
	return found
}

func isCallOf(e *pyast.Expr, names ...string) bool {
	if e.Kind != "call" {
		return false
	}
	n := calleeName(e.X, map[string]string{"Counter": "collections.Counter"})
	for _, x := range names {
		if n == x {
			return true
		}
	}
	return false
}

// isMembershipOf: a test `v in s` of the comprehension's variable.
func isMembershipOf(e, target *pyast.Expr) bool {
	return e.Kind == "cmp" && len(e.Ops) == 1 && e.Ops[0] == "in" && sameExpr(e.Args[0], target) && e.Args[1].Kind == "name"
}

func functionsOf(body []*pyast.Stmt) []*pyast.Stmt {
	var out []*pyast.Stmt
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "def" {
			out = append(out, s)
		}
		return true
	})
	return out
}

// recursesWithParamsShuffled: two recursive calls that pass the same
// shrinking first argument and the other parameters in another order
// (moving a tower of discs between pegs).
func recursesWithParamsShuffled(def *pyast.Stmt) bool {
	var calls []*pyast.Expr
	pyast.WalkStmts(def.Body, func(s *pyast.Stmt) bool {
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "name" && e.X.Name == def.Name {
				calls = append(calls, e)
			}
			return true
		})
		return s.Kind != "def"
	})
	if len(calls) != 2 || len(calls[0].Args) < 3 || len(calls[0].Args) != len(calls[1].Args) {
		return false
	}
	params := map[string]bool{}
	for _, p := range def.Params {
		params[p.Name] = true
	}
	shuffled := 0
	for i := range calls[0].Args {
		a, b := calls[0].Args[i], calls[1].Args[i]
		if i == 0 {
			if !sameExpr(a, b) || a.Kind != "bin" || a.Name != "-" {
				return false
			}
			continue
		}
		if a.Kind == "name" && b.Kind == "name" && params[a.Name] && params[b.Name] && a.Name != b.Name {
			shuffled++
		}
	}
	return shuffled >= 2
}

// descends: a loop whose variable moves to one of two children.
func descends(s *pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(s.Body, func(b *pyast.Stmt) bool {
		if b.Kind == "assign" && len(b.Targets) == 1 && b.Targets[0].Kind == "name" {
			v, val := b.Targets[0].Name, b.Value
			if val.Kind == "ifexp" && isAttrOf(val.Y, v) && isAttrOf(val.Z, v) && val.Y.Name != val.Z.Name {
				found = true
			}
		}
		return true
	})
	return found
}

// extendsOrRestarts: c = max(x, c + x) (or the same with min).
func extendsOrRestarts(s *pyast.Stmt) bool {
	if s.Kind != "assign" || len(s.Targets) != 1 || s.Targets[0].Kind != "name" {
		return false
	}
	v, val := s.Targets[0].Name, s.Value
	if val.Kind != "call" || val.X.Kind != "name" || (val.X.Name != "max" && val.X.Name != "min") || len(val.Args) != 2 {
		return false
	}
	x, sum := val.Args[0], val.Args[1]
	return sum.Kind == "bin" && sum.Name == "+" && (sum.X.Kind == "name" && sum.X.Name == v && sameExpr(sum.Y, x) ||
		sum.Y.Kind == "name" && sum.Y.Name == v && sameExpr(sum.X, x))
}

// decrementsToZeroTest: after d[w] -= 1, the same block tests d[w] == 0.
func decrementsToZeroTest(body []*pyast.Stmt, target *pyast.Expr) bool {
	for _, s := range body {
		if s.Kind == "if" && s.Value.Kind == "cmp" && len(s.Value.Ops) == 1 && s.Value.Ops[0] == "==" &&
			sameExpr(s.Value.Args[0], target) && s.Value.Args[1].Kind == "num" && s.Value.Args[1].Name == "0" {
			return true
		}
	}
	return false
}

// behaviourPhrases are the everyday words of the behaviours among cs, which
// the document text carries so that a question in those words meets the
// program that never uses them.
func behaviourPhrases(cs []string) string {
	var out []string
	for _, c := range cs {
		if words, ok := behaviourGroups[c]; ok {
			out = append(out, strings.Join(words, "; "))
		}
	}
	return strings.Join(out, ". ")
}

// tallies: c[x] += 1 in a loop.
func tallies(body []*pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "augassign" && s.Op == "+=" && s.Target.Kind == "sub" && s.Value.Kind == "num" && s.Value.Name == "1" {
			found = true
		}
		return true
	})
	return found
}

// repeatsOut: out.extend([v] * k) — a value written out k times.
func repeatsOut(body []*pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "attr" && e.X.Name == "extend" && len(e.Args) == 1 &&
				e.Args[0].Kind == "bin" && e.Args[0].Name == "*" && e.Args[0].X.Kind == "list" && len(e.Args[0].X.Args) == 1 {
				found = true
			}
			return true
		})
		return true
	})
	return found
}
