package analysis

import (
	"github.com/coderemote/coderemote/analysis/pyast"
)

// Sizes: a function may take two inputs of different sizes (two strings
// to align, items and a capacity, a list and the queries against it). The
// analyzer reads which input each loop runs over, from structure alone:
// the parameters (and names bound to their lengths) that bound the
// function's loops, in the order they first do so. The first is the size
// n, a second, different one the size m; a loop bounded by m alone costs
// m, and the costs compose (n · m for a loop inside a loop, n + m for two
// in a row, m log n for a binary search per query). The two dimensions of
// one input (len(g) and len(g[0])) are two sizes too. With one input,
// nothing changes: every loop is over n.

// sizeKeys lists the inputs whose size e depends on: a parameter named,
// len(p), or the second dimension p[…] in len(p[…]); a name bound to one
// of those stands for it. Elements (p[i]) and attributes are not sizes.
func (f *fn) sizeKeys(e *pyast.Expr) []string {
	var keys []string
	var walk func(x *pyast.Expr)
	walk = func(x *pyast.Expr) {
		if x == nil {
			return
		}
		switch x.Kind {
		case "name":
			if k, ok := f.sizeAlias[x.Name]; ok {
				keys = append(keys, k)
			} else if f.isParam(x.Name) {
				keys = append(keys, x.Name)
			}
			return
		case "sub":
			if x.Y != nil && x.Y.Kind == "slice" {
				// a slice is as long as its bounds say (len(q) in them),
				// else as its base
				before := len(keys)
				walkLens(x.Y, f, &keys)
				if len(keys) == before {
					walk(x.X)
				}
			}
			return
		case "attr", "lambda":
			return
		case "call":
			if x.X != nil && x.X.Kind == "name" && x.X.Name == "len" && len(x.Args) == 1 {
				arg := x.Args[0]
				switch {
				case arg.Kind == "name":
					walk(arg)
				case arg.Kind == "sub" && arg.X.Kind == "name" && f.isParam(arg.X.Name) && (arg.Y == nil || arg.Y.Kind != "slice"):
					keys = append(keys, arg.X.Name+"[]")
				default:
					walk(arg)
				}
				return
			}
			for _, y := range x.Args {
				walk(y)
			}
			return
		}
		walk(x.X)
		walk(x.Y)
		walk(x.Z)
		for _, y := range x.Args {
			walk(y)
		}
	}
	walk(e)
	return keys
}

// walkLens adds the keys of the len(…) calls in e.
func walkLens(e *pyast.Expr, f *fn, keys *[]string) {
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "call" && x.X != nil && x.X.Kind == "name" && x.X.Name == "len" {
			*keys = append(*keys, f.sizeKeys(x)...)
			return false
		}
		return true
	})
}

func (f *fn) isParam(name string) bool {
	for _, p := range f.params {
		if p == name && p != "self" {
			return true
		}
	}
	return false
}

// findSizes reads, in source order, the loops' bounds and the names bound
// to sizes, and numbers the inputs they depend on: 0 for the first (n), 1
// for a second, different one (m); a third or later counts as n.
func (f *fn) findSizes() {
	f.sizeAlias, f.sizeClass = map[string]string{}, map[string]int{}
	// Inputs measured as sequences (len(p), for x in p) come before
	// numbers used as bounds (range(c)): items and a capacity, a list and
	// a window's width, are n and m in that order.
	var seqs, nums []string
	seen := map[string]bool{}
	note := func(e *pyast.Expr) {
		for _, k := range f.sizeKeys(e) {
			if seen[k] {
				continue
			}
			seen[k] = true
			if f.isParam(k) && f.numeric(k, e) {
				nums = append(nums, k)
			} else {
				seqs = append(seqs, k)
			}
		}
	}
	defer func() {
		for i, k := range append(seqs, nums...) {
			f.sizeClass[k] = min(i, 1)
			if i > 1 {
				f.sizeClass[k] = 0
			}
		}
	}()
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		switch s.Kind {
		case "def", "class":
			return s == f.def
		case "for", "while":
			note(s.Value)
		case "assign":
			if len(s.Targets) != 1 {
				break
			}
			t, v := s.Targets[0], s.Value
			pairs := [][2]*pyast.Expr{{t, v}}
			if t.Kind == "tuple" && v.Kind == "tuple" && len(t.Args) == len(v.Args) {
				pairs = pairs[:0]
				for i := range t.Args {
					pairs = append(pairs, [2]*pyast.Expr{t.Args[i], v.Args[i]})
				}
			}
			for _, p := range pairs {
				if p[0].Kind == "name" && isLenOf(p[1]) {
					if keys := f.sizeKeys(p[1]); len(keys) == 1 {
						f.sizeAlias[p[0].Name] = keys[0]
						note(p[1])
					}
				}
			}
		}
		s.Exprs(func(e *pyast.Expr) bool {
			f.noteInOrder(e, note)
			return false
		})
		return true
	})
}

// isLenOf: len(x), or len(x) plus or minus a constant.
func isLenOf(e *pyast.Expr) bool {
	if e.Kind == "bin" && (e.Name == "+" || e.Name == "-") && isConstant(e.Y) {
		e = e.X
	}
	return e.Kind == "call" && e.X != nil && e.X.Kind == "name" && e.X.Name == "len" && len(e.Args) == 1
}

// sizeOf is which size e runs over: 1 when every input it depends on is
// the second size m, else 0 (n).
func (a *analyzer) sizeOf(e *pyast.Expr, sc *scope) int {
	if sc == nil || sc.f == nil || e == nil || len(sc.f.sizeClass) < 2 {
		return 0
	}
	keys := sc.f.sizeKeys(e)
	if len(keys) == 0 {
		return 0
	}
	for _, k := range keys {
		if sc.f.sizeClass[k] != 1 {
			return 0
		}
	}
	return 1
}

// overSize turns a cost linear in n into the same in m when e runs over m.
func (a *analyzer) overSize(c cost, e *pyast.Expr, sc *scope) cost {
	if c == linear && a.sizeOf(e, sc) == 1 {
		return mLinear
	}
	return c
}

// numeric reports whether parameter p appears in e as a number (a bound or
// an operand) rather than as a sequence (in len(p), or iterated over).
func (f *fn) numeric(p string, e *pyast.Expr) bool {
	if e.Kind == "name" && e.Name == p {
		return false // for x in p
	}
	asSeq := false
	e.Walk(func(x *pyast.Expr) bool {
		if x.Kind == "call" && x.X != nil && x.X.Kind == "name" && len(x.Args) > 0 && x.Args[0].Kind == "name" && x.Args[0].Name == p {
			switch x.X.Name {
			case "len", "enumerate", "reversed", "sorted", "zip", "set", "list", "iter":
				asSeq = true
			}
		}
		return true
	})
	return !asSeq
}

// collapse counts m as n: for a cost that belongs to no caller's sizes.
func (c cost) collapse() cost {
	c.poly += c.mpoly
	c.mpoly = 0
	if c.plusM {
		c.plusM = false
		c.poly = max(c.poly, 1)
	}
	return c
}

// swapSizes exchanges n and m in a cost of n and m alone.
func (c cost) swapSizes() cost {
	if c.plusM {
		return c
	}
	c.poly, c.mpoly = c.mpoly, c.poly
	return c
}

// inCaller rewrites a callee's cost in the caller's sizes: the callee's n
// and m are the sizes of the arguments it was given. Two halves of one
// list given to a merge are both n; called from module code, with
// literal data, the callee's own sizes stand.
func (a *analyzer) inCaller(f *fn, c cost, call *pyast.Expr, sc *scope) cost {
	if sc == nil || sc.f == nil || c.exp || c.fact || c.graph || c.heapGraph {
		return c
	}
	classOf := func(class int) int { // the caller's size of the argument for the callee's size class
		args := positional(call.Args)
		for i, p := range f.params {
			if i < len(args) && f.sizeClass[p] == class && f.isParam(p) {
				return a.sizeOf(args[i], sc)
			}
		}
		return -1
	}
	n, m := classOf(0), classOf(1)
	switch {
	case m == -1 && n == 1 && c == linear:
		return mLinear
	case m == -1:
		return c.collapse()
	case n == 0 && m == 1:
		return c
	case n == 1 && m == 0:
		return c.swapSizes()
	default:
		return c.collapse()
	}
}

// findFixed marks the names bound once, to literal data, and never grown.
func (f *fn) findFixed() {
	f.fixed = map[string]bool{}
	bound := map[string]int{}
	grown := map[string]bool{}
	pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
		switch s.Kind {
		case "def", "class":
			return s == f.def
		case "assign":
			for _, t := range s.Targets {
				for _, n := range boundBy(t) {
					bound[n]++
					if t.Kind == "name" && (s.Value.Kind == "list" || s.Value.Kind == "tuple" || s.Value.Kind == "str") && isConstant(s.Value) {
						f.fixed[n] = true
					}
				}
				if t.Kind == "sub" && t.X.Kind == "name" {
					grown[t.X.Name] = true
				}
			}
		case "augassign", "for":
			for _, n := range boundBy(s.Target) {
				grown[n] = true
			}
		}
		s.Exprs(func(e *pyast.Expr) bool {
			if e.Kind == "call" && e.X.Kind == "attr" && e.X.X.Kind == "name" {
				switch e.X.Name {
				case "append", "extend", "insert", "add", "update", "appendleft":
					grown[e.X.X.Name] = true
				}
			}
			return true
		})
		return true
	})
	for n := range f.fixed {
		if bound[n] != 1 || grown[n] || f.isParam(n) {
			delete(f.fixed, n)
		}
	}
}

// noteInOrder notes, in the order they are written, the inputs e hands to
// functions that walk them: a builtin over a parameter (set(a), sorted(a)),
// a parameter passed on to another call (lo(a, x)), and a comprehension's
// iterables (after its element, which is written first).
func (f *fn) noteInOrder(e *pyast.Expr, note func(*pyast.Expr)) {
	if e == nil {
		return
	}
	switch e.Kind {
	case "comp":
		f.noteInOrder(e.X, note)
		f.noteInOrder(e.Y, note)
		for _, g := range e.Gens {
			note(g.Iter)
			f.noteInOrder(g.Iter, note)
		}
		return
	case "call":
		if e.X.Kind == "name" && e.X.Name != "len" && e.X.Name != "range" && e.X.Name != "print" {
			for _, x := range positional(e.Args) {
				if x.Kind == "name" && f.isParam(x.Name) {
					note(x)
				}
			}
		}
	case "lambda":
		return
	}
	f.noteInOrder(e.X, note)
	f.noteInOrder(e.Y, note)
	f.noteInOrder(e.Z, note)
	for _, x := range e.Args {
		f.noteInOrder(x, note)
	}
}
