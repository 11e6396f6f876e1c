package check

import (
	"testing"

	"github.com/coderemote/coderemote/sandbox"
)

func TestRulesComeFromTheGuard(t *testing.T) {
	if !blockedBuiltins["eval"] || blockedBuiltins["open"] || !forbiddenAttrs["__globals__"] || !forbiddenAttrs["f_back"] {
		t.Fatalf("lists read from guard.py: %v %v", blockedBuiltins, forbiddenAttrs)
	}
	got := Program("import os\nfrom math import sqrt\nx = eval('1')\nopen = 2\n", sandbox.DefaultAllowedModules)
	want := []Problem{
		{1, "Import of module 'os' is not allowed: programs here have no files, processes or environment", "violation"},
		{3, "Use of builtin 'eval' is not allowed: running strings as code is refused here; parse what you need (int(), float(), json.loads(), ast.literal_eval())", "violation"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v", got)
	}
}

// The editor says what the guard says of numpy (guard.py's
// UNAVAILABLE_PACKAGES), not that the server's list leaves it out.
func TestUnavailablePackage(t *testing.T) {
	got := Program("import numpy as np\n", sandbox.DefaultAllowedModules)
	want := "Import of module 'numpy' is not allowed: the sandbox's runtime has no compiled packages beyond the standard library (an operator can add pure-Python packages with --packages)"
	if len(got) != 1 || got[0].Message != want {
		t.Fatalf("got %v, want %q", got, want)
	}
}

func TestLiteralImport(t *testing.T) {
	if got := Program("__import__('doctest').testmod()\nx = __import__(\"math\").pi\n", sandbox.DefaultAllowedModules); len(got) != 0 {
		t.Fatalf("allowed modules named in __import__: %v", got)
	}
	got := Program("__import__('os')\ny = __import__\n", sandbox.DefaultAllowedModules)
	if len(got) != 2 || got[0].Message != sandbox.ImportRefusal("os") || got[1].Line != 2 {
		t.Fatalf("got %v", got)
	}
}

func FuzzProgram(f *testing.F) {
	f.Add("import os\n")
	f.Add("from . import (a,\n b)\n")
	f.Add("x = '__class__'\n")
	f.Fuzz(func(t *testing.T, code string) {
		for _, p := range Program(code, sandbox.DefaultAllowedModules) {
			if p.Line < 1 || p.Message == "" {
				t.Fatalf("%+v", p)
			}
		}
	})
}
