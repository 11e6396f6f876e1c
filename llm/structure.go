package llm

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/coderemote/coderemote/llm/pyast"
)

// The structural analyzer reads a program's syntax tree (llm/pyast) and
// estimates its complexity from shapes, never from names the programmer
// chose: what each loop iterates over and how its variables move, how a
// recursive function's arguments shrink and how often it calls itself,
// whether it consults a dictionary before recursing, the known costs of
// built-in and library calls, and which collections grow with the input.
// Names of the language and its library (range, len, sorted, heapq,
// functools.lru_cache, deque.popleft) are part of the structure; names a
// programmer chose are not consulted.

// cost is a complexity term: n^poly · sqrt(n)? · (log n)^logs, or
// exponential/factorial, or graph-shaped.
type cost struct {
	poly, logs int
	sqrt       bool
	loglog     bool // n log log n (a sieve)
	exp, fact  bool
	graph      bool // O(V + E)
	heapGraph  bool // O((V + E) log V)
}

var (
	constant = cost{}
	linear   = cost{poly: 1}
	logN     = cost{logs: 1}
	nLogN    = cost{poly: 1, logs: 1}
)

func (c cost) times(o cost) cost {
	r := cost{poly: c.poly + o.poly, logs: c.logs + o.logs, sqrt: c.sqrt != o.sqrt, exp: c.exp || o.exp,
		fact: c.fact || o.fact, graph: c.graph || o.graph, heapGraph: c.heapGraph || o.heapGraph, loglog: c.loglog || o.loglog}
	if c.sqrt && o.sqrt {
		r.poly++
	}
	return r
}

func (c cost) rank() float64 {
	switch {
	case c.fact:
		return 1e9 + float64(c.poly)
	case c.exp:
		return 1e8 + float64(c.poly)
	}
	r := float64(c.poly) + 0.1*float64(c.logs)
	if c.sqrt {
		r += 0.5
	}
	if c.loglog {
		r += 0.05
	}
	if c.heapGraph {
		r = max(r, 1.15)
	} else if c.graph {
		r = max(r, 1.05)
	}
	return r
}

func maxCost(a, b cost) cost {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

func (c cost) String() string {
	switch {
	case c.fact && c.poly > 0:
		return "O(n * n!)"
	case c.fact:
		return "O(n!)"
	case c.exp && c.poly > 0:
		return "O(n * 2^n)"
	case c.exp:
		return "O(2^n)"
	case c.heapGraph && c.poly <= 1:
		return "O((V + E) log V)"
	case c.graph && c.poly <= 1 && c.logs == 0:
		return "O(V + E)"
	case c.loglog && c.poly == 1 && c.logs == 0:
		return "O(n log log n)"
	}
	var parts []string
	switch {
	case c.poly == 1:
		parts = append(parts, "n")
	case c.poly > 1:
		parts = append(parts, "n^"+strconv.Itoa(c.poly))
	}
	if c.sqrt {
		parts = append(parts, "sqrt(n)")
	}
	switch {
	case c.logs == 1:
		parts = append(parts, "log n")
	case c.logs > 1:
		parts = append(parts, "log^"+strconv.Itoa(c.logs)+" n")
	}
	if len(parts) == 0 {
		return "O(1)"
	}
	return "O(" + strings.Join(parts, " ") + ")"
}

// Confidence says how sure an estimate is.
type Confidence string

const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

// container kinds, inferred from how a variable is made.
type kind uint8

const (
	kUnknown kind = iota
	kList         // list, str, tuple: membership and insert(0) are linear
	kHash         // dict, set, Counter, defaultdict: membership is O(1)
	kDeque
	kNumber
)

// fn is a function definition and what the analysis learned of it.
type fn struct {
	def       *pyast.Stmt
	params    []string
	kinds     map[string]kind
	selfCalls []*pyast.Expr
	isSelf    map[*pyast.Expr]bool // selfCalls as a set
	memo      bool
	// computed
	state      int // 0 new, 1 in progress, 2 done
	time       cost
	space      cost
	unknown    bool
	families   []string
	recursion  string // "", "linear", "halving", "tree", "branching", "divide", "graph", "permute", "subsets"
	loopsInner bool   // recursive call inside a loop
}

type analyzer struct {
	ctx     context.Context
	fns     map[string]*fn // by name (last definition wins)
	order   []*fn
	module  []*pyast.Stmt
	kinds   map[string]kind   // module-level variables
	imports map[string]string // local name → dotted library name
	fams    map[string]bool
	unsure  bool // a loop or recursion whose size the structure did not settle
	// undetermined: a recursion whose arguments do not visibly shrink, or
	// functions calling each other: the time is not estimated at all.
	undetermined bool
	steps        int
}

// analyzeStructure is the local analyzer.
func analyzeStructure(ctx context.Context, code string) (Analysis, error) {
	a := &analyzer{ctx: ctx, fns: map[string]*fn{}, fams: map[string]bool{}, imports: map[string]string{}}
	a.module = pyast.Parse(code)
	if err := ctx.Err(); err != nil {
		return Analysis{}, err
	}
	unparsed := 0
	pyast.WalkStmts(a.module, func(s *pyast.Stmt) bool {
		switch s.Kind {
		case "def":
			f := &fn{def: s, kinds: map[string]kind{}}
			for _, p := range s.Params {
				f.params = append(f.params, p.Name)
			}
			a.fns[s.Name] = f
			a.order = append(a.order, f)
		case "import":
			for _, n := range s.Names {
				full, alias, _ := strings.Cut(n, "=")
				a.imports[alias] = full
			}
		case "other":
			unparsed++
		}
		return true
	})
	a.kinds = inferKinds(a.module, a)
	for _, f := range a.order {
		f.kinds = inferKinds(f.def.Body, a)
		for _, p := range f.def.Params {
			if p.Default != nil {
				if k := exprKind(p.Default, a, nil); k != kUnknown {
					f.kinds[p.Name] = k
				}
			}
		}
	}
	time, space := a.blockCost(a.module, nil), a.spaceOf(a.module, nil)
	for _, f := range a.order {
		if err := a.checkCtx(); err != nil {
			return Analysis{}, err
		}
		a.analyzeFn(f)
		time = maxCost(time, f.time)
		space = maxCost(space, f.space)
	}
	if err := ctx.Err(); err != nil {
		return Analysis{}, err
	}
	a.recognise()
	res := Analysis{Time: time.String(), Space: space.String(), Confidence: High}
	for _, name := range familyOrder {
		if a.fams[name] {
			res.Families = append(res.Families, name)
		}
	}
	switch {
	case a.unsure || unparsed > 0:
		res.Confidence = Low
	case time.exp || time.fact || len(a.order) > 12:
		res.Confidence = Medium
	}
	if a.undetermined {
		res.Time, res.Confidence = "unknown", Low
	}
	res.Narrative = narrative(res)
	return res, nil
}

func (a *analyzer) checkCtx() error {
	a.steps++
	if a.steps%256 == 0 {
		return a.ctx.Err()
	}
	return nil
}

// ---- kinds

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

// ---- time

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
				out = append(out, loopVarsOf(t)...)
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
	it := s.Value
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
			return linear
		case "pop":
			return linear
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
				n = n.times(linear)
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
			c = maxCost(c, a.callCost(x, sc))
		case "cmp":
			for i, op := range x.Ops {
				if op == "in" || op == "not in" {
					c = maxCost(c, a.membershipCost(x.Args[i+1], sc))
				}
			}
		case "sub":
			if x.Y != nil && x.Y.Kind == "slice" {
				c = maxCost(c, linear)
			}
		case "bin":
			if x.Name == "*" && (x.X.Kind == "list" || x.X.Kind == "str") && !isConstant(x.Y) {
				c = maxCost(c, linear)
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
				return f.time
			}
		}
	}
	return constant
}

// ---- functions and recursion

func (a *analyzer) analyzeFn(f *fn) {
	if f.state != 0 {
		return
	}
	f.state = 1
	defer func() { f.state = 2 }()
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
	case f.loopsInner && (shrink == "remove-one" || skipsTaken(f)):
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
		if s.Kind == "if" && s.Value.Kind == "cmp" && len(s.Value.Ops) == 1 && s.Value.Ops[0] == "not in" {
			for _, st := range s.Body {
				st.Exprs(func(e *pyast.Expr) bool {
					guarded = guarded || f.isSelf[e]
					return true
				})
			}
		}
		return true
	})
	return guarded
}

// ---- space

// spaceOf: memory that grows with the input, made in body: collections
// stored in variables or returned, grown inside loops, and tables.
func (a *analyzer) spaceOf(body []*pyast.Stmt, sc *scope) cost {
	c := constant
	drained := map[string]bool{}
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
				visit(s.Body, loops.times(linear))
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
						if loops.rank() > 0 {
							grow := loops
							if a.libName(e.X) == ".extend" {
								grow = loops.times(linear)
								grow = maxCost(loops, linear)
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
			n = n.times(linear)
		}
		return n.times(a.allocation(e.X, sc))
	case "bin":
		if e.Name == "*" && (e.X.Kind == "list" || e.X.Kind == "str") && !isConstant(e.Y) {
			inner := constant
			for _, x := range e.X.Args {
				inner = maxCost(inner, a.allocation(x, sc))
			}
			return linear.times(inner)
		}
		if e.Name == "+" {
			return maxCost(a.allocation(e.X, sc), a.allocation(e.Y, sc))
		}
	case "sub":
		if e.Y != nil && e.Y.Kind == "slice" {
			return linear
		}
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
			return linear
		}
	}
	return constant
}

// ---- families

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
	advance, same := false, 0
	for i := range a0 {
		if sameExpr(a0[i], a1[i]) {
			same++
			if argShrink(a0[i], params, nil, f) == "decrement" {
				advance = true // both calls move to the next item
			}
		}
	}
	return advance && (same < len(a0) || chooseUnchoose(f.def.Body))
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
	// A table filled from its own earlier entries.
	pyast.WalkStmts(s.Body, func(st *pyast.Stmt) bool {
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
				if w.Kind == "augassign" && w.Op == "+=" && w.Target.Kind == "name" && !slices.Contains(loopVars, w.Target.Name) {
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
