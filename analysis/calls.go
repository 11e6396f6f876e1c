package analysis

import (
	"github.com/coderemote/coderemote/analysis/pyast"
)

// Time: the cost of expressions: membership tests, and the known costs of
// built-in and library calls.

// exprCost: the cost of evaluating e once (calls to the programmer's
// non-recursive functions included).
func (a *analyzer) exprCost(e *pyast.Expr, sc *scope) cost {
	c := constant
	e.Walk(func(x *pyast.Expr) bool {
		a.steps++
		switch x.Kind {
		case "comp":
			n := constant
			for _, g := range x.Gens {
				if literalData(g.Iter) {
					continue
				}
				n = n.times(a.overSize(linear, g.Iter, sc))
			}
			inner := a.exprCost(x.X, sc)
			if x.Y != nil {
				inner = maxCost(inner, a.exprCost(x.Y, sc))
			}
			c = maxCost(c, n.times(inner))
			for _, g := range x.Gens {
				c = maxCost(c, a.exprCost(g.Iter, sc))
			}
			return false
		case "call":
			c = maxCost(c, a.overSize(a.callCost(x, sc), x, sc))
		case "cmp":
			for i, op := range x.Ops {
				if op == "in" || op == "not in" {
					c = maxCost(c, a.overSize(a.membershipCost(x.Args[i+1], sc), x.Args[i+1], sc))
				}
			}
		case "sub":
			if x.Y != nil && x.Y.Kind == "slice" && !constantSlice(x.Y) {
				c = maxCost(c, a.overSize(linear, x, sc))
			}
		case "bin":
			if x.Name == "*" && (x.X.Kind == "list" || x.X.Kind == "str") && !isConstant(x.Y) {
				c = maxCost(c, a.overSize(linear, x.Y, sc))
			}
			if x.Name == "+" && (exprKindIn(x.X, a, sc) == kList && exprKindIn(x.Y, a, sc) == kList) {
				c = maxCost(c, linear)
			}
		}
		return true
	})
	return c
}

func exprKindIn(e *pyast.Expr, a *analyzer, sc *scope) kind {
	if e.Kind == "name" {
		return sc.kindOf(e.Name, a)
	}
	if e.Kind == "sub" && e.Y != nil && e.Y.Kind == "slice" {
		return kList
	}
	return exprKind(e, a, nil)
}

func allConstantArgs(call *pyast.Expr) bool {
	for _, x := range call.Args {
		if !isConstant(x) {
			return false
		}
	}
	return true
}

func (a *analyzer) membershipCost(container *pyast.Expr, sc *scope) cost {
	switch container.Kind {
	case "set", "dict", "tuple", "list", "str":
		if len(container.Args) <= 16 || container.Kind == "str" {
			return constant
		}
		return linear
	case "call":
		switch a.libName(container.X) {
		case ".keys", "set", "dict", "range", ".values":
			if a.libName(container.X) == ".values" {
				return linear
			}
			return constant
		}
		return linear
	case "name":
		switch sc.kindOf(container.Name, a) {
		case kList:
			return linear
		case kDeque:
			return linear
		}
		return constant
	case "sub":
		if container.Y != nil && container.Y.Kind == "slice" {
			return linear
		}
	}
	return constant
}

// callCost: a call's own cost (its arguments are walked separately).
func (a *analyzer) callCost(x *pyast.Expr, sc *scope) cost {
	name := a.libName(x.X)
	switch name {
	case "sorted", ".sort":
		return nLogN
	case ".remove", ".discard":
		if x.X.X.Kind == "name" && sc.kindOf(x.X.X.Name, a) == kHash || name == ".discard" {
			return constant
		}
		return linear
	case ".extend":
		if x.X.X.Kind == "name" && sc != nil && sc.drained[x.X.X.Name] {
			return constant // amortised: each item is queued once
		}
		return linear
	case "sum", "min", "max", "any", "all", "list", "tuple", "set", "dict", "frozenset", ".join", ".copy",
		".count", ".index", ".split", "collections.Counter", ".reverse",
		"heapq.heapify", "collections.deque", ".values", ".items", ".keys", "str":
		if name == ".values" || name == ".items" || name == ".keys" {
			return constant
		}
		if len(x.Args) > 0 && allConstantArgs(x) && name != ".count" && name != ".index" && name != ".remove" {
			return constant
		}
		if len(x.Args) == 1 && (x.Args[0].Kind == "list" || x.Args[0].Kind == "tuple") && name != ".count" && name != ".index" {
			return constant // deque([(i, j)]): a display of a fixed number of items
		}
		if (name == "min" || name == "max") && len(positional(x.Args)) >= 2 {
			return constant
		}
		if name == "str" {
			return constant
		}
		return linear
	case ".insert":
		if len(x.Args) > 0 && x.Args[0].Kind == "num" && x.Args[0].Name == "0" {
			return linear
		}
		return linear
	case ".pop":
		if len(x.Args) > 0 && x.Args[0].Kind == "num" && x.Args[0].Name == "0" {
			return linear
		}
		return constant
	case "heapq.heappush", "heapq.heappop", "heapq.heapreplace", "heapq.heappushpop":
		return logN
	case "heapq.nlargest", "heapq.nsmallest":
		return nLogN
	case "bisect.bisect_left", "bisect.bisect_right", "bisect.bisect":
		return logN
	case "bisect.insort", "bisect.insort_left", "bisect.insort_right":
		return linear
	case "math.factorial", "pow":
		return constant
	case "":
		// The programmer's own function: its cost (not when recursive: the
		// recursion is accounted for by analyzeFn).
		if x.X.Kind == "name" {
			if f, ok := a.fns[x.X.Name]; ok {
				if sc != nil && sc.f == f {
					return constant
				}
				a.analyzeFn(f)
				if f.state == 1 { // mutual recursion
					a.unsure, a.undetermined = true, true
					return constant
				}
				if a.sharedTraversal(f, sc) {
					sc.f.amortised = maxCost(sc.f.amortised, a.inCaller(f, f.time, x, sc))
					return constant
				}
				return a.inCaller(f, f.time, x, sc)
			}
		}
	}
	return constant
}
