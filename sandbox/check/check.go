// Package check finds, without running a program, what the sandbox's guard
// would refuse: imports outside the allowlist, blocked builtins, forbidden
// names and attributes, and strings that name them. The rule lists are read
// from the guard itself (sandbox/guard.py), so the two cannot drift apart;
// the guard remains what enforces them. It also reports lines that are not
// valid Python. It backs POST /check, which the editor calls while you type.
package check

import (
	"slices"
	"strings"

	"github.com/coderemote/coderemote/analysis/pyast"
	"github.com/coderemote/coderemote/sandbox"
)

// Problem is one finding, on a line (columns are not tracked: the whole
// line is marked).
type Problem struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
	// Kind is "violation" (the sandbox would refuse the program) or
	// "syntax" (the line could not be read as Python).
	Kind string `json:"kind"`
}

var (
	blockedBuiltins = sandbox.BlockedBuiltins
	forbiddenAttrs  = sandbox.ForbiddenAttrs
)

// Program checks code against the allowlist of importable modules.
func Program(code string, allowed []string) []Problem {
	ok := map[string]bool{"__future__": true}
	for _, m := range allowed {
		ok[m] = true
	}
	allowedTop := ok
	var out []Problem
	add := func(line int, kind, msg string) {
		out = append(out, Problem{Line: line, Message: msg, Kind: kind})
	}
	top := func(mod string) string { m, _, _ := strings.Cut(mod, "."); return m }
	pyast.WalkStmts(pyast.Parse(code), func(s *pyast.Stmt) bool {
		switch s.Kind {
		case "other":
			add(s.Line, "syntax", "This line could not be read as Python")
		case "import":
			if s.Name != "" { // from … import
				mod := s.Name
				switch {
				case strings.HasPrefix(mod, "."):
					add(s.Line, "violation", "Relative imports are not allowed: a program here is one file")
				case !ok[top(mod)]:
					add(s.Line, "violation", sandbox.ImportRefusal(mod))
				}
				for _, n := range s.Names {
					full, _, _ := strings.Cut(n, "=")
					if name := full[strings.LastIndexByte(full, '.')+1:]; forbiddenAttrs[name] {
						add(s.Line, "violation", "Import of name '"+name+"' is not allowed: "+sandbox.AttrReason)
					}
				}
			} else {
				for _, n := range s.Names {
					mod, _, _ := strings.Cut(n, "=")
					if !ok[top(mod)] {
						add(s.Line, "violation", sandbox.ImportRefusal(mod))
					}
				}
			}
		}
		stored := map[*pyast.Expr]bool{}
		for _, t := range s.Targets {
			stored[t] = true
		}
		if s.Kind == "for" || s.Kind == "augassign" || s.Kind == "annassign" {
			stored[s.Target] = true
		}
		literalImport := map[*pyast.Expr]bool{}
		s.Exprs(func(e *pyast.Expr) bool {
			switch e.Kind {
			case "call":
				// __import__("doctest"): the module named in the code, checked
				// as an import (the guard rewrites the call)
				if e.X.Kind == "name" && e.X.Name == "__import__" && len(e.Args) == 1 && e.Args[0].Kind == "str" {
					if mod, ok := literalString(e.Args[0].Name); ok {
						literalImport[e.X] = true
						if strings.HasPrefix(mod, ".") || !allowedTop[top(mod)] {
							add(e.Line, "violation", sandbox.ImportRefusal(mod))
						}
					}
				}
			case "name":
				switch {
				case literalImport[e]:
				case blockedBuiltins[e.Name] && !stored[e]:
					add(e.Line, "violation", "Use of builtin '"+e.Name+"' is not allowed: "+sandbox.BuiltinReasons[e.Name])
				case forbiddenAttrs[e.Name]:
					add(e.Line, "violation", "Use of name '"+e.Name+"' is not allowed: "+sandbox.AttrReason)
				}
			case "attr":
				if forbiddenAttrs[e.Name] {
					add(e.Line, "violation", "Access to attribute '"+e.Name+"' is not allowed: "+sandbox.AttrReason)
				}
			case "str":
				for name := range forbiddenAttrs {
					if strings.HasPrefix(name, "__") && strings.Contains(e.Name, name) {
						add(e.Line, "violation", "String mentions forbidden attribute '"+name+"': "+sandbox.AttrReason)
						break
					}
				}
			}
			return true
		})
		return true
	})
	slices.SortStableFunc(out, func(a, b Problem) int { return a.Line - b.Line })
	return out
}

// literalString is the value of a plain string literal ('x' or "x", no
// prefix, escapes or concatenation), or ok false.
func literalString(tok string) (string, bool) {
	if len(tok) < 2 || tok[0] != tok[len(tok)-1] || (tok[0] != '"' && tok[0] != '\'') {
		return "", false
	}
	v := tok[1 : len(tok)-1]
	if strings.ContainsAny(v, "\\\"'") {
		return "", false
	}
	return v, true
}
