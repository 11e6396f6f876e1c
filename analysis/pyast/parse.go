package pyast

import "strings"

// maxDepth bounds expression nesting: deeper code is opaque to us rather
// than a risk to the stack.
const maxDepth = 200

type parser struct {
	toks  []token
	pos   int
	depth int
}

type bail struct{}

// Parse parses a module. It never fails: a statement it cannot parse
// becomes a Stmt of Kind "other" (its block, if it has one, is kept).
func Parse(src string) []*Stmt {
	p := &parser{toks: lex(src)}
	var out []*Stmt
	for p.peek().kind != tEOF {
		if p.peek().kind == tDedent || p.peek().kind == tNewline {
			p.pos++
			continue
		}
		out = append(out, p.statementLine()...)
	}
	return out
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isOp(s string) bool { t := p.peek(); return t.kind == tOp && t.text == s }

func (p *parser) isName(s string) bool { t := p.peek(); return t.kind == tName && t.text == s }

func (p *parser) accept(s string) bool {
	t := p.peek()
	if (t.kind == tOp || t.kind == tName) && t.text == s {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(s string) {
	if !p.accept(s) {
		panic(bail{})
	}
}

func (p *parser) name() string {
	t := p.peek()
	if t.kind != tName {
		panic(bail{})
	}
	p.pos++
	return t.text
}

// skipLine moves past the end of the current logical line.
func (p *parser) skipLine() {
	for {
		switch p.peek().kind {
		case tEOF:
			return
		case tNewline:
			p.pos++
			return
		}
		p.pos++
	}
}

// statementLine parses one line's statements (several when separated by
// ";"), or one compound statement with its block.
func (p *parser) statementLine() (out []*Stmt) {
	start := p.pos
	line := p.peek().line
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bail); !ok {
				panic(r)
			}
			// Unparsable: skip the line; keep a block that follows it.
			p.pos = start
			p.depth = 0
			p.skipLine()
			s := &Stmt{Kind: "other", Line: line}
			if p.peek().kind == tIndent {
				s.Body = p.indentedBlock()
			}
			out = []*Stmt{s}
		}
	}()
	if p.peek().kind == tIndent { // unexpected indentation: read the block as if it were not
		return p.indentedBlock()
	}
	if s := p.compound(); s != nil {
		return []*Stmt{s}
	}
	return p.simpleLine()
}

// indentedBlock reads INDENT statements DEDENT.
func (p *parser) indentedBlock() []*Stmt {
	p.pos++ // INDENT
	var out []*Stmt
	for {
		switch p.peek().kind {
		case tDedent:
			p.pos++
			return out
		case tEOF:
			return out
		case tNewline:
			p.pos++
			continue
		}
		out = append(out, p.statementLine()...)
	}
}

// block reads what follows a compound statement's ":".
func (p *parser) block() []*Stmt {
	p.expect(":")
	if p.peek().kind == tNewline {
		p.pos++
		if p.peek().kind == tIndent {
			return p.indentedBlock()
		}
		return nil
	}
	return p.simpleLine()
}

func (p *parser) simpleLine() []*Stmt {
	var out []*Stmt
	for {
		out = append(out, p.simple())
		if !p.accept(";") {
			break
		}
		if p.peek().kind == tNewline || p.peek().kind == tEOF {
			break
		}
	}
	switch p.peek().kind {
	case tNewline:
		p.pos++
	case tEOF, tDedent:
	default:
		panic(bail{})
	}
	return out
}

// endsWithColonBlock reports whether the logical line from here ends with
// ":" and a block follows: how soft keywords (match, case) are told apart
// from names.
func (p *parser) endsWithColonBlock() bool {
	for k := p.pos; k < len(p.toks); k++ {
		if p.toks[k].kind == tNewline {
			return k > p.pos && p.toks[k-1].kind == tOp && p.toks[k-1].text == ":" && k+1 < len(p.toks) && p.toks[k+1].kind == tIndent
		}
		if p.toks[k].kind == tEOF {
			return false
		}
	}
	return false
}

func (p *parser) compound() *Stmt {
	t := p.peek()
	line := t.line
	if t.kind == tOp && t.text == "@" {
		var decs []*Expr
		for p.accept("@") {
			decs = append(decs, p.test())
			if p.peek().kind != tNewline {
				panic(bail{})
			}
			p.pos++
		}
		s := p.compound()
		if s == nil || s.Kind != "def" && s.Kind != "class" {
			panic(bail{})
		}
		s.Decorators = decs
		s.Line = line
		return s
	}
	if t.kind != tName {
		return nil
	}
	switch t.text {
	case "async":
		if n := p.peekAt(1); n.kind == tName && (n.text == "def" || n.text == "for" || n.text == "with") {
			p.pos++
			return p.compound()
		}
		return nil
	case "def":
		p.pos++
		s := &Stmt{Kind: "def", Line: line, Name: p.name()}
		if p.isOp("[") { // type parameters
			p.skipBrackets()
		}
		p.expect("(")
		s.Params = p.params(")")
		p.expect(")")
		if p.accept("->") {
			p.test()
		}
		s.Body = p.block()
		return s
	case "class":
		p.pos++
		s := &Stmt{Kind: "class", Line: line, Name: p.name()}
		if p.isOp("[") {
			p.skipBrackets()
		}
		if p.accept("(") {
			s.Value = &Expr{Kind: "tuple", Line: line, Args: p.callArgs()}
			p.expect(")")
		}
		s.Body = p.block()
		return s
	case "if", "elif", "while":
		p.pos++
		kind := t.text
		if kind == "elif" {
			kind = "if"
		}
		s := &Stmt{Kind: kind, Line: line, Value: p.namedTest()}
		s.Body = p.block()
		s.Else = p.elseBlock(kind == "if")
		return s
	case "for":
		p.pos++
		s := &Stmt{Kind: "for", Line: line, Target: p.targetList()}
		p.expect("in")
		s.Value = p.testList()
		s.Body = p.block()
		s.Else = p.elseBlock(false)
		return s
	case "try":
		p.pos++
		s := &Stmt{Kind: "try", Line: line}
		s.Body = p.block()
		for p.isName("except") {
			p.pos++
			p.accept("*")
			if !p.isOp(":") {
				p.test()
				if p.accept("as") {
					p.name()
				} else if p.accept(",") {
					p.test()
				}
			}
			s.Handlers = append(s.Handlers, p.block())
		}
		for p.isName("else") || p.isName("finally") {
			p.pos++
			s.Else = append(s.Else, p.block()...)
		}
		return s
	case "with":
		p.pos++
		s := &Stmt{Kind: "with", Line: line}
		var items []*Expr
		for {
			items = append(items, p.test())
			if p.accept("as") {
				p.bitOr()
			}
			if !p.accept(",") {
				break
			}
		}
		s.Value = &Expr{Kind: "tuple", Line: line, Args: items}
		s.Body = p.block()
		return s
	case "match":
		if !p.endsWithColonBlock() {
			return nil
		}
		p.pos++
		s := &Stmt{Kind: "match", Line: line, Value: p.testList()}
		p.expect(":")
		if p.next().kind != tNewline || p.peek().kind != tIndent {
			panic(bail{})
		}
		p.pos++
		for p.peek().kind != tDedent && p.peek().kind != tEOF {
			if p.peek().kind == tNewline {
				p.pos++
				continue
			}
			if !p.isName("case") {
				panic(bail{})
			}
			// The pattern: skipped to its ":" (patterns bind names; we do
			// not need them).
			for !(p.isOp(":") && p.peekAt(1).kind == tNewline) && p.peek().kind != tNewline && p.peek().kind != tEOF {
				p.pos++
			}
			s.Handlers = append(s.Handlers, p.block())
		}
		if p.peek().kind == tDedent {
			p.pos++
		}
		return s
	}
	return nil
}

func (p *parser) skipBrackets() {
	depth := 0
	for {
		t := p.next()
		if t.kind == tEOF || t.kind == tNewline {
			panic(bail{})
		}
		if t.kind == tOp {
			switch t.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			}
		}
		if depth == 0 {
			return
		}
	}
}

// elseBlock reads an else (or, for if, an elif) that follows a block.
func (p *parser) elseBlock(elif bool) []*Stmt {
	if elif && p.isName("elif") {
		return []*Stmt{p.compound()}
	}
	if p.isName("else") {
		p.pos++
		return p.block()
	}
	return nil
}

// params reads a parameter list up to close (")" for def, ":" for lambda).
func (p *parser) params(close string) []Param {
	var out []Param
	for !p.isOp(close) {
		var prm Param
		switch {
		case p.accept("/"):
			if !p.accept(",") {
				return out
			}
			continue
		case p.accept("**"):
			prm.Star = "**"
		case p.accept("*"):
			prm.Star = "*"
			if p.isOp(",") || p.isOp(close) { // bare *: keyword-only marker
				p.accept(",")
				continue
			}
		}
		prm.Name = p.name()
		if close == ")" && p.accept(":") {
			p.test()
		}
		if p.accept("=") {
			prm.Default = p.test()
		}
		out = append(out, prm)
		if !p.accept(",") {
			break
		}
	}
	return out
}

var augOps = map[string]bool{"+=": true, "-=": true, "*=": true, "/=": true, "//=": true, "%=": true,
	"**=": true, ">>=": true, "<<=": true, "&=": true, "|=": true, "^=": true, "@=": true}

func (p *parser) simple() *Stmt {
	t := p.peek()
	line := t.line
	if t.kind == tName {
		switch t.text {
		case "pass", "break", "continue":
			p.pos++
			return &Stmt{Kind: t.text, Line: line}
		case "return":
			p.pos++
			s := &Stmt{Kind: "return", Line: line}
			if !p.atLineEnd() {
				s.Value = p.testList()
			}
			return s
		case "raise", "del", "assert", "global", "nonlocal":
			p.pos++
			s := &Stmt{Kind: t.text, Line: line}
			if !p.atLineEnd() && t.text != "global" && t.text != "nonlocal" {
				s.Value = p.testList()
				if p.accept("from") {
					p.test()
				}
			} else {
				for !p.atLineEnd() {
					p.pos++
				}
			}
			return s
		case "import":
			p.pos++
			s := &Stmt{Kind: "import", Line: line}
			for {
				mod := p.dotted()
				alias := mod
				if i := strings.IndexByte(mod, '.'); i >= 0 {
					alias = mod[:i]
				}
				if p.accept("as") {
					alias = p.name()
				}
				s.Names = append(s.Names, mod+"="+alias)
				if !p.accept(",") {
					return s
				}
			}
		case "from":
			p.pos++
			mod := ""
			for p.isOp(".") || p.isOp("...") {
				mod += p.next().text
			}
			if !p.isName("import") {
				mod += p.dotted()
			}
			p.expect("import")
			s := &Stmt{Kind: "import", Line: line, Name: mod}
			paren := p.accept("(")
			for !p.atLineEnd() && !p.isOp(")") {
				n := "*"
				if !p.accept("*") {
					n = p.name()
				}
				alias := n
				if p.accept("as") {
					alias = p.name()
				}
				s.Names = append(s.Names, mod+"."+n+"="+alias)
				if !p.accept(",") {
					break
				}
			}
			if paren {
				p.expect(")")
			}
			return s
		case "type":
			if n := p.peekAt(1); n.kind == tName && (p.peekAt(2).text == "=" || p.peekAt(2).text == "[") {
				for !p.atLineEnd() {
					p.pos++
				}
				return &Stmt{Kind: "other", Line: line}
			}
		}
	}
	first := p.testListStar()
	switch {
	case p.isOp("="):
		s := &Stmt{Kind: "assign", Line: line, Targets: []*Expr{first}}
		for p.accept("=") {
			v := p.testListStar()
			s.Targets = append(s.Targets, v)
		}
		s.Value = s.Targets[len(s.Targets)-1]
		s.Targets = s.Targets[:len(s.Targets)-1]
		return s
	case p.peek().kind == tOp && augOps[p.peek().text]:
		op := p.next().text
		return &Stmt{Kind: "augassign", Line: line, Target: first, Op: op, Value: p.testListStar()}
	case p.isOp(":"):
		p.pos++
		p.test()
		s := &Stmt{Kind: "annassign", Line: line, Target: first}
		if p.accept("=") {
			s.Value = p.testListStar()
		}
		return s
	}
	return &Stmt{Kind: "expr", Line: line, Value: first}
}

func (p *parser) atLineEnd() bool {
	t := p.peek()
	return t.kind == tNewline || t.kind == tEOF || t.kind == tOp && t.text == ";"
}

func (p *parser) dotted() string {
	n := p.name()
	for p.accept(".") {
		n += "." + p.name()
	}
	return n
}

// ---- expressions

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		panic(bail{})
	}
}

func (p *parser) leave() { p.depth-- }

// testListStar: a, *b, c (a tuple when there is a comma), or a yield.
func (p *parser) testListStar() *Expr {
	if p.isName("yield") {
		return p.yieldExpr()
	}
	line := p.peek().line
	first := p.starOrTest()
	if !p.isOp(",") {
		return first
	}
	items := []*Expr{first}
	for p.accept(",") {
		if p.endOfList() {
			break
		}
		items = append(items, p.starOrTest())
	}
	return &Expr{Kind: "tuple", Line: line, Args: items}
}

func (p *parser) testList() *Expr { return p.testListStar() }

func (p *parser) endOfList() bool {
	t := p.peek()
	if t.kind == tNewline || t.kind == tEOF {
		return true
	}
	if t.kind == tOp {
		switch t.text {
		case ")", "]", "}", "=", ";", ":":
			return true
		}
		return augOps[t.text]
	}
	return t.kind == tName && (t.text == "in" || t.text == "for")
}

func (p *parser) starOrTest() *Expr {
	if p.isOp("*") {
		line := p.next().line
		return &Expr{Kind: "star", Line: line, Name: "*", X: p.bitOr()}
	}
	return p.namedTest()
}

func (p *parser) yieldExpr() *Expr {
	line := p.next().line
	e := &Expr{Kind: "yield", Line: line}
	if p.accept("from") {
		e.Name = "from"
		e.X = p.test()
	} else if !p.atLineEnd() && !p.isOp(")") && !p.isOp("=") {
		e.X = p.testListStar()
	}
	return e
}

// targetList: the targets of for (stopping before "in").
func (p *parser) targetList() *Expr {
	line := p.peek().line
	var items []*Expr
	for {
		if p.isOp("*") {
			p.pos++
			items = append(items, &Expr{Kind: "star", Line: line, Name: "*", X: p.bitOr()})
		} else {
			items = append(items, p.bitOr())
		}
		if !p.accept(",") || p.isName("in") || p.isOp("=") {
			break
		}
	}
	if len(items) == 1 {
		return items[0]
	}
	return &Expr{Kind: "tuple", Line: line, Args: items}
}

func (p *parser) namedTest() *Expr {
	e := p.test()
	if p.isOp(":=") {
		line := p.next().line
		return &Expr{Kind: "walrus", Line: line, X: e, Y: p.test()}
	}
	return e
}

func (p *parser) test() *Expr {
	p.enter()
	defer p.leave()
	if p.isName("lambda") {
		line := p.next().line
		e := &Expr{Kind: "lambda", Line: line, Params: p.params(":")}
		p.expect(":")
		e.X = p.test()
		return e
	}
	e := p.orTest()
	if p.isName("if") {
		line := p.next().line
		cond := p.orTest()
		p.expect("else")
		return &Expr{Kind: "ifexp", Line: line, X: cond, Y: e, Z: p.test()}
	}
	return e
}

func (p *parser) orTest() *Expr { return p.boolOp("or", p.andTest) }

func (p *parser) andTest() *Expr { return p.boolOp("and", p.notTest) }

func (p *parser) boolOp(op string, sub func() *Expr) *Expr {
	e := sub()
	if !p.isName(op) {
		return e
	}
	b := &Expr{Kind: "bool", Line: e.Line, Name: op, Args: []*Expr{e}}
	for p.accept(op) {
		b.Args = append(b.Args, sub())
	}
	return b
}

func (p *parser) notTest() *Expr {
	if p.isName("not") {
		p.enter()
		defer p.leave()
		line := p.next().line
		return &Expr{Kind: "unary", Line: line, Name: "not", X: p.notTest()}
	}
	return p.comparison()
}

func (p *parser) compOp() string {
	t := p.peek()
	switch {
	case t.kind == tOp && (t.text == "<" || t.text == ">" || t.text == "==" || t.text == ">=" || t.text == "<=" || t.text == "!="):
		p.pos++
		return t.text
	case t.kind == tName && t.text == "in":
		p.pos++
		return "in"
	case t.kind == tName && t.text == "not" && p.peekAt(1).kind == tName && p.peekAt(1).text == "in":
		p.pos += 2
		return "not in"
	case t.kind == tName && t.text == "is":
		p.pos++
		if p.accept("not") {
			return "is not"
		}
		return "is"
	}
	return ""
}

func (p *parser) comparison() *Expr {
	e := p.bitOr()
	op := p.compOp()
	if op == "" {
		return e
	}
	c := &Expr{Kind: "cmp", Line: e.Line, Args: []*Expr{e}}
	for op != "" {
		c.Ops = append(c.Ops, op)
		c.Args = append(c.Args, p.bitOr())
		op = p.compOp()
	}
	return c
}

var binLevels = [][]string{{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "//", "%", "@"}}

func (p *parser) bitOr() *Expr { return p.binary(0) }

func (p *parser) binary(level int) *Expr {
	if level == len(binLevels) {
		return p.unary()
	}
	e := p.binary(level + 1)
	for {
		t := p.peek()
		if t.kind != tOp || !contains(binLevels[level], t.text) {
			return e
		}
		p.pos++
		e = &Expr{Kind: "bin", Line: t.line, Name: t.text, X: e, Y: p.binary(level + 1)}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) unary() *Expr {
	t := p.peek()
	if t.kind == tOp && (t.text == "-" || t.text == "+" || t.text == "~") {
		p.enter()
		defer p.leave()
		p.pos++
		return &Expr{Kind: "unary", Line: t.line, Name: t.text, X: p.unary()}
	}
	return p.power()
}

func (p *parser) power() *Expr {
	var e *Expr
	if p.isName("await") {
		line := p.next().line
		e = &Expr{Kind: "await", Line: line, X: p.primary()}
	} else {
		e = p.primary()
	}
	if p.isOp("**") {
		p.enter()
		defer p.leave()
		line := p.next().line
		return &Expr{Kind: "bin", Line: line, Name: "**", X: e, Y: p.unary()}
	}
	return e
}

func (p *parser) primary() *Expr {
	e := p.atom()
	for {
		t := p.peek()
		if t.kind != tOp {
			return e
		}
		switch t.text {
		case ".":
			p.pos++
			e = &Expr{Kind: "attr", Line: t.line, X: e, Name: p.name()}
		case "(":
			p.pos++
			e = &Expr{Kind: "call", Line: t.line, X: e, Args: p.callArgs()}
			p.expect(")")
		case "[":
			p.pos++
			e = &Expr{Kind: "sub", Line: t.line, X: e, Y: p.subscript()}
			p.expect("]")
		default:
			return e
		}
	}
}

func (p *parser) callArgs() []*Expr {
	var args []*Expr
	for !p.isOp(")") {
		t := p.peek()
		switch {
		case t.kind == tOp && (t.text == "*" || t.text == "**"):
			p.pos++
			args = append(args, &Expr{Kind: "star", Line: t.line, Name: t.text, X: p.test()})
		case t.kind == tName && p.peekAt(1).kind == tOp && p.peekAt(1).text == "=":
			p.pos += 2
			args = append(args, &Expr{Kind: "kw", Line: t.line, Name: t.text, X: p.test()})
		default:
			a := p.namedTest()
			if p.isName("for") || p.isName("async") {
				a = &Expr{Kind: "comp", Line: a.Line, Name: "gen", X: a, Gens: p.compFor()}
			}
			args = append(args, a)
		}
		if !p.accept(",") {
			break
		}
	}
	return args
}

func (p *parser) subscript() *Expr {
	line := p.peek().line
	var items []*Expr
	for !p.isOp("]") {
		items = append(items, p.sliceItem())
		if !p.accept(",") {
			break
		}
	}
	if len(items) == 1 {
		return items[0]
	}
	return &Expr{Kind: "tuple", Line: line, Args: items}
}

func (p *parser) sliceItem() *Expr {
	line := p.peek().line
	var lo *Expr
	if !p.isOp(":") {
		lo = p.starOrTest()
		if !p.isOp(":") {
			return lo
		}
	}
	p.expect(":")
	s := &Expr{Kind: "slice", Line: line, X: lo}
	if !p.isOp(":") && !p.isOp("]") && !p.isOp(",") {
		s.Y = p.test()
	}
	if p.accept(":") && !p.isOp("]") && !p.isOp(",") {
		s.Z = p.test()
	}
	return s
}

func (p *parser) compFor() []Gen {
	var gens []Gen
	for p.isName("for") || p.isName("async") {
		p.accept("async")
		p.expect("for")
		g := Gen{Target: p.targetList()}
		p.expect("in")
		g.Iter = p.orTest()
		for p.isName("if") {
			p.pos++
			g.Ifs = append(g.Ifs, p.orTestNoCond())
		}
		gens = append(gens, g)
	}
	return gens
}

// orTestNoCond: a comprehension condition (a lambda allowed, no ternary).
func (p *parser) orTestNoCond() *Expr {
	if p.isName("lambda") {
		return p.test()
	}
	return p.orTest()
}

func (p *parser) atom() *Expr {
	p.enter()
	defer p.leave()
	t := p.next()
	switch t.kind {
	case tName:
		switch t.text {
		case "True", "False", "None":
			return &Expr{Kind: "const", Line: t.line, Name: t.text}
		case "lambda", "yield", "not", "await":
			p.pos--
			return p.test()
		}
		if isKeyword(t.text) {
			panic(bail{})
		}
		return &Expr{Kind: "name", Line: t.line, Name: t.text}
	case tNum:
		return &Expr{Kind: "num", Line: t.line, Name: t.text}
	case tStr:
		text := t.text
		for p.peek().kind == tStr {
			text += p.next().text
		}
		return &Expr{Kind: "str", Line: t.line, Name: text}
	case tOp:
		switch t.text {
		case "...":
			return &Expr{Kind: "const", Line: t.line, Name: "..."}
		case "(":
			if p.accept(")") {
				return &Expr{Kind: "tuple", Line: t.line}
			}
			if p.isName("yield") {
				e := p.yieldExpr()
				p.expect(")")
				return e
			}
			first := p.starOrTest()
			if p.isName("for") || p.isName("async") {
				e := &Expr{Kind: "comp", Line: t.line, Name: "gen", X: first, Gens: p.compFor()}
				p.expect(")")
				return e
			}
			if p.accept(")") {
				return first
			}
			return &Expr{Kind: "tuple", Line: t.line, Args: p.rest(first, ")")}
		case "[":
			if p.accept("]") {
				return &Expr{Kind: "list", Line: t.line}
			}
			first := p.starOrTest()
			if p.isName("for") || p.isName("async") {
				e := &Expr{Kind: "comp", Line: t.line, Name: "list", X: first, Gens: p.compFor()}
				p.expect("]")
				return e
			}
			return &Expr{Kind: "list", Line: t.line, Args: p.rest(first, "]")}
		case "{":
			return p.dictOrSet(t.line)
		}
	}
	panic(bail{})
}

// rest reads ", item" until close (consumed) after a display's first item.
func (p *parser) rest(first *Expr, close string) []*Expr {
	items := []*Expr{first}
	for p.accept(",") {
		if p.isOp(close) {
			break
		}
		items = append(items, p.starOrTest())
	}
	p.expect(close)
	return items
}

func (p *parser) dictOrSet(line int) *Expr {
	if p.accept("}") {
		return &Expr{Kind: "dict", Line: line}
	}
	var items []*Expr
	isDict := false
	for !p.isOp("}") {
		if p.accept("**") {
			isDict = true
			items = append(items, nil, p.bitOr())
		} else {
			k := p.starOrTest()
			if p.accept(":") {
				isDict = true
				v := p.test()
				if p.isName("for") || p.isName("async") {
					e := &Expr{Kind: "comp", Line: line, Name: "dict", X: k, Y: v, Gens: p.compFor()}
					p.expect("}")
					return e
				}
				items = append(items, k, v)
			} else {
				if p.isName("for") || p.isName("async") {
					e := &Expr{Kind: "comp", Line: line, Name: "set", X: k, Gens: p.compFor()}
					p.expect("}")
					return e
				}
				items = append(items, k)
			}
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect("}")
	kind := "set"
	if isDict {
		kind = "dict"
	}
	return &Expr{Kind: kind, Line: line, Args: items}
}

var keywords = map[string]bool{
	"and": true, "as": true, "assert": true, "async": true, "await": true, "break": true, "class": true,
	"continue": true, "def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true,
	"for": true, "from": true, "global": true, "if": true, "import": true, "in": true, "is": true,
	"lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true, "return": true,
	"try": true, "while": true, "with": true, "yield": true,
}

func isKeyword(s string) bool { return keywords[s] }
