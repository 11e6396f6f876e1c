package analysis

import (
	"github.com/coderemote/coderemote/analysis/pyast"
)

// Kinds: what sort of container each variable holds, inferred from how it
// is made (a list, a dict, a set, a deque, a heap, a string, a number).

func inferKinds(body []*pyast.Stmt, a *analyzer) map[string]kind {
	m := map[string]kind{}
	pyast.WalkStmts(body, func(s *pyast.Stmt) bool {
		switch s.Kind {
		case "def", "class":
			return false
		case "assign", "annassign":
			if s.Value == nil {
				return true
			}
			targets := s.Targets
			if s.Kind == "annassign" {
				targets = []*pyast.Expr{s.Target}
			}
			for _, t := range targets {
				if t.Kind == "name" {
					if k := exprKind(s.Value, a, m); k != kUnknown {
						m[t.Name] = k
					}
				} else if t.Kind == "tuple" && s.Value.Kind == "tuple" && len(t.Args) == len(s.Value.Args) {
					for i, x := range t.Args {
						if x.Kind == "name" {
							if k := exprKind(s.Value.Args[i], a, m); k != kUnknown {
								m[x.Name] = k
							}
						}
					}
				}
			}
		}
		return true
	})
	return m
}

// exprKind is the kind of container (or number) an expression makes.
func exprKind(e *pyast.Expr, a *analyzer, known map[string]kind) kind {
	return exprKindDepth(e, a, known, 0)
}

func exprKindDepth(e *pyast.Expr, a *analyzer, known map[string]kind, depth int) kind {
	switch e.Kind {
	case "list", "str", "tuple":
		return kList
	case "dict", "set":
		return kHash
	case "num":
		return kNumber
	case "comp":
		if e.Name == "set" || e.Name == "dict" {
			return kHash
		}
		return kList
	case "bin":
		// a + b + c nests to the left: a few levels tell, and reading all of
		// a long sum at every level would be quadratic.
		if (e.Name == "*" || e.Name == "+") && depth < 4 {
			if k := exprKindDepth(e.X, a, known, depth+1); k == kList {
				return kList
			}
			if k := exprKindDepth(e.Y, a, known, depth+1); k == kList {
				return kList
			}
		}
	case "name":
		if known != nil {
			return known[e.Name]
		}
	case "call":
		switch a.libName(e.X) {
		case "set", "dict", "frozenset", "collections.Counter", "collections.defaultdict", "collections.OrderedDict":
			return kHash
		case "list", "sorted", "tuple", "str":
			return kList
		case "collections.deque":
			return kDeque
		case "len", "int", "sum", "abs", "max", "min", "math.isqrt":
			return kNumber
		}
	}
	return kUnknown
}

// libName is the library name a callee refers to ("sorted",
// "heapq.heappush", "collections.deque"), or "" for the programmer's own
// names. Methods come back as ".name" (x.append → ".append").
func (a *analyzer) libName(e *pyast.Expr) string {
	switch e.Kind {
	case "name":
		if full, ok := a.imports[e.Name]; ok {
			return full
		}
		if _, own := a.fns[e.Name]; own {
			return ""
		}
		if builtins[e.Name] {
			return e.Name
		}
	case "attr":
		if e.X.Kind == "name" {
			if full, ok := a.imports[e.X.Name]; ok {
				return full + "." + e.Name
			}
		}
		return "." + e.Name
	}
	return ""
}

var builtins = map[string]bool{
	"range": true, "len": true, "sorted": true, "sum": true, "min": true, "max": true, "list": true, "set": true,
	"dict": true, "tuple": true, "str": true, "int": true, "float": true, "enumerate": true, "zip": true,
	"reversed": true, "map": true, "filter": true, "any": true, "all": true, "print": true, "abs": true,
	"frozenset": true, "input": true, "iter": true, "next": true, "isinstance": true, "divmod": true, "pow": true,
	"bool": true, "ord": true, "chr": true, "round": true, "hash": true, "id": true, "repr": true, "format": true,
}
