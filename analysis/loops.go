package analysis

import (
	"slices"

	"github.com/coderemote/coderemote/analysis/pyast"
)

// Time: the cost of statements and loops: what each loop iterates over
// and how its variables move.

// ctxVars is what a block's cost depends on: the kinds of the function's
// variables, and the enclosing loops' variables.
type scope struct {
	f        *fn
	loopVars []string
	// reset: names assigned afresh inside the enclosing loops' bodies; a
	// while loop advancing a name that is not reset runs O(n) times in all
	// (amortised), not per iteration of the loop around it.
	reset map[string]bool
	// drained: the items taken from a queue a while loop drains; a loop
	// over what belongs to one of them (a vertex's neighbours) is amortised
	// over the whole traversal.
	drained map[string]bool
}

func (sc *scope) kindOf(name string, a *analyzer) kind {
	if sc != nil && sc.f != nil {
		if k, ok := sc.f.kinds[name]; ok {
			return k
		}
	}
	return a.kinds[name]
}

// blockCost is the cost of running body once (recursive calls excluded:
// analyzeFn accounts for them).
func (a *analyzer) blockCost(body []*pyast.Stmt, sc *scope) cost {
	c := constant
	for _, s := range body {
		c = maxCost(c, a.stmtCost(s, sc))
	}
	return c
}

func (a *analyzer) stmtCost(s *pyast.Stmt, sc *scope) cost {
	a.steps++
	switch s.Kind {
	case "def", "class":
		return constant // defining costs nothing; calls are counted where they happen
	case "for":
		iter := a.forIterations(s, sc)
		inner := sc.with(loopVarsOf(s.Target))
		for _, v := range assignedIn(s.Body) {
			inner.reset[v] = true
		}
		body := a.blockCost(s.Body, inner)
		total := iter.times(body)
		if body.loglog {
			// An inner loop stepping by this loop's variable: n/i steps
			// each, n log n in all, n log log n when only primes step.
			total = nLogN
			if guardsInnerLoop(s.Body) {
				total = cost{poly: 1, loglog: true}
			}
		}
		return maxCost(a.exprCost(s.Value, sc), total).maxWith(a.blockCost(s.Else, sc))
	case "while":
		d := a.drainOf(s)
		if len(d.queues) > 0 {
			// Each item is queued and taken once; a loop over an item's
			// neighbours scans each edge once in all.
			inner := sc.with(nil)
			for v := range d.items {
				inner.drained[v] = true
			}
			for q := range d.queues {
				inner.drained[q] = true
			}
			body := a.blockCost(s.Body, inner)
			if a.amortisedDrain(d, sc) {
				// Fed only under a visited test, by a visited collection the
				// enclosing loops do not renew: every traversal started by
				// them together takes each item once.
				return body
			}
			if !hasLoopOver(s.Body, d.items) {
				return linear.times(body)
			}
			if d.heap {
				if body.logs > 0 {
					body.logs--
				}
				return cost{heapGraph: true}.times(body)
			}
			return cost{graph: true}.times(body)
		}
		iter := a.whileIterations(s, sc)
		body := a.blockCost(s.Body, sc.with(steppedIn(s.Body)))
		if iter == linear && a.amortised(s, sc) {
			iter = constant
		}
		if body.loglog {
			return cost{poly: 1, loglog: true}
		}
		return iter.times(maxCost(body, a.exprCost(s.Value, sc)))
	}
	c := constant
	if s.Value != nil {
		c = a.exprCost(s.Value, sc)
	}
	for _, t := range s.Targets {
		c = maxCost(c, a.exprCost(t, sc))
	}
	for _, b := range s.Blocks() {
		c = maxCost(c, a.blockCost(b, sc))
	}
	return c
}

func (c cost) maxWith(o cost) cost { return maxCost(c, o) }

func (sc *scope) with(vars []string) *scope {
	n := &scope{reset: map[string]bool{}, drained: map[string]bool{}}
	if sc != nil {
		n.f = sc.f
		n.loopVars = append(slices.Clone(sc.loopVars), vars...)
		for k := range sc.reset {
			n.reset[k] = true
		}
		for k := range sc.drained {
			n.drained[k] = true
		}
	} else {
		n.loopVars = vars
	}
	return n
}

// assignedIn: names given a new value (not updated) in body.
func assignedIn(body []*pyast.Stmt) []string {
	var out []string
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" {
			for _, t := range s.Targets {
				out = append(out, boundBy(t)...)
			}
		}
		return s.Kind != "def" && s.Kind != "class"
	})
	return out
}

// drain describes a while loop that takes items from a queue, stack or
// heap until it is empty: the collections popped, the names the popped
// items are bound to, and whether it is a heap.
type drain struct {
	queues, items map[string]bool
	heap          bool
}

func (a *analyzer) drainOf(s *pyast.Stmt) drain {
	d := drain{queues: map[string]bool{}, items: map[string]bool{}}
	cond := s.Value
	var q *pyast.Expr
	switch {
	case cond.Kind == "name":
		q = cond
	case cond.Kind == "call" && a.libName(cond.X) == "len" && len(cond.Args) == 1:
		q = cond.Args[0]
	case cond.Kind == "cmp" && len(cond.Args) == 2 && cond.Args[0].Kind == "call" && a.libName(cond.Args[0].X) == "len":
		q = cond.Args[0].Args[0]
	}
	if q == nil || q.Kind != "name" {
		return d
	}
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		if st.Kind == "assign" && len(st.Targets) == 1 && st.Value.Kind == "call" {
			name := a.libName(st.Value.X)
			var from *pyast.Expr
			switch name {
			case ".pop", ".popleft":
				from = st.Value.X.X
			case "heapq.heappop":
				if len(st.Value.Args) > 0 {
					from = st.Value.Args[0]
				}
			}
			if from != nil && from.Kind == "name" && from.Name == q.Name {
				d.queues[q.Name] = true
				d.heap = d.heap || name == "heapq.heappop"
				for _, v := range loopVarsOf(st.Targets[0]) {
					d.items[v] = true
				}
			}
		}
		return st.Kind != "def"
	})
	return d
}

func loopVarsOf(t *pyast.Expr) []string {
	var out []string
	t.Walk(func(e *pyast.Expr) bool {
		if e.Kind == "name" {
			out = append(out, e.Name)
		}
		return true
	})
	return out
}

// steppedIn: names a while loop's body steps (i += 1): its loop variables.
func steppedIn(body []*pyast.Stmt) []string {
	var out []string
	for _, s := range body {
		if s.Kind == "augassign" && s.Target.Kind == "name" && (s.Op == "+=" || s.Op == "-=") {
			out = append(out, s.Target.Name)
		}
	}
	return out
}

// literalData: an expression over literal data only ("a b".split(),
// range(10)), whose size does not grow with the input.
func literalData(e *pyast.Expr) bool {
	if isConstant(e) {
		return true
	}
	if e.Kind == "call" && allConstantArgs(e) {
		if e.X.Kind == "attr" {
			return isConstant(e.X.X)
		}
		return e.X.Kind == "name" && (e.X.Name == "range" || e.X.Name == "enumerate" || e.X.Name == "reversed")
	}
	return false
}

// guardsInnerLoop: a loop under an if in body (the sieve's "if prime").
func guardsInnerLoop(body []*pyast.Stmt) bool {
	for _, s := range body {
		if s.Kind == "if" {
			for _, b := range s.Body {
				if b.Kind == "for" {
					return true
				}
			}
		}
	}
	return false
}

// hasLoopOver: a for loop in body iterates over something of items.
func hasLoopOver(body []*pyast.Stmt, items map[string]bool) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "for" && mentionsAny(s.Value, items) {
			found = true
		}
		return !found
	})
	return found
}

// amortised: a while loop inside another loop that advances a name the
// outer loop does not reset (a window's left edge, a stack popped): its
// iterations over the whole outer loop are O(n), O(1) per outer iteration.
func (a *analyzer) amortised(s *pyast.Stmt, sc *scope) bool {
	if sc == nil || len(sc.loopVars) == 0 {
		return false
	}
	moved := false
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		var names []string
		if st.Kind == "augassign" && st.Target.Kind == "name" && (st.Op == "+=" || st.Op == "-=") {
			names = append(names, st.Target.Name)
		}
		st.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "attr" && e.X.X.Kind == "name" {
				switch e.X.Name {
				case "pop", "popleft", "remove", "discard":
					names = append(names, e.X.X.Name)
				}
			}
			return true
		})
		for _, n := range names {
			if !sc.reset[n] && !slices.Contains(sc.loopVars, n) {
				moved = true
			}
		}
		return true
	})
	return moved
}

// isConstant: an expression made of literals only.
func isConstant(e *pyast.Expr) bool {
	ok := true
	e.Walk(func(x *pyast.Expr) bool {
		switch x.Kind {
		case "num", "str", "const", "bin", "unary", "tuple", "list":
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// forIterations: how many times a for loop runs its body.
func (a *analyzer) forIterations(s *pyast.Stmt, sc *scope) cost {
	return a.overSize(a.iterations(s.Value, sc), s.Value, sc)
}

// iterations is how many items iterating over it yields, in n.
func (a *analyzer) iterations(it *pyast.Expr, sc *scope) cost {
	if it.Kind == "name" && sc != nil && sc.f != nil && sc.f.fixed[it.Name] {
		return constant
	}
	if it.Kind == "list" || it.Kind == "tuple" || it.Kind == "str" || it.Kind == "set" || it.Kind == "dict" {
		return constant
	}
	if literalData(it) {
		return constant
	}
	if sc != nil && len(sc.drained) > 0 && mentionsAny(it, sc.drained) {
		return constant // amortised by the drain around it
	}
	if it.Kind == "call" {
		switch a.libName(it.X) {
		case "range":
			args := positional(it.Args)
			if len(args) == 0 {
				return linear
			}
			if len(args) == 3 && args[2].Kind == "name" && sc != nil && slices.Contains(sc.loopVars, args[2].Name) {
				// range(start, n, i) inside a loop over i: n/i steps, which
				// sum to n log n over i (n log log n over the primes only).
				return cost{loglog: true}
			}
			allConst := true
			for _, x := range args[:min(2, len(args))] {
				if !isConstant(x) {
					allConst = false
				}
			}
			if allConst {
				return constant
			}
			for _, x := range args[:min(2, len(args))] {
				if isSqrtBound(x, a) {
					return cost{sqrt: true}
				}
			}
			return linear
		case "enumerate", "reversed", "zip", "sorted", "list", "set", "map", "filter", "iter":
			if len(it.Args) > 0 {
				if it.Args[0].Kind == "list" || it.Args[0].Kind == "tuple" || it.Args[0].Kind == "str" {
					return constant
				}
			}
			return linear
		}
	}
	return linear
}

func positional(args []*pyast.Expr) []*pyast.Expr {
	var out []*pyast.Expr
	for _, x := range args {
		if x.Kind != "kw" && x.Kind != "star" {
			out = append(out, x)
		}
	}
	return out
}

// isSqrtBound: int(n ** 0.5), math.isqrt(n), math.sqrt(n).
func isSqrtBound(e *pyast.Expr, a *analyzer) bool {
	found := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "bin" && x.Name == "**" && x.Y.Kind == "num" && (x.Y.Name == "0.5" || x.Y.Name == ".5") {
			found = true
		}
		if x.Kind == "call" {
			switch a.libName(x.X) {
			case "math.isqrt", "math.sqrt":
				found = true
			}
		}
		return !found
	})
	return found
}

// whileIterations reads how a while loop's variables move.
func (a *analyzer) whileIterations(s *pyast.Stmt, sc *scope) cost {
	cond := s.Value
	if cond.Kind == "const" && cond.Name == "True" {
		a.unsure = true
		return linear
	}
	vars := map[string]bool{}
	cond.Walk(func(e *pyast.Expr) bool {
		if e.Kind == "name" {
			vars[e.Name] = true
		}
		return true
	})
	moves := map[string]string{} // variable → "inc", "dec", "halve", "double", "mid", "mod", "pop"
	var mids map[string]bool = map[string]bool{}
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
		if st.Kind == "def" || st.Kind == "class" {
			return false
		}
		switch st.Kind {
		case "augassign":
			if st.Target.Kind == "name" {
				switch st.Op {
				case "+=", "-=":
					if st.Value.Kind == "num" || st.Value.Kind == "name" {
						if st.Op == "+=" {
							setMove(moves, st.Target.Name, "inc")
						} else {
							setMove(moves, st.Target.Name, "dec")
						}
					}
				case "//=", ">>=", "/=":
					setMove(moves, st.Target.Name, "halve")
				case "*=", "<<=":
					setMove(moves, st.Target.Name, "double")
				}
			}
		case "assign":
			for _, t := range st.Targets {
				a.assignMoves(t, st.Value, moves, mids)
			}
		case "expr":
			// queue.pop(), heappop(q), q.popleft()
		}
		st.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" {
				name := a.libName(e.X)
				switch name {
				case ".pop", ".popleft", "heapq.heappop", ".remove", ".discard":
					target := e.X.X
					if name == "heapq.heappop" && len(e.Args) > 0 {
						target = e.Args[0]
					}
					if target != nil && target.Kind == "name" {
						setMove(moves, target.Name, "pop")
					}
				}
			}
			return true
		})
		return true
	})
	// Two bounds moved to a midpoint: binary search.
	for v := range vars {
		if moves[v] == "mid" {
			return logN
		}
	}
	for v := range vars {
		switch moves[v] {
		case "halve", "double", "mod":
			return logN
		case "descend":
			// One path from the root: the tree's height, log n when it is
			// balanced (O(h) in general).
			return logN
		}
	}
	squared := false
	cond.Walk(func(e *pyast.Expr) bool {
		if e.Kind == "bin" && (e.Name == "*" && e.X.Kind == "name" && e.Y.Kind == "name" && e.X.Name == e.Y.Name ||
			e.Name == "**" && e.Y.Kind == "num" && e.Y.Name == "2") {
			squared = true
		}
		return true
	})
	for v := range vars {
		switch moves[v] {
		case "inc", "dec":
			if squared {
				return cost{sqrt: true}
			}
			return a.whileSize(cond, sc)
		case "pop":
			return a.whileSize(cond, sc)
		}
	}
	a.unsure = true
	return linear
}

func setMove(m map[string]string, v, mv string) {
	if old, ok := m[v]; ok && old != mv {
		if old == "mid" || mv == "mid" {
			m[v] = "mid"
			return
		}
		if (old == "inc" || old == "dec") && (mv == "inc" || mv == "dec") {
			return
		}
	}
	m[v] = mv
}

// assignMoves reads v = expression updates: halving (v = v // 2), a
// midpoint (lo = mid + 1 where mid = (lo + hi) // 2), Euclid's step
// (a, b = b, a % b), increments (v = v + 1).
func (a *analyzer) assignMoves(t, val *pyast.Expr, moves map[string]string, mids map[string]bool) {
	if t.Kind == "tuple" && val.Kind == "tuple" && len(t.Args) == len(val.Args) {
		for i := range t.Args {
			a.assignMoves(t.Args[i], val.Args[i], moves, mids)
		}
		return
	}
	if t.Kind != "name" {
		return
	}
	v := t.Name
	switch {
	case val.Kind == "ifexp" && isAttrOf(val.Y, v) && isAttrOf(val.Z, v) && val.Y.Name != val.Z.Name:
		// v = v.left if … else v.right: down one branch of a tree
		setMove(moves, v, "descend")
	case isMidpoint(val):
		mids[v] = true
	case val.Kind == "bin" && (val.Name == "//" || val.Name == ">>" || val.Name == "/") && mentions(val.X, v):
		setMove(moves, v, "halve")
	case val.Kind == "bin" && val.Name == "%":
		setMove(moves, v, "mod")
	case val.Kind == "bin" && (val.Name == "*" || val.Name == "<<") && mentions(val, v):
		setMove(moves, v, "double")
	case val.Kind == "bin" && (val.Name == "+" || val.Name == "-") && val.X.Kind == "name" && mids[val.X.Name]:
		setMove(moves, v, "mid")
	case val.Kind == "name" && mids[val.Name]:
		setMove(moves, v, "mid")
	case val.Kind == "bin" && (val.Name == "+" || val.Name == "-") && mentions(val, v):
		if val.Name == "+" {
			setMove(moves, v, "inc")
		} else {
			setMove(moves, v, "dec")
		}
	}
}

// isMidpoint: (a + b) // 2, (a + b) >> 1, a + (b - a) // 2.
func isMidpoint(e *pyast.Expr) bool {
	if e.Kind == "call" && len(e.Args) == 1 { // int((a + b) / 2)
		e = e.Args[0]
	}
	if e.Kind == "bin" && (e.Name == "//" || e.Name == ">>" || e.Name == "/") && e.Y.Kind == "num" && (e.Y.Name == "2" || e.Y.Name == "1" && e.Name == ">>") {
		x := e.X
		return x.Kind == "bin" && x.Name == "+" && x.X.Kind != "num" && x.Y.Kind != "num"
	}
	if e.Kind == "bin" && e.Name == "+" {
		return isMidpoint(e.Y) && e.Y.X.Kind == "bin" && e.Y.X.Name == "-" || isHalfDiff(e.Y)
	}
	return false
}

func isHalfDiff(e *pyast.Expr) bool {
	return e.Kind == "bin" && (e.Name == "//" || e.Name == ">>") && e.X.Kind == "bin" && e.X.Name == "-" && e.Y.Kind == "num"
}

func mentions(e *pyast.Expr, v string) bool {
	found := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "name" && x.Name == v {
			found = true
		}
		return !found
	})
	return found
}

// whileSize is a counting loop's length: m when its test bounds it by the
// second size alone; n + m when it runs while two indices are both in
// range of two inputs (a merge); else n.
func (a *analyzer) whileSize(cond *pyast.Expr, sc *scope) cost {
	if a.sizeOf(cond, sc) == 1 {
		return mLinear
	}
	if cond.Kind == "bool" && cond.Name == "and" && sc != nil && sc.f != nil && len(sc.f.sizeClass) >= 2 {
		seen := map[int]bool{}
		for _, x := range cond.Args {
			for _, k := range sc.f.sizeKeys(x) {
				seen[sc.f.sizeClass[k]] = true
			}
		}
		if seen[0] && seen[1] {
			return nPlusM
		}
	}
	return linear
}

// boundBy: the names an assignment to t binds afresh (x, a, b in a, b = …);
// storing into x[i] or x.f binds nothing.
func boundBy(t *pyast.Expr) []string {
	switch t.Kind {
	case "name":
		return []string{t.Name}
	case "tuple", "list":
		var out []string
		for _, x := range t.Args {
			out = append(out, boundBy(x)...)
		}
		return out
	case "star":
		return boundBy(t.X)
	}
	return nil
}

// isAttrOf: e is v.name.
func isAttrOf(e *pyast.Expr, v string) bool {
	return e != nil && e.Kind == "attr" && e.X.Kind == "name" && e.X.Name == v
}

// constantSlice: x[a:b] whose length does not grow with x: both bounds
// constants (x[:2], x[1:3]), or from a negative constant to the end
// (x[-3:]).
func constantSlice(sl *pyast.Expr) bool {
	if sl == nil || sl.Kind != "slice" || sl.Z != nil {
		return false
	}
	konst := func(e *pyast.Expr) bool { return e == nil || isConstant(e) }
	negative := func(e *pyast.Expr) bool {
		return e != nil && e.Kind == "unary" && e.Name == "-" && e.X.Kind == "num"
	}
	switch {
	case sl.Y != nil && isConstant(sl.Y) && !negative(sl.Y) && konst(sl.X) && !negative(sl.X):
		return true
	case sl.Y == nil && negative(sl.X):
		return true
	}
	return false
}

// visitedGuards maps each queue or list fed only under a visited test in
// body — `if not seen[x]: seen[x] = True; q.append(x)` or `if x not in
// seen: seen.add(x); q.append(x)` — to the visited collection: each item
// enters at most once, so the queue's total growth is that collection's
// size, however many loops surround the append.
func visitedGuards(body []*pyast.Stmt) map[string]string {
	guarded := map[string]string{}
	unguarded := map[string]bool{}
	var visit func(body []*pyast.Stmt, guard string)
	visit = func(body []*pyast.Stmt, guard string) {
		for _, s := range body {
			if s.Kind == "def" || s.Kind == "class" {
				continue
			}
			g := guard
			if s.Kind == "if" {
				if v := visitedTest(s.Value); v != "" && marksVisited(s.Body, v) {
					g = v
				}
				visit(s.Body, g)
				visit(s.Else, guard)
				continue
			}
			s.Exprs(func(e *pyast.Expr) bool {
				if e.Kind == "call" && e.X.Kind == "attr" && e.X.X.Kind == "name" && (e.X.Name == "append" || e.X.Name == "appendleft") {
					q := e.X.X.Name
					if guard == "" {
						unguarded[q] = true
					} else {
						guarded[q] = guard
					}
				}
				return true
			})
			for _, b := range s.Blocks() {
				visit(b, guard)
			}
		}
	}
	visit(body, "")
	for q := range unguarded {
		delete(guarded, q)
	}
	return guarded
}

// visitedTest: the collection a test checks an item is not in yet (not
// seen[x], not seen[y][x], x not in seen), possibly among other conditions
// joined by and.
func visitedTest(e *pyast.Expr) string {
	switch {
	case e.Kind == "bool" && e.Name == "and":
		for _, x := range e.Args {
			if v := visitedTest(x); v != "" {
				return v
			}
		}
	case e.Kind == "unary" && e.Name == "not" && e.X.Kind == "sub":
		return baseName(e.X)
	case e.Kind == "cmp" && len(e.Ops) == 1 && e.Ops[0] == "not in" && e.Args[1].Kind == "name":
		return e.Args[1].Name
	}
	return ""
}

// marksVisited: body sets v[…] = True or adds to v.
func marksVisited(body []*pyast.Stmt, v string) bool {
	found := false
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && s.Value.Kind == "const" && s.Value.Name == "True" {
			for _, t := range s.Targets {
				if t.Kind == "sub" && baseName(t) == v {
					found = true
				}
			}
		}
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "attr" && e.X.Name == "add" && e.X.X.Kind == "name" && e.X.X.Name == v {
				found = true
			}
			return true
		})
		return true
	})
	return found
}

// amortisedDrain: a queue drained inside enclosing loops, fed only under a
// visited test whose collection those loops do not renew.
func (a *analyzer) amortisedDrain(d drain, sc *scope) bool {
	if sc == nil || sc.f == nil || len(sc.loopVars) == 0 {
		return false
	}
	guards := sc.f.visited()
	for q := range d.queues {
		v, ok := guards[q]
		if !ok || sc.reset[v] {
			return false
		}
	}
	return len(d.queues) > 0
}

// visited caches visitedGuards of the function's body.
func (f *fn) visited() map[string]string {
	if f.guards == nil {
		f.guards = visitedGuards(f.def.Body)
	}
	return f.guards
}
