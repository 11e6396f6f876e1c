package analysis

import (
	"github.com/coderemote/coderemote/analysis/pyast"
)

// Space: collections that grow with the input, and the recursion depth.

// spaceOf: memory that grows with the input, made in body: collections
// stored in variables or returned, grown inside loops, and tables.
func (a *analyzer) spaceOf(body []*pyast.Stmt, sc *scope) cost {
	c := constant
	drained := map[string]bool{}
	guards := visitedGuards(body)
	var visit func(body []*pyast.Stmt, loops cost)
	visit = func(body []*pyast.Stmt, loops cost) {
		for _, s := range body {
			switch s.Kind {
			case "def", "class":
				continue
			case "for":
				it := a.forIterations(s, sc)
				if len(drained) > 0 && mentionsAny(s.Value, drained) {
					it = constant
				}
				if it.loglog {
					it = linear
				}
				visit(s.Body, loops.times(it))
				continue
			case "while":
				d := a.drainOf(s)
				for v := range d.items {
					drained[v] = true
				}
				visit(s.Body, loops.times(a.whileSize(s.Value, sc)))
				continue
			case "assign", "annassign", "return":
				if s.Value != nil {
					c = maxCost(c, a.allocation(s.Value, sc))
				}
			}
			s.Exprs(func(e *pyast.Expr) bool {
				if e.Kind == "call" {
					switch a.libName(e.X) {
					case ".append", ".add", ".appendleft", "heapq.heappush", ".extend", ".insert":
						if v, ok := guards[queueOf(e)]; ok && loops.rank() > 0 {
							// each item once: as much as the visited collection holds
							c = maxCost(c, a.collectionSize(body, v, sc))
						} else if loops.rank() > 0 {
							grow := loops
							if a.libName(e.X) == ".extend" && len(e.Args) > 0 {
								grow = maxCost(loops, a.overSize(linear, e.Args[0], sc))
							}
							c = maxCost(c, grow)
						}
					}
				}
				return true
			})
			if s.Kind == "assign" && loops.rank() > 0 {
				for _, t := range s.Targets {
					if t.Kind == "sub" && t.X.Kind == "name" && sc.kindOf(t.X.Name, a) == kHash {
						c = maxCost(c, loops)
					}
				}
			}
			for _, b := range s.Blocks() {
				visit(b, loops)
			}
		}
	}
	visit(body, constant)
	return c
}

// allocation: the size of a collection an expression makes.
func (a *analyzer) allocation(e *pyast.Expr, sc *scope) cost {
	switch e.Kind {
	case "comp":
		n := constant
		for _, g := range e.Gens {
			if literalData(g.Iter) {
				continue
			}
			n = n.times(a.overSize(linear, g.Iter, sc))
		}
		return n.times(a.allocation(e.X, sc))
	case "bin":
		if e.Name == "*" && (e.X.Kind == "list" || e.X.Kind == "str") && !isConstant(e.Y) {
			inner := constant
			for _, x := range e.X.Args {
				inner = maxCost(inner, a.allocation(x, sc))
			}
			return a.overSize(linear, e.Y, sc).times(inner)
		}
		if e.Name == "+" {
			return maxCost(a.allocation(e.X, sc), a.allocation(e.Y, sc))
		}
	case "sub":
		if e.Y != nil && e.Y.Kind == "slice" && !constantSlice(e.Y) {
			return a.overSize(linear, e, sc)
		}
	case "cmp":
		// sorted(a) == sorted(b), Counter(a) == Counter(b): what each side
		// builds exists while the comparison runs
		c := constant
		for _, x := range e.Args {
			c = maxCost(c, a.allocation(x, sc))
		}
		return c
	case "list", "tuple", "set", "dict":
		c := constant
		for _, x := range e.Args {
			if x != nil {
				c = maxCost(c, a.allocation(x, sc))
			}
		}
		return c
	case "call":
		switch a.libName(e.X) {
		case "list", "sorted", "set", "dict", "tuple", ".split", ".copy", "collections.Counter", "collections.deque", "str.join", ".join":
			if len(e.Args) == 0 || allConstantArgs(e) {
				return constant
			}
			if a.libName(e.X) == "collections.deque" && e.Args[0].Kind == "list" {
				return constant
			}
			return a.overSize(linear, e, sc)
		}
	}
	return constant
}

// collectionSize is how much the collection named v can hold: what its
// assignment in body allocates, or linear when that says nothing (an
// empty set filled as it goes).
func (a *analyzer) collectionSize(body []*pyast.Stmt, v string, sc *scope) cost {
	size := constant
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		if s.Kind == "assign" && len(s.Targets) == 1 && s.Targets[0].Kind == "name" && s.Targets[0].Name == v {
			size = maxCost(size, a.allocation(s.Value, sc))
		}
		return s.Kind != "def"
	})
	if size == constant {
		return linear
	}
	return size
}

// queueOf: the name q in q.append(…), or "".
func queueOf(call *pyast.Expr) string {
	if call.X.Kind == "attr" && call.X.X.Kind == "name" {
		return call.X.X.Name
	}
	return ""
}
