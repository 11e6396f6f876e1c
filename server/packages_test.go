package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coderemote/coderemote/sandbox"
)

// testPackages is the directory scripts/fetch-packages.sh fills with
// Debian's python3-sympy, python3-mpmath and python3-networkx (make test
// runs it).
var testPackages = filepath.Join("..", "build", "test-packages")

// Each program does one real computation with a package from Debian's
// archive; the outputs are native CPython 3.13.5's with the same directory
// on PYTHONPATH (the runtime's own source, sandbox/runtime/build).
var packagePrograms = []struct{ name, code, want string }{
	{"sympy", `import sympy as sp
x, y = sp.symbols("x y")
print(sp.integrate(sp.sin(x)**2, x))
print(sp.factor(x**4 - 1))
print(sp.solve([x + y - 3, x - y - 1], [x, y]))
print(sp.series(sp.exp(x), x, 0, 5))
print(sp.Matrix([[1, 2], [3, 4]]).inv())
print(sp.isprime(2**61 - 1), sp.factorint(360))
`, `x/2 - sin(x)*cos(x)/2
(x - 1)*(x + 1)*(x**2 + 1)
{x: 2, y: 1}
1 + x + x**2/2 + x**3/6 + x**4/24 + O(x**5)
Matrix([[-2, 1], [3/2, -1/2]])
True {2: 3, 3: 2, 5: 1}
`},
	{"mpmath", `import mpmath
mpmath.mp.dps = 40
print(mpmath.pi)
print(mpmath.quad(lambda t: mpmath.exp(-t**2), [-mpmath.inf, mpmath.inf]))
print(mpmath.zeta(3))
print(mpmath.findroot(lambda t: t**3 - 2, 1))
`, `3.141592653589793238462643383279502884197
1.772453850905516027298167483341145182798
1.202056903159594285399738161511449990765
1.25992104989487316476721060727822835057
`},
	{"networkx", `import networkx as nx
G = nx.petersen_graph()
print(nx.diameter(G), G.number_of_edges(), nx.is_bipartite(G))
H = nx.Graph()
H.add_weighted_edges_from([("a", "b", 4), ("a", "c", 1), ("c", "b", 2), ("b", "d", 5), ("c", "d", 8)])
print(nx.shortest_path(H, "a", "d", weight="weight"), nx.shortest_path_length(H, "a", "d", weight="weight"))
T = nx.minimum_spanning_tree(H)
print(sorted(T.edges(data="weight")))
D = nx.DiGraph([(1, 2), (2, 3), (1, 3), (3, 4)])
print(list(nx.topological_sort(D)), nx.has_path(D, 4, 1))
print(sorted(nx.betweenness_centrality(nx.path_graph(4)).items()))
print(sorted(tuple(sorted(e)) for e in nx.max_weight_matching(H)), len(list(nx.find_cliques(G))))
`, `2 15 False
['a', 'c', 'b', 'd'] 8
[('a', 'c', 1), ('b', 'c', 2), ('b', 'd', 5)]
[1, 2, 3, 4] False
[(0, 0.0), (1, 0.6666666666666666), (2, 0.6666666666666666), (3, 0.0)]
[('a', 'b'), ('c', 'd')] 15
`},
}

// TestOperatorPackages: --packages with real packages from Debian's
// archive, through POST /execute, and listed by /health.
func TestOperatorPackages(t *testing.T) {
	if _, err := os.Stat(testPackages); err != nil {
		if os.Getenv("CODEREMOTE_REQUIRE_PACKAGES") != "" {
			t.Fatalf("%s: %v (scripts/fetch-packages.sh fills it)", testPackages, err)
		}
		t.Skipf("%s is missing: run scripts/fetch-packages.sh %s (make test does)", testPackages, testPackages)
	}
	pool := newPool(t, sandbox.Config{Workers: 1, Standby: -1, Packages: testPackages})
	s := New(Config{ExecuteRate: 1 << 20, ExecuteBurst: 1 << 20, AllowedModules: pool.AllowedModules(), Packages: pool.Packages()},
		discardLog(), Deps{Runner: pool})

	rec := serve(s, jsonRequest("GET", "/health", ""))
	var health struct {
		Sandbox struct {
			Modules  []string `json:"allowed_modules"`
			Packages []string `json:"packages"`
		} `json:"sandbox"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &health); err != nil {
		t.Fatal(err)
	}
	want := []string{"mpmath", "networkx", "sympy"}
	if !slices.Equal(health.Sandbox.Packages, want) || !slices.Contains(health.Sandbox.Modules, "sympy") {
		t.Fatalf("/health sandbox: %+v, want packages %q", health.Sandbox, want)
	}

	for _, p := range packagePrograms {
		t.Run(p.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"code": p.code, "timeout_seconds": 30})
			rec := serve(s, jsonRequest("POST", "/execute", string(body)))
			var res ExecutionResult
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &res) != nil {
				t.Fatalf("POST /execute: %d %s", rec.Code, rec.Body)
			}
			if !res.Success || res.Stdout != p.want {
				t.Fatalf("stdout\n%s\nstderr\n%s\nwant\n%s", res.Stdout, res.Stderr, p.want)
			}
		})
	}
}
