package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvalsumPoolsKindsOverSites(t *testing.T) {
	dir := t.TempDir()
	l1 := write(t, dir, "1.labels", `{"client":"a","kind":"flood","onset":"2026-03-03T09:00:00Z"}
{"client":"b","kind":"flood","onset":"2026-03-03T09:00:00Z"}
{"client":"n","kind":"normal"}
`)
	d1 := write(t, dir, "1.dec", `{"client":"a","scope":"ip","ts":"2026-03-03T09:00:02Z","action":"block"}
{"client":"n","scope":"ip","ts":"2026-03-03T09:00:05Z","action":"block"}
`)
	l2 := write(t, dir, "2.labels", `{"client":"a","kind":"flood","onset":"2026-03-03T10:00:00Z"}
{"client":"s","kind":"scan","onset":"2026-03-03T10:00:00Z"}
`)
	d2 := write(t, dir, "2.dec", `{"client":"a","scope":"ip","ts":"2026-03-03T10:00:10Z","action":"block"}

`)
	var out strings.Builder
	if err := run([]string{l1, d1, l2, d2}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"all 2 sites, per kind:",
		"flood        3        2   66.7%       2s", // times 2 s and 10 s: the median is the first by nearest rank
		"scan        1        0    0.0%        -",
		"normal clients blocked: 1 of 1 (100.000%); heavy: 0 of 0",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEvalsumRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	l := write(t, dir, "l", `{"client":"a","kind":"flood"}`+"\n")
	bad := write(t, dir, "d", "not json\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files is an error that says what to give", nil, "pairs of files"},
		{"an odd number of files is an error", []string{l}, "pairs of files"},
		{"a decisions line that is not JSON names the file and line", []string{l, bad}, "line 1"},
		{"a missing file is an error", []string{l, filepath.Join(dir, "none")}, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args, &strings.Builder{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}
