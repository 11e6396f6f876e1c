package pyast

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dump renders statements compactly, to compare shapes in tests.
func dump(body []*Stmt, indent string, b *strings.Builder) {
	for _, s := range body {
		b.WriteString(indent + s.Kind)
		if s.Name != "" {
			b.WriteString(" " + s.Name)
		}
		b.WriteString("\n")
		for _, blk := range s.Blocks() {
			dump(blk, indent+"  ", b)
		}
	}
}

func TestParsesTheTestPrograms(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.py")
	if len(files) < 70 {
		t.Fatalf("only %d files", len(files))
	}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		var others []int
		WalkStmts(Parse(string(src)), func(s *Stmt) bool {
			if s.Kind == "other" {
				others = append(others, s.Line)
			}
			return true
		})
		if len(others) > 0 {
			t.Errorf("%s: unparsed statements on lines %v", f, others)
		}
	}
}

func TestShapes(t *testing.T) {
	tests := []struct{ src, want string }{
		{"for i in range(n): print(i)\n", "for\n  expr\n"},
		{"if a:\n  x = 1\nelif b:\n  y = 2\nelse:\n  z = 3\n", "if\n  assign\n  if\n    assign\n    assign\n"},
		{"@dec\ndef f(a, *b, c=1, **d) -> int:\n    '''doc'''\n    return [x for x in a if x]\n", "def f\n  expr\n  return\n"},
		{"x = (1,\n  2)\ny = 3\n", "assign\nassign\n"},
		{"s = '''a\nb'''\nt = 1\n", "assign\nassign\n"},
		{"match p:\n    case [x, y]:\n        pass\n    case _:\n        pass\n", "match\n  pass\n  pass\n"},
		{"match = 3\n", "assign\n"},
		{"print 'py2'\nx = 1\n", "other\nassign\n"},
		{"def f(:\n    x = 1\n", "other\n"}, // the open bracket joins the lines, as in Python
		{"def f(x:\n    y = 1\n", "other\n"},
		{"while True\n    x = 1\ny = 2\n", "other\n  assign\nassign\n"},
		{"class A(B, metaclass=M):\n    def g(self): return self.x\n", "class A\n  def g\n    return\n"},
		{"try:\n  a()\nexcept (E, F) as e:\n  b()\nelse:\n  c()\nfinally:\n  d()\n", "try\n  expr\n  expr\n  expr\n  expr\n"},
		{"with open(p) as f, g() as h:\n    pass\n", "with\n  pass\n"},
		{"a = b = lambda x, y=2: x if y else -x ** 2\n", "assign\n"},
		{"x: int = 5\nn //= 2\n", "annassign\naugassign\n"},
		{"from . import a as b, c\nimport os.path, sys as s\n", "import .\nimport\n"},
		{"f(x for x in y)\nz = {k: v for k, v in d.items()}\nw = {*a, *b}\n", "expr\nassign\nassign\n"},
		{"v = a[1:2, ::3][-1]\nu = not a in b and c is not d\n", "assign\nassign\n"},
		{"if x:\n\tpass\n\tif y:\n\t\tpass\n", "if\n  pass\n  if\n    pass\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		dump(Parse(tt.src), "", &b)
		if b.String() != tt.want {
			t.Errorf("%q:\ngot\n%s\nwant\n%s", tt.src, b.String(), tt.want)
		}
	}
}

func TestExpressions(t *testing.T) {
	s := Parse("y = x[lo:hi] + f(a, *b, k=1)\n")[0]
	if s.Value.Kind != "bin" || s.Value.X.Kind != "sub" || s.Value.X.Y.Kind != "slice" || s.Value.Y.Kind != "call" || len(s.Value.Y.Args) != 3 || s.Value.Y.Args[2].Kind != "kw" {
		t.Fatalf("got %+v", s.Value)
	}
	s = Parse("for i, (a, b) in enumerate(zip(p, q)): pass\n")[0]
	if s.Target.Kind != "tuple" || len(s.Target.Args) != 2 || s.Value.Kind != "call" {
		t.Fatalf("for: %+v %+v", s.Target, s.Value)
	}
	s = Parse("while a < b <= c: pass\n")[0]
	if s.Value.Kind != "cmp" || len(s.Value.Ops) != 2 {
		t.Fatalf("cmp: %+v", s.Value)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*/*.py")
	for _, p := range files[:10] {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
	f.Add("(((((((((((")
	f.Add("x = '''")
	f.Add("\tif x:\n  y\n\tz")
	f.Fuzz(func(t *testing.T, src string) {
		Parse(src) // must return, without panicking
	})
}
