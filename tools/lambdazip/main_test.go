package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
)

func TestPack(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "exe"), filepath.Join(dir, "f.zip")
	os.WriteFile(in, []byte("#!/bin/sh\necho hi\n"), 0o755)
	if err := pack(in, out); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("got %v %v", zr.File[0].Name, zr.File[0].Mode())
	}
}
