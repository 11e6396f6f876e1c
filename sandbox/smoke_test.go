package sandbox

import (
	"strings"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1})
	for _, code := range []string{"print('hello')", "import json\nprint(json.dumps({'a':1}))", "1/0", "import os", "x = input()\nprint(x*2)", "while True: pass"} {
		start := time.Now()
		res, err := p.Run(t.Context(), Request{Code: code, Timeout: time.Second, Stdin: strings.NewReader("ab\n")})
		t.Logf("%q -> %v %+v err=%v", code, time.Since(start), res, err)
	}
}
