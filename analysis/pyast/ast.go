package pyast

// Stmt is a statement. Which fields are set depends on Kind:
//
//	def      Name, Params, Decorators, Body
//	class    Name, Decorators (and bases in Value's Args), Body
//	for      Target, Value (the iterable), Body, Else
//	while    Value (the test), Body, Else
//	if       Value (the test), Body, Else (an elif is an if alone in Else)
//	try      Body, Handlers, Else (else and finally bodies, in order)
//	with     Value (the context expressions as a tuple), Body
//	match    Value (the subject), Handlers (one body per case)
//	assign   Targets (a = b = value), Value
//	augassign Target, Op ("+=", …), Value
//	annassign Target, Value (may be nil)
//	return, expr, yield-less others: Value
//	import   Names ("module=alias" for import, "module.name=alias" for
//	         from … import), Name (the module of a from-import, "" else)
//	other    anything else, or a statement that could not be parsed
type Stmt struct {
	Kind       string
	Line       int
	Name       string
	Params     []Param
	Decorators []*Expr
	Target     *Expr
	Targets    []*Expr
	Op         string
	Value      *Expr
	Names      []string
	Body       []*Stmt
	Else       []*Stmt
	Handlers   [][]*Stmt
}

// Param is a function parameter.
type Param struct {
	Name    string
	Default *Expr
	Star    string // "", "*" or "**"
}

// Expr is an expression. By Kind:
//
//	name     Name
//	num, str, const (True/False/None/...)   Name holds the text
//	attr     X.Name
//	sub      X[Y]
//	slice    X:Y:Z (any may be nil)
//	call     X(Args…); a keyword argument is a "kw" Expr (Name=X)
//	bin      X Name Y (Name is the operator)
//	unary    Name X ("-", "+", "~", "not")
//	bool     Args joined by Name ("and", "or")
//	cmp      Args[0] Ops[0] Args[1] Ops[1] …
//	ifexp    Y if X else Z
//	tuple, list, set   Args
//	dict     Args: key, value, key, value… (a **spread has a nil key)
//	comp     a comprehension or generator: Name ("list", "set", "dict",
//	         "gen"), X the element (Y the value of a dict), Gens
//	lambda   Params, X the body
//	star     *X or **X (Name is the star)
//	walrus   X := Y
//	await, yield   X (may be nil); Name "from" for yield from
//	other    what could not be parsed
type Expr struct {
	Kind    string
	Line    int
	Name    string
	X, Y, Z *Expr
	Args    []*Expr
	Ops     []string
	Gens    []Gen
	Params  []Param
}

// Gen is one "for Target in Iter if Ifs…" clause of a comprehension.
type Gen struct {
	Target, Iter *Expr
	Ifs          []*Expr
}

// Walk calls f for e and every expression inside it, depth first; f
// returning false skips what is inside.
func (e *Expr) Walk(f func(*Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	e.X.Walk(f)
	e.Y.Walk(f)
	e.Z.Walk(f)
	for _, a := range e.Args {
		a.Walk(f)
	}
	for _, g := range e.Gens {
		g.Target.Walk(f)
		g.Iter.Walk(f)
		for _, c := range g.Ifs {
			c.Walk(f)
		}
	}
	for _, p := range e.Params {
		p.Default.Walk(f)
	}
}

// Exprs calls f for every expression directly in s (not in its blocks).
func (s *Stmt) Exprs(f func(*Expr) bool) {
	for _, d := range s.Decorators {
		d.Walk(f)
	}
	s.Target.Walk(f)
	for _, t := range s.Targets {
		t.Walk(f)
	}
	s.Value.Walk(f)
	for _, p := range s.Params {
		p.Default.Walk(f)
	}
}

// Blocks returns s's nested statement lists.
func (s *Stmt) Blocks() [][]*Stmt {
	out := [][]*Stmt{s.Body}
	out = append(out, s.Handlers...)
	return append(out, s.Else)
}

// WalkStmts calls f for every statement in body and the blocks inside
// them, depth first; f returning false skips the statement's blocks.
func WalkStmts(body []*Stmt, f func(*Stmt) bool) {
	for _, s := range body {
		if f(s) {
			for _, b := range s.Blocks() {
				WalkStmts(b, f)
			}
		}
	}
}

// BoundNames returns the names a program binds (functions, classes,
// parameters, assignment and loop targets, comprehension variables) and
// the attribute names it assigns (self.x = …), each once.
func BoundNames(body []*Stmt) (names, attrs []string) {
	seen := map[string]bool{}
	seenAttr := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	target := func(e *Expr) {
		e.Walk(func(x *Expr) bool {
			switch x.Kind {
			case "name":
				add(x.Name)
			case "attr":
				if !seenAttr[x.Name] {
					seenAttr[x.Name] = true
					attrs = append(attrs, x.Name)
				}
				return false
			case "sub":
				return false
			}
			return true
		})
	}
	WalkStmts(body, func(s *Stmt) bool {
		switch s.Kind {
		case "def", "class":
			add(s.Name)
		case "for", "augassign", "annassign":
			target(s.Target)
		case "assign":
			for _, t := range s.Targets {
				target(t)
			}
		}
		for _, p := range s.Params {
			add(p.Name)
		}
		s.Exprs(func(e *Expr) bool {
			for _, g := range e.Gens {
				target(g.Target)
			}
			for _, p := range e.Params {
				add(p.Name)
			}
			if e.Kind == "walrus" {
				target(e.X)
			}
			return true
		})
		return true
	})
	return names, attrs
}
