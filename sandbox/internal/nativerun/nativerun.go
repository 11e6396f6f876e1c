// Package nativerun runs a program with a native CPython the way the
// sandbox's conformance tools compare against it: in an empty temporary
// directory, with a minimal environment, standard input from a string,
// and a time limit.
package nativerun

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Result is what a native run printed and how it ended.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
	TimedOut       bool
}

// Run runs python with args (a "{dir}" in one is replaced by the temporary
// directory, and files are written into it first) and stdin.
func Run(ctx context.Context, python string, args []string, files map[string]string, stdin string, timeout time.Duration) (Result, error) {
	dir, err := os.MkdirTemp("", "nativerun-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return Result{}, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	argv := make([]string, len(args))
	for i, a := range args {
		argv[i] = strings.ReplaceAll(a, "{dir}", dir)
	}
	cmd := exec.CommandContext(ctx, python, argv...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + dir, "LANG=C.UTF-8"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	res := Result{Stdout: out.String(), Stderr: errOut.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		res.TimedOut = true
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		return res, err
	}
	return res, nil
}
