package analysis

import (
	"slices"

	"github.com/coderemote/coderemote/analysis/pyast"
)

// Functions and recursion: how a recursive function's arguments shrink,
// how often it calls itself, and what it memoises.

func (a *analyzer) analyzeFn(f *fn) {
	if f.state != 0 {
		return
	}
	f.state = 1
	defer func() { f.state = 2 }()
	defer func() { f.time = maxCost(f.time, f.amortised) }()
	name := f.def.Name
	// Self-calls: name(...) or self.name(...) inside the body (nested defs
	// that are not the function itself included: a helper closure calling
	// the outer function is rare).
	var inLoop []bool
	walkWithLoops(f.def.Body, 0, func(e *pyast.Expr, loops int) {
		if e.Kind == "call" && (e.X.Kind == "name" && e.X.Name == name || e.X.Kind == "attr" && e.X.X.Kind == "name" && e.X.X.Name == "self" && e.X.Name == name) {
			f.selfCalls = append(f.selfCalls, e)
			inLoop = append(inLoop, loops > 0)
		}
	})
	f.isSelf = map[*pyast.Expr]bool{}
	for _, c := range f.selfCalls {
		f.isSelf[c] = true
	}
	f.memo = a.memoised(f)
	sc := &scope{f: f}
	body := a.blockCost(f.def.Body, sc)
	f.space = a.spaceOf(f.def.Body, sc)
	if len(f.selfCalls) == 0 {
		f.time = body
		return
	}
	a.fams["recursion"] = true
	f.loopsInner = slices.Contains(inLoop, true)
	shrink := a.shrinkOf(f)
	branches := maxBranches(f.def.Body, f.isSelf)
	depth := linear
	switch {
	case f.memo:
		// Each distinct argument tuple is computed once.
		states := linear
		if n := a.varyingParams(f); n >= 2 {
			states = cost{poly: n}
		}
		f.time = states.times(body)
		f.recursion = "memo"
		a.fams["dynamic programming"] = true
		f.space = maxCost(f.space, states)
		return
	case f.loopsInner && a.visitedGuard(f):
		f.time = cost{graph: true}.times(body)
		f.recursion = "graph"
		depth = linear
	case f.loopsInner && (shrink == "remove-one" || skipsTaken(f) || loopsFromParam(f)):
		f.time = cost{poly: 1, fact: true}
		f.recursion = "permute"
	case f.loopsInner:
		f.time = cost{exp: true}
		f.recursion = "branching"
		if shrink == "" {
			a.unsure = true
		}
	case shrink == "halve" && branches >= 2:
		// T(n) = b T(n/2) + f(n): the master theorem.
		f.recursion = "divide"
		f.time = masterTheorem(branches, body)
		depth = logN
	case shrink == "halve":
		f.recursion = "halving"
		if body.poly >= 1 {
			f.time = body // n + n/2 + … = O(n)
		} else {
			f.time = logN.times(body)
		}
		depth = logN
	case shrink == "structure":
		f.recursion = "tree"
		f.time = linear.times(body)
	case shrink == "" && branches >= 2:
		f.time = cost{exp: true}
		f.recursion = "branching"
		a.unsure, a.undetermined = true, true
	case branches >= 2:
		f.time = cost{exp: true}
		f.recursion = "branching"
		if copiesAtLeaf(f) {
			f.time = cost{poly: 1, exp: true} // each of the 2^n leaves copies what it chose
		}
	default:
		if shrink == "" {
			a.unsure, a.undetermined = true, true
		}
		f.recursion = "linear"
		f.time = linear.times(body)
	}
	f.space = maxCost(f.space, depth)
	if f.recursion == "divide" && f.space.rank() < 1 && body.poly >= 1 {
		f.space = linear
	}
}

// masterTheorem solves T(n) = b T(n/2) + work.
func masterTheorem(b int, work cost) cost {
	k := work.poly
	switch {
	case b == 1<<k: // b = 2^k: n^k log n
		return cost{poly: k, logs: work.logs + 1}
	case b < 1<<k:
		return work
	}
	// b > 2^k: n^log2(b), rounded up to a whole power (b = 3 gives n^1.58,
	// reported as n^2).
	p := 0
	for 1<<p < b {
		p++
	}
	return cost{poly: p}
}

// walkWithLoops calls f for every expression in body with the number of
// loops around it (nested defs included, whose loops count too).
func walkWithLoops(body []*pyast.Stmt, loops int, f func(*pyast.Expr, int)) {
	for _, s := range body {
		inner := loops
		if s.Kind == "for" || s.Kind == "while" {
			inner++
		}
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "comp" {
				e.Walk(func(x *pyast.Expr) bool { f(x, loops+1); return true })
				return false
			}
			f(e, loops)
			return true
		})
		if s.Kind == "for" || s.Kind == "while" {
			walkWithLoops(s.Body, inner, f)
			walkWithLoops(s.Else, loops, f)
			continue
		}
		for _, b := range s.Blocks() {
			walkWithLoops(b, loops, f)
		}
	}
}

// maxBranches: the most self-calls one run of the body can make, counting
// an if's branches as alternatives, and an if whose block returns as an
// alternative to the statements after it.
func maxBranches(body []*pyast.Stmt, calls map[*pyast.Expr]bool) int {
	n := 0
	for i, s := range body {
		if s.Kind == "if" && len(s.Else) == 0 && endsInReturn(s.Body) {
			own := 0
			s.Value.Walk(func(e *pyast.Expr) bool {
				if calls[e] {
					own++
				}
				return true
			})
			return n + own + max(maxBranches(s.Body, calls), maxBranches(body[i+1:], calls))
		}
		n += stmtBranches(s, calls)
	}
	return n
}

func endsInReturn(body []*pyast.Stmt) bool {
	if len(body) == 0 {
		return false
	}
	k := body[len(body)-1].Kind
	return k == "return" || k == "raise" || k == "continue" || k == "break"
}

func stmtBranches(s *pyast.Stmt, calls map[*pyast.Expr]bool) int {
	own := 0
	s.Exprs(func(e *pyast.Expr) bool {
		if calls[e] {
			own++
		}
		return true
	})
	switch s.Kind {
	case "if":
		return own + max(maxBranches(s.Body, calls), maxBranches(s.Else, calls))
	case "match", "try":
		m := maxBranches(s.Body, calls)
		for _, h := range s.Handlers {
			m = max(m, maxBranches(h, calls))
		}
		return own + m + maxBranches(s.Else, calls)
	case "def", "class":
		return 0
	}
	for _, b := range s.Blocks() {
		own += maxBranches(b, calls)
	}
	return own
}

// shrinkOf says how the recursive calls' arguments shrink: "decrement"
// (n - 1, i + 1), "halve" (n // 2, a slice at a midpoint, bounds moved
// to a midpoint), "structure" (a field of the argument: a tree's child),
// "remove-one" (the collection without one item), or "".
func (a *analyzer) shrinkOf(f *fn) string {
	mids := map[string]bool{}
	params := map[string]bool{}
	for _, p := range f.params {
		params[p] = true
	}
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" {
			for _, t := range s.Targets {
				if t.Kind == "name" && (isMidpoint(s.Value) || isHalfOfLen(s.Value) || isPartition(s.Value, params)) {
					mids[t.Name] = true
				}
			}
		}
		return s.Kind != "def" || s == f.def
	})
	best := ""
	rank := map[string]int{"": 0, "decrement": 1, "structure": 2, "remove-one": 3, "halve": 4}
	for _, call := range f.selfCalls {
		for _, arg := range positional(call.Args) {
			s := argShrink(arg, params, mids, f)
			if rank[s] > rank[best] {
				best = s
			}
		}
	}
	return best
}

func isHalfOfLen(e *pyast.Expr) bool {
	return e.Kind == "bin" && (e.Name == "//" || e.Name == ">>") && e.Y.Kind == "num" &&
		e.X.Kind == "call" && e.X.X.Kind == "name" && e.X.X.Name == "len"
}

func argShrink(arg *pyast.Expr, params, mids map[string]bool, f *fn) string {
	switch arg.Kind {
	case "bin":
		switch arg.Name {
		case "-", "+":
			if arg.X.Kind == "name" && mids[arg.X.Name] {
				return "halve"
			}
			if arg.X.Kind == "name" && params[arg.X.Name] && (arg.Y.Kind == "num" || arg.Y.Kind == "name") {
				return "decrement"
			}
			if isSlice(arg.X) && isSlice(arg.Y) {
				return "remove-one"
			}
		case "//", ">>", "/":
			if mentionsAny(arg.X, params) {
				return "halve"
			}
		case "%":
			// x % y with both from the parameters (Euclid's g(b, a % b)):
			// the remainder is below half of x every second step.
			if arg.X.Kind == "name" && params[arg.X.Name] && arg.Y.Kind == "name" && params[arg.Y.Name] {
				return "halve"
			}
		}
	case "name":
		if mids[arg.Name] {
			return "halve"
		}
	case "sub":
		if arg.Y != nil && arg.Y.Kind == "slice" {
			for _, b := range []*pyast.Expr{arg.Y.X, arg.Y.Y} {
				if b != nil && (b.Kind == "name" && mids[b.Name] || isHalfOfLen(b)) {
					return "halve"
				}
			}
			return "decrement"
		}
	case "attr":
		if arg.X.Kind == "name" && params[arg.X.Name] {
			return "structure"
		}
	case "comp":
		if isPartition(arg, params) {
			return "halve"
		}
	}
	return ""
}

// isPartition: [x for x in items if x < p] over a parameter: one side of a
// partition (half the items, on average).
func isPartition(e *pyast.Expr, params map[string]bool) bool {
	return e.Kind == "comp" && len(e.Gens) == 1 && len(e.Gens[0].Ifs) == 1 && e.Gens[0].Ifs[0].Kind == "cmp" &&
		e.Gens[0].Iter.Kind == "name" && params[e.Gens[0].Iter.Name]
}

func isSlice(e *pyast.Expr) bool { return e.Kind == "sub" && e.Y != nil && e.Y.Kind == "slice" }

func mentionsAny(e *pyast.Expr, names map[string]bool) bool {
	found := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "name" && names[x.Name] {
			found = true
		}
		return !found
	})
	return found
}

// memoised: decorated with functools.cache/lru_cache, or the body looks a
// key up in a container (returning what it holds) before recursing and
// stores into that container.
func (a *analyzer) memoised(f *fn) bool {
	for _, d := range f.def.Decorators {
		x := d
		if x.Kind == "call" {
			x = x.X
		}
		switch a.libName(x) {
		case "functools.cache", "functools.lru_cache", ".cache", ".lru_cache":
			return true
		}
	}
	if len(f.selfCalls) == 0 {
		return false
	}
	looked := map[string]bool{}
	stored := map[string]bool{}
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind == "if" && s.Value.Kind == "cmp" && len(s.Value.Ops) == 1 && s.Value.Ops[0] == "not in" && s.Value.Args[1].Kind == "name" {
			// if key not in memo: memo[key] = …(the recursion)…
			d := s.Value.Args[1].Name
			for _, r := range s.Body {
				if r.Kind == "assign" && len(r.Targets) == 1 && r.Targets[0].Kind == "sub" && r.Targets[0].X.Kind == "name" && r.Targets[0].X.Name == d {
					looked[d] = true
				}
			}
		}
		if s.Kind == "if" {
			// if key in memo: return memo[key]
			s.Value.Walk(func(e *pyast.Expr) bool {
				if e.Kind == "cmp" && len(e.Ops) == 1 && e.Ops[0] == "in" && e.Args[1].Kind == "name" {
					for _, r := range s.Body {
						if r.Kind == "return" && r.Value != nil && r.Value.Kind == "sub" && r.Value.X.Kind == "name" && r.Value.X.Name == e.Args[1].Name {
							looked[e.Args[1].Name] = true
						}
					}
				}
				return true
			})
		}
		if s.Kind == "assign" {
			for _, t := range s.Targets {
				if t.Kind == "sub" && t.X.Kind == "name" {
					stored[t.X.Name] = true
				}
			}
		}
		return true
	})
	for k := range looked {
		if stored[k] {
			return true
		}
	}
	return false
}

// varyingParams: how many parameters the recursive calls change.
func (a *analyzer) varyingParams(f *fn) int {
	n := 0
	for i, p := range f.params {
		if p == "self" {
			continue
		}
		for _, c := range f.selfCalls {
			args := positional(c.Args)
			if i < len(args) && !(args[i].Kind == "name" && args[i].Name == p) && args[i].Kind != "const" {
				if k, ok := f.kinds[p]; ok && k == kHash { // the memo passed along
					continue
				}
				if isMemoArg(args[i], f) {
					continue
				}
				n++
				break
			}
		}
	}
	return max(n, 1)
}

func isMemoArg(e *pyast.Expr, f *fn) bool {
	return e.Kind == "name" && f.kinds[e.Name] == kHash
}

// visitedGuard: the recursive call in a loop is guarded by a membership
// test (if v not in seen), the shape of a graph traversal.
func (a *analyzer) visitedGuard(f *fn) bool {
	guarded := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		// if not seen[w]: recurse — with seen[…] = True and never False:
		// a visited array
		if s.Kind == "if" && s.Value.Kind == "unary" && s.Value.Name == "not" && s.Value.X.Kind == "sub" && s.Value.X.X.Kind == "name" &&
			marks(f.def.Body, s.Value.X.X.Name) == "True" && bodyCalls(s.Body, f) {
			guarded = true
			f.visitedSet = s.Value.X.X.Name
		}
		if s.Kind == "if" && s.Value.Kind == "cmp" && len(s.Value.Ops) == 1 && s.Value.Ops[0] == "not in" {
			for _, st := range s.Body {
				st.Exprs(func(e *pyast.Expr) bool {
					if f.isSelf[e] {
						guarded = true
						if s.Value.Args[1].Kind == "name" {
							f.visitedSet = s.Value.Args[1].Name
						}
					}
					return true
				})
			}
		}
		return true
	})
	return guarded
}

// loopsFromParam: a loop from the recursion's parameter p onwards
// (range(p, …)) whose body recurses with p + 1: each level chooses among
// the positions not yet fixed (permutations by swapping).
func loopsFromParam(f *fn) bool {
	found := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if found || s.Kind != "for" || s.Value.Kind != "call" || s.Value.X.Kind != "name" || s.Value.X.Name != "range" {
			return !found
		}
		args := positional(s.Value.Args)
		if len(args) < 2 || args[0].Kind != "name" || !f.isParam(args[0].Name) {
			return true
		}
		p := args[0].Name
		pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
			st.Exprs(func(e *pyast.Expr) bool {
				if f.isSelf[e] {
					for _, x := range positional(e.Args) {
						if x.Kind == "bin" && x.Name == "+" && x.X.Kind == "name" && x.X.Name == p && x.Y.Kind == "num" && x.Y.Name == "1" {
							found = true
						}
					}
				}
				return true
			})
			return true
		})
		return !found
	})
	return found
}

// copiesAtLeaf: a base case (an if-block without recursion) that stores a
// copy of what the recursion built (out.append(cur[:]), list(cur),
// cur.copy()): each leaf costs the copy's length.
func copiesAtLeaf(f *fn) bool {
	found := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind != "if" || found {
			return !found
		}
		recurses := false
		pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
			st.Exprs(func(e *pyast.Expr) bool {
				recurses = recurses || f.isSelf[e]
				return true
			})
			return true
		})
		if recurses {
			return true
		}
		pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
			st.Exprs(func(e *pyast.Expr) bool {
				if e.Kind == "call" && e.X.Kind == "attr" && (e.X.Name == "append" || e.X.Name == "add") && len(e.Args) == 1 && isCopy(e.Args[0]) {
					found = true
				}
				return true
			})
			return true
		})
		return true
	})
	return found
}

// isCopy: x[:], list(x), tuple(x), x.copy().
func isCopy(e *pyast.Expr) bool {
	switch {
	case e.Kind == "sub" && e.Y != nil && e.Y.Kind == "slice" && e.Y.X == nil && e.Y.Y == nil:
		return true
	case e.Kind == "call" && e.X.Kind == "name" && (e.X.Name == "list" || e.X.Name == "tuple") && len(e.Args) == 1 && e.Args[0].Kind == "name":
		return true
	case e.Kind == "call" && e.X.Kind == "attr" && e.X.Name == "copy" && len(e.Args) == 0:
		return true
	}
	return false
}

// marks says what body stores in name[…]: "True" when only True, "both"
// when True and False (a choice undone), "" when neither.
func marks(body []*pyast.Stmt, name string) string {
	t, f := false, false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && s.Value.Kind == "const" {
			for _, x := range s.Targets {
				if x.Kind == "sub" && x.X.Kind == "name" && x.X.Name == name {
					t = t || s.Value.Name == "True"
					f = f || s.Value.Name == "False"
				}
			}
		}
		return true
	})
	switch {
	case t && f:
		return "both"
	case t:
		return "True"
	}
	return ""
}

// sharedTraversal: f is a graph traversal whose visited collection it does
// not make itself (the caller's, or the program's), called from loops that
// do not renew it: the traversals those loops start visit each vertex once
// in all.
func (a *analyzer) sharedTraversal(f *fn, sc *scope) bool {
	if f.recursion != "graph" || f.visitedSet == "" || sc == nil || sc.f == nil || sc.f == f || len(sc.loopVars) == 0 || sc.reset[f.visitedSet] {
		return false
	}
	for _, p := range f.params {
		if p == f.visitedSet {
			return false
		}
	}
	made := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" {
			for _, t := range s.Targets {
				for _, n := range boundBy(t) {
					made = made || n == f.visitedSet
				}
			}
		}
		return s.Kind != "def" || s == f.def
	})
	return !made
}
