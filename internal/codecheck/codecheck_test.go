package codecheck

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function outside the traffic generators
// may be, from its func keyword to its closing brace: past it, a function
// does several things that read better as named steps.
const maxFuncLines = 80

// generators are the directories whose code may be longer: the traffic
// generators write each kind of visitor or attack as one scripted story,
// which reads best in one piece.
var generators = []string{"tools/", "trafficgen/"}

// knownLong are the functions over maxFuncLines that are waiting to be
// split, by Func.Key ("detector.(*Online).Run"), each with a note saying
// "to split" and into what. Remove an entry once its function is split;
// the test fails when an entry no longer names a long function, so that
// the list only shrinks. It is empty: the last three (features'
// (*Client).observe, detector's (*Online).Run, campaign's
// (*Tracker).Observe) were split.
var knownLong = map[string]string{}

// TestNoFunctionIsTooLong parses every non-test .go file of the module and
// fails for each function over maxFuncLines lines, outside the traffic
// generators and knownLong.
func TestNoFunctionIsTooLong(t *testing.T) {
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	all, err := GoFiles(root, false)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if !hasAnyPrefix(f, generators) {
			files = append(files, f)
		}
	}
	if len(files) < 50 {
		t.Fatalf("found only %d Go files below %s: the walk is broken", len(files), root)
	}
	long, err := LongFuncs(root, files, maxFuncLines)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range long {
		if _, ok := knownLong[f.Key()]; ok {
			seen[f.Key()] = true
			continue
		}
		t.Errorf("%s (over %d): split it into named steps", f, maxFuncLines)
	}
	for key := range knownLong {
		if !seen[key] {
			t.Errorf("%s is in knownLong but is no longer over %d lines (or was renamed): remove it from the list", key, maxFuncLines)
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// TestLongFuncsFindsEveryKindOfLongFunction writes functions of 80 and 81
// lines of each kind and checks that exactly the 81-line ones are found,
// named and counted.
func TestLongFuncsFindsEveryKindOfLongFunction(t *testing.T) {
	body := func(lines int) string { // a func of lines lines in all
		return strings.Repeat("\t_ = 1\n", lines-2) + "}\n"
	}
	src := "package p\n\n" +
		"type T struct{}\n\ntype G[K any] struct{}\n\n" +
		"func short() {\n" + body(80) + // line 7
		"func long() {\n" + body(81) + // line 87
		"func (T) value() {\n" + body(81) + // line 168
		"func (*T) pointer() {\n" + body(81) + // line 249
		"func (g *G[K]) generic() {\n" + body(81) + // line 330
		"var lit = func() {\n" + body(81) + // line 411
		"func wrapper() {\n\tf := func() {\n" + strings.Repeat("\t\t_ = 1\n", 80) + "\t}\n\tf()\n}\n" // line 492: 85 lines
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeGo(t, filepath.Join(dir, "pkg", "p.go"), src)
	writeGo(t, filepath.Join(dir, "pkg", "p_test.go"), "package p\n\nfunc testOnly() {\n"+body(200))
	writeGo(t, filepath.Join(dir, "pkg", "testdata", "x.go"), "package x\n\nfunc fixture() {\n"+body(200))

	files, err := GoFiles(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"pkg/p.go"}; !reflect.DeepEqual(files, want) {
		t.Fatalf("GoFiles = %q, want %q (no tests, no testdata)", files, want)
	}
	got, err := LongFuncs(dir, files, 80)
	if err != nil {
		t.Fatal(err)
	}
	want := []Func{
		{File: "pkg/p.go", Name: "long", Line: 87, Lines: 81},
		{File: "pkg/p.go", Name: "(T).value", Line: 168, Lines: 81},
		{File: "pkg/p.go", Name: "(*T).pointer", Line: 249, Lines: 81},
		{File: "pkg/p.go", Name: "(*G).generic", Line: 330, Lines: 81},
		{File: "pkg/p.go", Name: "func literal", Line: 411, Lines: 81},
		{File: "pkg/p.go", Name: "wrapper", Line: 492, Lines: 85},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LongFuncs =\n%v\nwant\n%v", got, want)
	}
	if k := got[2].Key(); k != "pkg.(*T).pointer" {
		t.Errorf("Key = %q, want pkg.(*T).pointer", k)
	}
	if s := got[0].String(); s != "pkg/p.go:87: long: 81 lines" {
		t.Errorf("String = %q", s)
	}
}

func writeGo(t *testing.T, path, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// portPickerDirs are where end-to-end tests run the app objects, which
// bind 127.0.0.1:0 and report the address they got, and the helpers that
// start the external servers tests use: redis-server on a Unix socket,
// nginx on a listener it inherits, Caddy on port 0 read back from Linux.
var portPickerDirs = []string{"cmd", "app", "internal/redistest", "internal/proxytest"}

// TestNoPortPickers fails for each helper in portPickerDirs (tests
// included) that picks a port by listening and closing: between the close
// and the reuse another process can take the port, and the test fails for
// no fault of the code.
func TestNoPortPickers(t *testing.T) {
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, d := range portPickerDirs {
		fs, err := GoFiles(filepath.Join(root, d), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			files = append(files, d+"/"+f)
		}
	}
	if len(files) < 20 {
		t.Fatalf("found only %d Go files in %v: the walk is broken", len(files), portPickerDirs)
	}
	found, err := PortPickers(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range found {
		t.Error(p)
	}
}

// TestPortPickersFindsListenAndClose checks the finder on the shapes a
// port picker takes, and on listeners that stay open, which it must leave
// alone.
func TestPortPickersFindsListenAndClose(t *testing.T) {
	src := `package p

import (
	"net"
	"testing"
)

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func grab(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func viaLiteral(t *testing.T) string {
	next := func() string {
		var lc net.ListenConfig
		l, _ := lc.Listen(t.Context(), "tcp", ":0")
		defer l.Close()
		a := l.Addr()
		host := a.String()
		return host
	}
	return next()
}

func keptOpen(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

func closedButNotHandedOut(t *testing.T) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	t.Log(l.Addr())
	return nil
}

func reportOpen() int { return 1 }
`
	dir := t.TempDir()
	writeGo(t, filepath.Join(dir, "p_test.go"), src)
	got, err := PortPickers(dir, []string{"p_test.go"})
	if err != nil {
		t.Fatal(err)
	}
	want := []PortPicker{
		{File: "p_test.go", Line: 8, Name: "freePort", Why: "is named as a port picker"},
		{File: "p_test.go", Line: 17, Name: "grab", Why: "listens, closes the listener and returns its address"},
		{File: "p_test.go", Line: 28, Name: "func literal", Why: "listens, closes the listener and returns its address"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("PortPickers =\n%v\nwant\n%v", got, want)
	}
	if s := got[1].String(); !strings.HasPrefix(s, "p_test.go:17: grab listens, closes the listener and returns its address") {
		t.Errorf("String = %q", s)
	}
}
