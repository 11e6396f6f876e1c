package complexity

import "testing"

func TestNormalizeBigO(t *testing.T) {
	tests := []struct{ in, want string }{
		{"O(n^2)", "O(n^2)"}, {"O(n²)", "O(n^2)"}, {"O(N^2)", "O(n^2)"}, {"o(n*n)", "O(n^2)"}, {"O(n ^ 2)", "O(n^2)"},
		{"O(n**2)", "O(n^2)"}, {"O(n log n)", "O(n log n)"}, {"O(nlogn)", "O(n log n)"}, {"O(n·log(n))", "O(n log n)"},
		{"O(n * log n)", "O(n log n)"}, {"O(log n)", "O(log n)"}, {"O(log(n))", "O(log n)"}, {"O(1)", "O(1)"},
		{"O(2^n)", "O(2^n)"}, {"O(2ⁿ)", "O(2^n)"}, {"O(n!)", "O(n!)"}, {"O(n + m)", "O(n + m)"}, {"O(V+E)", "O(v + e)"},
		{"O(n*m)", "O(n * m)"}, {"Θ(n)", "O(n)"}, {"O(n³)", "O(n^3)"}, {"  O(n)  ", "O(n)"}, {"", ""}, {"linear", "O(n)"},
		{"O(linear)", "O(n)"}, {"O(sqrt(n))", "O(sqrt(n))"}, {"O(√n)", "O(sqrt(n))"}, {"O(n sqrt(n))", "O(n sqrt(n))"}, {"O(n√n)", "O(n sqrt(n))"},
		{"O(n * n!)", "O(n * n!)"}, {"O(n·2^n)", "O(n * 2^n)"}, {"O((V + E) log V)", "O((v + e) log v)"}, {"O(log^2 n)", "O(log^2 n)"},
		{"O(n log^2 n)", "O(n log^2 n)"}, {"O(3n^2 + 2n)", "O(n^2 + n)"}, {"O(n log k)", "O(n log k)"}, {"O(nW)", "O(n * w)"},
		{"unknown", "unknown"}, {"O(whatever this is)", "O(whatever this is)"}, {"O(log_2 n)", "O(log n)"}, {"O(n log log n)", "O(n log log n)"}, {"O(nloglogn)", "O(n log log n)"},
	}
	for _, tt := range tests {
		if got := NormalizeBigO(tt.in); got != tt.want {
			t.Errorf("NormalizeBigO(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	for _, in := range []string{"O(n²)", "O(n log n)", "O(V+E)", "O((V + E) log V)", "O(n!)", "O(sqrt(n))"} {
		once := NormalizeBigO(in)
		if twice := NormalizeBigO(once); twice != once {
			t.Errorf("%q → %q → %q", in, once, twice)
		}
	}
}

func TestComplexityInText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my quadratic sorting snippets", "O(n^2)"}, {"anything in O(n²)?", "O(n^2)"}, {"linear time search", "O(n)"},
		{"binary search", ""}, {"O(n log n) sorts", "O(n log n)"},
	}
	for _, tt := range tests {
		if got := ComplexityInText(tt.in); got != tt.want {
			t.Errorf("ComplexityInText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeBigO(f *testing.F) {
	for _, s := range []string{"O(n^2)", "O(n²)", "O((V+E) log V)", "Θ(", "O()", "log(log(n))"} {
		f.Add(s)
	}
	// Model output and query strings are untrusted: any input must come back
	// without a panic and without growing without bound.
	f.Fuzz(func(t *testing.T, s string) {
		if out := NormalizeBigO(s); len(out) > 4*len(s)+8 {
			t.Fatalf("NormalizeBigO(%q) grew to %d bytes", s, len(out))
		}
		ComplexityInText(s)
	})
}
