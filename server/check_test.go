package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestCheckAgreesWithTheGuard: for each program, POST /check reports the
// lines and messages that the guard reports when the program is run.
func TestCheckAgreesWithTheGuard(t *testing.T) {
	s := New(Config{}, discardLog(), Deps{Runner: sharedPool(t)})
	programs := []string{
		"import os\nprint(1)\n",
		"import math, subprocess\n",
		"from os import path\n",
		"from . import sibling\n",
		"import os.path\n",
		"from collections import deque\nx = eval('1')\n",
		"print(open('f'))\n",
		"open = 3\n",
		"x = ().__class__.__bases__\n",
		"s = '__globals__'\n",
		"def f():\n    return __builtins__\n",
		"from math import sqrt\nprint(sqrt(4))\n",
		"for i in range(3):\n    exec('pass')\n",
	}
	for _, prog := range programs {
		code, chk, _ := call(t, s, "POST", "/check", "", fmt.Sprintf(`{"code":%q}`, prog))
		if code != 200 {
			t.Fatalf("%q: check %d %v", prog, code, chk)
		}
		var fromCheck []string
		for _, p := range chk["problems"].([]any) {
			m := p.(map[string]any)
			if m["kind"] == "violation" {
				fromCheck = append(fromCheck, fmt.Sprintf("%v: %v", m["line"], m["message"]))
			}
		}
		code, run, _ := call(t, s, "POST", "/execute", "", fmt.Sprintf(`{"code":%q}`, prog))
		if code != 200 {
			t.Fatalf("%q: execute %d %v", prog, code, run)
		}
		var fromGuard []string
		for _, v := range run["security_violations"].([]any) {
			m := v.(map[string]any)
			fromGuard = append(fromGuard, fmt.Sprintf("%v: %v", m["line"], m["message"]))
		}
		slices.Sort(fromCheck)
		slices.Sort(fromGuard)
		fromCheck, fromGuard = slices.Compact(fromCheck), slices.Compact(fromGuard)
		if !slices.Equal(fromCheck, fromGuard) {
			t.Errorf("%q:\ncheck %v\nguard %v", prog, fromCheck, fromGuard)
		}
	}
}

func TestCheckReportsSyntaxAndRefusesBadInput(t *testing.T) {
	s := New(Config{MaxCodeBytes: 100}, discardLog(), Deps{Runner: sharedPool(t)})
	code, m, _ := call(t, s, "POST", "/check", "", `{"code":"x = 1\nprint 'py2'\n"}`)
	b, _ := json.Marshal(m)
	if code != 200 || !strings.Contains(string(b), `"kind":"syntax","line":2`) && !strings.Contains(string(b), `"line":2`) {
		t.Fatalf("%d %s", code, b)
	}
	for body, want := range map[string]int{`{}`: 422, `{"code":"` + strings.Repeat("x", 200) + `"}`: 413, `not json`: 400} {
		if code, m, _ := call(t, s, "POST", "/check", "", body); code != want {
			t.Errorf("%.30s: %d %v, want %d", body, code, m, want)
		}
	}
}
