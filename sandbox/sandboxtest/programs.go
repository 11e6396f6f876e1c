package sandboxtest

import (
	"fmt"
	"strings"
)

// Programs whose output native CPython 3.13 was recorded for (python3.13
// main.py), for the tests of the sandbox and of the server.

// DoctestProgram has passing and failing doctests and runs doctest.testmod()
// as __main__; DoctestReport is native's stdout.
const DoctestProgram = `def add(a, b):
    """Add two numbers.

    >>> add(2, 3)
    5
    >>> add('a', 'b')
    'ab'
    >>> add(2, 2)
    5
    """
    return a + b


class Stack:
    """A stack.

    >>> s = Stack()
    >>> s.push(1); s.push(2)
    >>> s.pop()
    2
    >>> s.pop()
    2
    """
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        return self.items.pop()


if __name__ == "__main__":
    import doctest
    print(doctest.testmod())
`

const DoctestReport = `**********************************************************************
File "main.py", line 21, in __main__.Stack
Failed example:
    s.pop()
Expected:
    2
Got:
    1
**********************************************************************
File "main.py", line 8, in __main__.add
Failed example:
    add(2, 2)
Expected:
    5
Got:
    4
**********************************************************************
2 items had failures:
   1 of   4 in __main__.Stack
   1 of   3 in __main__.add
***Test Failed*** 2 failures.
TestResults(failed=2, attempted=7)
`

// UnittestProgram runs unittest.main() with a passing, a failing and an
// erroring case; UnittestReport is native's stderr ("Ran 3 tests in
// 0.000s": the time varies).
const UnittestProgram = `import unittest


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


class TestGcd(unittest.TestCase):
    def test_simple(self):
        self.assertEqual(gcd(12, 18), 6)

    def test_wrong(self):
        self.assertEqual(gcd(7, 5), 5)

    def test_error(self):
        raise ValueError("boom")


if __name__ == "__main__":
    unittest.main()
`

const UnittestReport = `E.F
======================================================================
ERROR: test_error (__main__.TestGcd.test_error)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "main.py", line 18, in test_error
    raise ValueError("boom")
ValueError: boom

======================================================================
FAIL: test_wrong (__main__.TestGcd.test_wrong)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "main.py", line 15, in test_wrong
    self.assertEqual(gcd(7, 5), 5)
    ~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^
AssertionError: 1 != 5

----------------------------------------------------------------------
Ran 3 tests in 0.000s

FAILED (failures=1, errors=1)
`

// StdinIdiomProgram reads n lines of two numbers with the competitive
// programmer's input = sys.stdin.readline and prints the sum of products.
const StdinIdiomProgram = "import sys\ninput = sys.stdin.readline\nn = int(input())\ntotal = 0\nfor _ in range(n):\n" +
	"    a, b = map(int, input().split())\n    total += a * b\nsys.stdout.write(str(total) + '\\n')\n"

// StdinIdiomInput is n lines for StdinIdiomProgram, and what it must print.
func StdinIdiomInput(n int) (input, want string) {
	var in strings.Builder
	sum := 0
	fmt.Fprintln(&in, n)
	for i := range n {
		fmt.Fprintln(&in, i, i%7)
		sum += i * (i % 7)
	}
	return in.String(), fmt.Sprintf("%d\n", sum)
}
