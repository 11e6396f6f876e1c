package analysis

import (
	"slices"
	"strings"

	"github.com/coderemote/coderemote/analysis/pyast"
)

// Families: the classic algorithms recognised from the code's shape.

var familyOrder = []string{"binary search", "two pointers", "sliding window", "breadth-first search", "depth-first search",
	"Dijkstra's algorithm", "dynamic programming", "bubble sort", "insertion sort", "selection sort", "merge sort",
	"quicksort", "heap", "sieve of Eratosthenes", "Euclid's algorithm", "backtracking", "permutations", "subsets",
	"hash table", "recursion"}

// recognise names algorithm families from the structures found.
func (a *analyzer) recognise() {
	bodies := [][]*pyast.Stmt{a.module}
	scopes := []*scope{nil}
	for _, f := range a.order {
		bodies = append(bodies, f.def.Body)
		scopes = append(scopes, &scope{f: f})
	}
	for i, body := range bodies {
		sc := scopes[i]
		pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
			if s.Kind == "def" && (sc == nil || sc.f == nil || s != sc.f.def) {
				return false
			}
			switch s.Kind {
			case "while":
				a.recogniseWhile(s, sc)
			case "for":
				a.recogniseFor(s, sc)
			}
			return true
		})
		a.recogniseHash(body, sc)
	}
	for _, f := range a.order {
		switch f.recursion {
		case "halving":
			if a.comparesAtMid(f) {
				a.fams["binary search"] = true
			}
		case "divide":
			if hasMergeLoop(f.def.Body) || a.callsMergeLoop(f) {
				a.fams["merge sort"] = true
			} else if f.partitions() {
				a.fams["quicksort"] = true
			}
		case "graph":
			a.fams["depth-first search"] = true
		case "permute":
			a.fams["permutations"] = true
			a.fams["backtracking"] = true
		case "branching":
			if includeExclude(f) {
				a.fams["subsets"] = true
				a.fams["backtracking"] = true
			} else if f.loopsInner && chooseUnchoose(f.def.Body) {
				a.fams["backtracking"] = true
			}
		}
	}
	for _, full := range a.imports {
		if strings.HasPrefix(full, "heapq") {
			a.fams["heap"] = true
		}
	}
}

func (a *analyzer) comparesAtMid(f *fn) bool {
	found := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind == "if" {
			s.Value.Walk(func(e *pyast.Expr) bool {
				if e.Kind == "sub" && e.Y != nil && e.Y.Kind == "name" {
					found = true
				}
				return true
			})
		}
		return true
	})
	return found
}

// partitions: the recursive calls get items filtered against one value.
func (f *fn) partitions() bool {
	params := map[string]bool{}
	for _, p := range f.params {
		params[p] = true
	}
	parts := map[string]bool{}
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && len(s.Targets) == 1 && s.Targets[0].Kind == "name" && isPartition(s.Value, params) {
			parts[s.Targets[0].Name] = true
		}
		return true
	})
	n := 0
	for _, c := range f.selfCalls {
		for _, arg := range c.Args {
			if isPartition(arg, params) || arg.Kind == "name" && parts[arg.Name] {
				n++
			}
		}
	}
	return n >= 2
}

// callsMergeLoop: one of the programmer's functions called by f merges.
func (a *analyzer) callsMergeLoop(f *fn) bool {
	found := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "name" && e.X.Name != f.def.Name {
				if g, ok := a.fns[e.X.Name]; ok && hasMergeLoop(g.def.Body) {
					found = true
				}
			}
			return true
		})
		return true
	})
	return found
}

// hasMergeLoop: a while loop over two indices into two sequences,
// appending the smaller item.
func hasMergeLoop(body []*pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "while" && s.Value.Kind == "bool" && s.Value.Name == "and" && len(s.Value.Args) == 2 &&
			s.Value.Args[0].Kind == "cmp" && s.Value.Args[1].Kind == "cmp" {
			appends := 0
			pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
				st.Exprs(func(e *pyast.Expr) bool {
					if e.Kind == "call" && e.X.Kind == "attr" && e.X.Name == "append" {
						appends++
					}
					return true
				})
				return true
			})
			found = found || appends >= 2
		}
		return !found
	})
	return found
}

// skipsTaken: the loop around the recursive call skips items already
// taken (if taken[i]: continue; if x in path: continue) — each level
// chooses among the items left: permutations.
func skipsTaken(f *fn) bool {
	found := false
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		if s.Kind != "for" {
			return true
		}
		hasCall := false
		pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
			st.Exprs(func(e *pyast.Expr) bool {
				hasCall = hasCall || f.isSelf[e]
				return true
			})
			return true
		})
		if !hasCall {
			return true
		}
		for _, st := range s.Body {
			if st.Kind == "if" && len(st.Body) == 1 && st.Body[0].Kind == "continue" &&
				(st.Value.Kind == "sub" || st.Value.Kind == "cmp" && slices.Contains(st.Value.Ops, "in")) {
				found = true
			}
			// if not used[i]: … recurse …: the call only for what is not taken
			if st.Kind == "if" && isTakenTest(st.Value) && bodyCalls(st.Body, f) && undoes(s.Body, st.Value) {
				found = true
			}
		}
		return !found
	})
	return found
}

// includeExclude: two recursive calls advancing the same index, one with
// an item added (go(i + 1, cur) and go(i + 1, cur + [x]), or an append
// between them): every subset.
func includeExclude(f *fn) bool {
	if f.loopsInner || len(f.selfCalls) != 2 {
		return false
	}
	a0, a1 := positional(f.selfCalls[0].Args), positional(f.selfCalls[1].Args)
	if len(a0) == 0 || len(a0) != len(a1) {
		return false
	}
	params := map[string]bool{}
	for _, p := range f.params {
		params[p] = true
	}
	advance, same, shuffled := false, 0, 0
	for i := range a0 {
		if sameExpr(a0[i], a1[i]) {
			same++
			if argShrink(a0[i], params, nil, f) == "decrement" {
				advance = true // both calls move to the next item
			}
		} else if a0[i].Kind == "name" && a1[i].Kind == "name" && params[a0[i].Name] && params[a1[i].Name] {
			shuffled++ // the parameters passed in another order (Hanoi's pegs): no item chosen
		}
	}
	return advance && (same+shuffled < len(a0) || chooseUnchoose(f.def.Body))
}

// chooseUnchoose: an append (or add) before a recursive call and a pop
// (or remove) after it: trying a choice and undoing it.
func chooseUnchoose(body []*pyast.Stmt) bool {
	adds, pops := false, false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "attr" {
				switch e.X.Name {
				case "append", "add":
					adds = true
				case "pop", "remove", "discard":
					pops = true
				}
			}
			return true
		})
		return true
	})
	return adds && pops
}

func (a *analyzer) recogniseWhile(s *pyast.Stmt, sc *scope) {
	cond := s.Value
	// Binary search: bounds moved to a midpoint, an item at it compared.
	mids := map[string]bool{}
	moves := map[string]string{}
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		if st.Kind == "assign" {
			for _, t := range st.Targets {
				a.assignMoves(t, st.Value, moves, mids)
			}
		}
		return true
	})
	midMoves := 0
	for _, m := range moves {
		if m == "mid" {
			midMoves++
		}
	}
	if len(mids) > 0 && midMoves >= 1 && cond.Kind == "cmp" {
		a.fams["binary search"] = true
		return
	}
	// Euclid: a, b = b, a % b while b.
	for _, m := range moves {
		if m == "mod" && (cond.Kind == "name" || cond.Kind == "cmp") {
			pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
				if st.Kind == "assign" && st.Targets[0].Kind == "tuple" && len(st.Targets[0].Args) == 2 && st.Value.Kind == "tuple" {
					a.fams["Euclid's algorithm"] = true
				}
				return true
			})
		}
	}
	// Two pointers: while i < j, one moves up and the other down.
	if cond.Kind == "cmp" && len(cond.Ops) == 1 && (cond.Ops[0] == "<" || cond.Ops[0] == "<=") &&
		cond.Args[0].Kind == "name" && cond.Args[1].Kind == "name" {
		l, r := cond.Args[0].Name, cond.Args[1].Name
		inc, dec := false, false
		pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
			if st.Kind == "augassign" && st.Target.Kind == "name" {
				if st.Target.Name == l && st.Op == "+=" {
					inc = true
				}
				if st.Target.Name == r && st.Op == "-=" {
					dec = true
				}
			}
			return true
		})
		if inc && dec && len(mids) == 0 {
			a.fams["two pointers"] = true
		}
	}
	// Queue/heap driven loops.
	pops := map[string]bool{}
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		st.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" {
				pops[a.libName(e.X)] = true
			}
			return true
		})
		return true
	})
	if cond.Kind == "name" || cond.Kind == "call" && a.libName(cond.X) == "len" {
		switch {
		case pops[".popleft"]:
			a.fams["breadth-first search"] = true
		case pops["heapq.heappop"] && pops["heapq.heappush"] && hasLoopInside(s.Body):
			a.fams["Dijkstra's algorithm"] = true
		case pops[".pop"] && pops[".append"] && hasLoopInside(s.Body) && hasNotInGuard(s.Body):
			a.fams["depth-first search"] = true
		}
	}
}

func hasLoopInside(body []*pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		found = found || s.Kind == "for"
		return !found
	})
	return found
}

func hasNotInGuard(body []*pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "if" && s.Value.Kind == "cmp" && slices.Contains(s.Value.Ops, "not in") {
			found = true
		}
		return !found
	})
	return found
}

func (a *analyzer) recogniseFor(s *pyast.Stmt, sc *scope) {
	loopVars := loopVarsOf(s.Target)
	// Sorting shapes inside a loop over positions.
	var inner *pyast.Stmt
	for _, st := range s.Body {
		if st.Kind == "for" || st.Kind == "while" {
			inner = st
		}
		if st.Kind == "if" && inner == nil {
			for _, b := range st.Body {
				if b.Kind == "for" {
					inner = b
				}
			}
		}
	}
	if inner != nil {
		innerVars := loopVarsOf(inner.Target)
		switch {
		case inner.Kind == "for" && swapsAdjacent(inner.Body, innerVars):
			a.fams["bubble sort"] = true
		case inner.Kind == "while" && shiftsRight(inner.Body):
			a.fams["insertion sort"] = true
		case inner.Kind == "for" && tracksIndex(inner.Body, innerVars) && swapsAfter(s.Body, inner):
			a.fams["selection sort"] = true
		case inner.Kind == "for" && a.forIterations(inner, (&scope{}).with(loopVars)).loglog && marksFalse(inner.Body, innerVars):
			a.fams["sieve of Eratosthenes"] = true
		}
	}
	// A table filled from its own earlier entries — but not a distance
	// table filled while visiting the neighbours of a dequeued vertex
	// (breadth-first search writes d[w] = d[u] + 1 too).
	overNeighbours := mentionsAny(s.Value, a.poppedNames(sc))
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		if overNeighbours {
			return false
		}
		if st.Kind == "assign" && len(st.Targets) == 1 && st.Targets[0].Kind == "sub" {
			table := baseName(st.Targets[0])
			if table != "" && st.Value.Kind != "sub" && st.Value.Kind != "name" && readsOtherEntry(st.Value, table, st.Targets[0]) {
				a.fams["dynamic programming"] = true
			}
		}
		return true
	})
	// Sliding window: the sum gains z[k] and loses z[k - c].
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		if st.Kind == "augassign" && st.Value.Kind == "bin" && st.Value.Name == "-" &&
			isIndexBy(st.Value.X, loopVars, false) && isIndexBy(st.Value.Y, loopVars, true) {
			a.fams["sliding window"] = true
		}
		if st.Kind == "while" {
			// a left edge advanced while the window is too big
			pyast.WalkStmts(st.Body, func(w *pyast.Stmt) bool {
				// (the edge is what the test or an index reads: a counter
				// that a doubling loop bumps is not one)
				if w.Kind == "augassign" && w.Op == "+=" && w.Target.Kind == "name" && !slices.Contains(loopVars, w.Target.Name) &&
					(mentions(st.Value, w.Target.Name) || indexes(st.Body, w.Target.Name)) {
					st.Value.Walk(func(e *pyast.Expr) bool {
						if e.Kind == "name" && slices.Contains(loopVars, e.Name) {
							a.fams["sliding window"] = true
						}
						return true
					})
				}
				return true
			})
		}
		return true
	})
}

func baseName(e *pyast.Expr) string {
	for e.Kind == "sub" {
		e = e.X
	}
	if e.Kind == "name" {
		return e.Name
	}
	return ""
}

// readsOtherEntry: value reads table at an index other than target's.
func readsOtherEntry(value *pyast.Expr, table string, target *pyast.Expr) bool {
	found := false
	value.Walk(func(e *pyast.Expr) bool {
		if e.Kind == "sub" && baseName(e) == table && !sameExpr(e, target) {
			// an index with arithmetic: t[a - 1], best[c - w]
			e.Walk(func(x *pyast.Expr) bool {
				if x.Kind == "bin" && (x.Name == "-" || x.Name == "+") {
					found = true
				}
				return true
			})
			if e.Y != nil && e.Y.Kind == "name" {
				found = true
			}
		}
		return !found
	})
	return found
}

func sameExpr(a, b *pyast.Expr) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Name != b.Name || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if !sameExpr(a.Args[i], b.Args[i]) {
			return false
		}
	}
	return sameExpr(a.X, b.X) && sameExpr(a.Y, b.Y) && sameExpr(a.Z, b.Z)
}

// isIndexBy: z[k] (offset false) or z[k - c] (offset true) for a loop variable k.
func isIndexBy(e *pyast.Expr, vars []string, offset bool) bool {
	if e.Kind != "sub" || e.Y == nil {
		return false
	}
	if !offset {
		return e.Y.Kind == "name" && slices.Contains(vars, e.Y.Name)
	}
	return e.Y.Kind == "bin" && e.Y.Name == "-" && e.Y.X.Kind == "name" && slices.Contains(vars, e.Y.X.Name)
}

// swapsAdjacent: v[j], v[j + 1] = v[j + 1], v[j].
func swapsAdjacent(body []*pyast.Stmt, vars []string) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && len(s.Targets) == 1 && s.Targets[0].Kind == "tuple" && len(s.Targets[0].Args) == 2 && s.Value.Kind == "tuple" && len(s.Value.Args) == 2 {
			t := s.Targets[0].Args
			v := s.Value.Args
			if sameExpr(t[0], v[1]) && sameExpr(t[1], v[0]) && t[0].Kind == "sub" && t[1].Kind == "sub" &&
				(t[1].Y.Kind == "bin" && t[1].Y.Name == "+" && sameExpr(t[1].Y.X, t[0].Y) || t[0].Y.Kind == "bin" && t[0].Y.Name == "+" && sameExpr(t[0].Y.X, t[1].Y)) {
				found = true
			}
		}
		return !found
	})
	return found
}

// shiftsRight: v[s + 1] = v[s] inside the inner while loop.
func shiftsRight(body []*pyast.Stmt) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && len(s.Targets) == 1 && s.Targets[0].Kind == "sub" && s.Value.Kind == "sub" &&
			baseName(s.Targets[0]) == baseName(s.Value) && s.Targets[0].Y.Kind == "bin" && s.Targets[0].Y.Name == "+" &&
			sameExpr(s.Targets[0].Y.X, s.Value.Y) {
			found = true
		}
		return !found
	})
	return found
}

// tracksIndex: g = j under a comparison of v[j] with v[g].
func tracksIndex(body []*pyast.Stmt, vars []string) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "if" && s.Value.Kind == "cmp" {
			for _, st := range s.Body {
				if st.Kind == "assign" && len(st.Targets) == 1 && st.Targets[0].Kind == "name" && st.Value.Kind == "name" && slices.Contains(vars, st.Value.Name) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// swapsAfter: a swap of two items follows the inner loop.
func swapsAfter(body []*pyast.Stmt, inner *pyast.Stmt) bool {
	after := false
	for _, s := range body {
		if s == inner {
			after = true
			continue
		}
		if after && s.Kind == "assign" && len(s.Targets) == 1 && s.Targets[0].Kind == "tuple" && s.Value.Kind == "tuple" &&
			len(s.Targets[0].Args) == 2 && len(s.Value.Args) == 2 && sameExpr(s.Targets[0].Args[0], s.Value.Args[1]) && sameExpr(s.Targets[0].Args[1], s.Value.Args[0]) {
			return true
		}
	}
	return false
}

// marksFalse: f[b] = False (or 0) indexed by the inner loop's variable.
func marksFalse(body []*pyast.Stmt, vars []string) bool {
	for _, s := range body {
		if s.Kind == "assign" && len(s.Targets) == 1 && s.Targets[0].Kind == "sub" && s.Targets[0].Y.Kind == "name" &&
			slices.Contains(vars, s.Targets[0].Y.Name) && (s.Value.Kind == "const" || s.Value.Kind == "num") {
			return true
		}
	}
	return false
}

// recogniseHash: a dict or set consulted or filled inside a loop.
func (a *analyzer) recogniseHash(body []*pyast.Stmt, sc *scope) {
	walkWithLoops(body, 0, func(e *pyast.Expr, loops int) {
		if e.Kind == "call" {
			switch a.libName(e.X) {
			case "collections.Counter", "collections.defaultdict":
				a.fams["hash table"] = true
			}
		}
		if loops == 0 {
			return
		}
		switch {
		case e.Kind == "cmp" && len(e.Ops) == 1 && (e.Ops[0] == "in" || e.Ops[0] == "not in") && e.Args[1].Kind == "name" && sc.kindOf(e.Args[1].Name, a) == kHash:
			a.fams["hash table"] = true
		case e.Kind == "call" && e.X.Kind == "attr" && (e.X.Name == "get" || e.X.Name == "add") && e.X.X.Kind == "name" && sc.kindOf(e.X.X.Name, a) == kHash:
			a.fams["hash table"] = true
		case e.Kind == "call" && a.libName(e.X) == "collections.Counter":
			a.fams["hash table"] = true
		}
	})
}

// isTakenTest: not used[i], x not in chosen.
func isTakenTest(e *pyast.Expr) bool {
	return e.Kind == "unary" && e.Name == "not" && e.X.Kind == "sub" ||
		e.Kind == "cmp" && len(e.Ops) == 1 && e.Ops[0] == "not in"
}

// bodyCalls: body recurses.
func bodyCalls(body []*pyast.Stmt, f *fn) bool {
	found := false
	pyast.WalkStmts(body, func(st *pyast.Stmt) bool {
		st.Exprs(func(e *pyast.Expr) bool {
			found = found || f.isSelf[e]
			return true
		})
		return true
	})
	return found
}

// undoes: the loop body takes back the choice its test guards (used[i] set
// to False again, or an item popped): backtracking, not a visited set.
func undoes(body []*pyast.Stmt, test *pyast.Expr) bool {
	if test.Kind == "unary" && test.X.Kind == "sub" && test.X.X.Kind == "name" && marks(body, test.X.X.Name) == "both" {
		return true
	}
	return chooseUnchoose(body)
}

// poppedNames: the names a function (or the module) binds to an item taken
// from a queue, a stack or a heap (u = q.popleft()).
func (a *analyzer) poppedNames(sc *scope) map[string]bool {
	body := a.module
	if sc != nil && sc.f != nil {
		body = sc.f.def.Body
	}
	out := map[string]bool{}
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && len(s.Targets) == 1 && s.Value.Kind == "call" {
			switch a.libName(s.Value.X) {
			case ".pop", ".popleft", "heapq.heappop":
				for _, n := range boundBy(s.Targets[0]) {
					out[n] = true
				}
			}
		}
		return true
	})
	return out
}

// indexes: body subscripts something with v (a[v]).
func indexes(body []*pyast.Stmt, v string) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "sub" && e.Y != nil && mentions(e.Y, v) {
				found = true
			}
			return true
		})
		return true
	})
	return found
}
