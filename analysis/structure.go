package analysis

import (
	"context"
	"strconv"
	"strings"

	"github.com/coderemote/coderemote/analysis/pyast"
)

// The structural analyzer reads a program's syntax tree (analysis/pyast) and
// estimates its complexity from shapes, never from names the programmer
// chose: what each loop iterates over and how its variables move, how a
// recursive function's arguments shrink and how often it calls itself,
// whether it consults a dictionary before recursing, the known costs of
// built-in and library calls, and which collections grow with the input.
// Names of the language and its library (range, len, sorted, heapq,
// functools.lru_cache, deque.popleft) are part of the structure; names a
// programmer chose are not consulted.

// cost is a complexity term: n^poly · m^mpoly · sqrt(n)? · (log n)^logs,
// or n + m, or exponential/factorial, or graph-shaped. m is a second input
// size (sizes.go).
type cost struct {
	poly, logs int
	mpoly      int
	plusM      bool // n + m: two loops in a row over two inputs
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
	mLinear  = cost{mpoly: 1}
	nPlusM   = cost{poly: 1, plusM: true}
)

func (c cost) times(o cost) cost {
	r := cost{poly: c.poly + o.poly, logs: c.logs + o.logs, sqrt: c.sqrt != o.sqrt, exp: c.exp || o.exp,
		fact: c.fact || o.fact, graph: c.graph || o.graph, heapGraph: c.heapGraph || o.heapGraph, loglog: c.loglog || o.loglog,
		mpoly: c.mpoly + o.mpoly}
	// (n + m) times a factor without n or m stays a sum; times n or m it
	// is taken as the larger product.
	r.plusM = c.plusM && o.poly == 0 && o.mpoly == 0 || o.plusM && c.poly == 0 && c.mpoly == 0
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
	r := float64(c.poly+c.mpoly) + 0.1*float64(c.logs)
	if c.plusM {
		r += 0.01 // n + m is above n and above m
	}
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
	// n and m, one after the other: n + m.
	if (a == linear || a == nPlusM) && (b == mLinear || b == nPlusM) || (b == linear || b == nPlusM) && (a == mLinear || a == nPlusM) {
		return nPlusM
	}
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
	if c == nPlusM {
		return "O(n + m)"
	}
	var parts []string
	switch {
	case c.poly == 1:
		parts = append(parts, "n")
	case c.poly > 1:
		parts = append(parts, "n^"+strconv.Itoa(c.poly))
	}
	switch {
	case c.mpoly == 1 && c.poly > 0:
		parts[len(parts)-1] += " * m"
	case c.mpoly == 1:
		parts = append(parts, "m")
	case c.mpoly > 1 && c.poly > 0:
		parts[len(parts)-1] += " * m^" + strconv.Itoa(c.mpoly)
	case c.mpoly > 1:
		parts = append(parts, "m^"+strconv.Itoa(c.mpoly))
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
	def    *pyast.Stmt
	params []string
	// sizeAlias maps a name bound to an input's size (n = len(a)) to that
	// input; sizeClass numbers the inputs that bound loops (sizes.go).
	sizeAlias map[string]string
	sizeClass map[string]int
	// fixed: names bound once to literal data and never grown (a table of
	// the four directions): iterating over one costs a constant
	fixed map[string]bool
	// guards: queues fed only under a visited test, to the visited
	// collection (visitedGuards)
	guards map[string]string
	// visitedSet: the collection a graph recursion checks before recursing
	visitedSet string
	// amortised: traversals this function starts from its loops, whose
	// visited collection those loops share: their cost once, in all
	amortised cost
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
		f.findSizes()
		f.findFixed()
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
	called := a.calledByOthers()
	for _, f := range a.order {
		if err := a.checkCtx(); err != nil {
			return Analysis{}, err
		}
		a.analyzeFn(f)
		ft, fs := f.time, f.space
		if called[f] {
			// Its cost is in its callers', in their sizes; alone, its own
			// second size means nothing to the program.
			ft, fs = ft.collapse(), fs.collapse()
		}
		time = maxCost(time, ft)
		space = maxCost(space, fs)
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

// calledByOthers: the functions another function of the program calls.
func (a *analyzer) calledByOthers() map[*fn]bool {
	called := map[*fn]bool{}
	for _, f := range a.order {
		pyast.WalkStmts(f.def.Body, func(s *pyast.Stmt) bool {
			s.Exprs(func(e *pyast.Expr) bool {
				if e.Kind == "call" && e.X.Kind == "name" {
					if g, ok := a.fns[e.X.Name]; ok && g != f {
						called[g] = true
					}
				}
				return true
			})
			return true
		})
	}
	return called
}

func (a *analyzer) checkCtx() error {
	a.steps++
	if a.steps%256 == 0 {
		return a.ctx.Err()
	}
	return nil
}
