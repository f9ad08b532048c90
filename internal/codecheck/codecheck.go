// Package codecheck reads the module's Go source with go/parser to hold it
// to rules that the compiler and vet do not check: how long a function may
// be, and that no test picks a port by listening and closing. Its tests
// apply the rules to the whole module; it sits outside the data flow.
package codecheck

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Func is a function found in a source file.
type Func struct {
	File  string // slash-separated, relative to the root walked
	Name  string // "Parse", "(*Checker).follow", "func literal"
	Line  int    // the line of the func keyword
	Lines int    // from the func keyword to the closing brace, both counted
}

// Key is the file's directory and the function's name, as in
// "blocklist.(*Checker).follow": what an exception names, so that it
// survives edits that move the function within its file or to another
// file of the package.
func (f Func) Key() string {
	return strings.ReplaceAll(filepath.ToSlash(filepath.Dir(f.File)), "/", ".") + "." + f.Name
}

func (f Func) String() string {
	return fmt.Sprintf("%s:%d: %s: %d lines", f.File, f.Line, f.Name, f.Lines)
}

// GoFiles returns the .go files below root, slash-separated and relative
// to it, sorted, skipping testdata, vendor and hidden directories and the
// directories of nested modules. With tests false it leaves out _test.go
// files.
func GoFiles(root string, tests bool) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == root {
				return nil
			}
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || (!tests && strings.HasSuffix(name, "_test.go")) {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(files)
	return files, err
}

// LongFuncs returns the functions of the given files (relative to root)
// that are longer than limit lines: every declared function and method,
// and every function literal outside them (one at package level), which
// has no declaration to be counted with.
func LongFuncs(root string, files []string, limit int) ([]Func, error) {
	var long []Func
	err := parseFiles(root, files, func(fset *token.FileSet, file string, f *ast.File) {
		add := func(name string, from, to token.Pos) {
			start, end := fset.Position(from).Line, fset.Position(to).Line
			if n := end - start + 1; n > limit {
				long = append(long, Func{File: file, Name: name, Line: start, Lines: n})
			}
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if fd.Body != nil {
					add(funcName(fd), fd.Pos(), fd.End())
				}
				continue
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok {
					add("func literal", lit.Pos(), lit.End())
					return false
				}
				return true
			})
		}
	})
	return long, err
}

// parseFiles parses each of files (relative to root) and calls visit with
// it, stopping at the first that does not parse.
func parseFiles(root string, files []string, visit func(fset *token.FileSet, file string, f *ast.File)) error {
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, filepath.Join(root, file), nil, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("codecheck: %w", err)
		}
		visit(fset, file, f)
	}
	return nil
}

// funcName is "Name", or "(T).Name" or "(*T).Name" for a method.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	switch x := t.(type) { // drop type parameters
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	name := "?"
	if id, ok := t.(*ast.Ident); ok {
		name = id.Name
	}
	return "(" + star + name + ")." + fd.Name.Name
}

// PortPicker is a function that picks a port by listening on port 0,
// closing the listener and handing out its address: another process can
// take the port between the close and the reuse.
type PortPicker struct {
	File string // slash-separated, relative to the root walked
	Line int
	Name string
	Why  string
}

func (p PortPicker) String() string {
	return fmt.Sprintf("%s:%d: %s %s; bind 127.0.0.1:0 where the port is used and read Addr() instead", p.File, p.Line, p.Name, p.Why)
}

// PortPickers returns the port pickers in the given files (relative to
// root): functions named like one (freePort, pickPort, unusedPort, ...)
// and functions that listen, close that listener in their own body and
// return a value taken from its Addr().
func PortPickers(root string, files []string) ([]PortPicker, error) {
	var found []PortPicker
	err := parseFiles(root, files, func(fset *token.FileSet, file string, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			var name string
			var body *ast.BlockStmt
			switch fn := n.(type) {
			case *ast.FuncDecl:
				name, body = funcName(fn), fn.Body
			case *ast.FuncLit:
				name, body = "func literal", fn.Body
			default:
				return true
			}
			if body == nil {
				return true
			}
			line := fset.Position(n.Pos()).Line
			if pickerName(name) {
				found = append(found, PortPicker{File: file, Line: line, Name: name, Why: "is named as a port picker"})
			} else if listenCloseReturnAddr(body) {
				found = append(found, PortPicker{File: file, Line: line, Name: name, Why: "listens, closes the listener and returns its address"})
			}
			return true
		})
	})
	return found, err
}

// pickerName reports whether a function's name says it finds a port, as
// freePort, getFreePort, pickPort or unusedTCPPort do.
func pickerName(name string) bool {
	return pickerNameRE.MatchString(strings.ToLower(name[strings.LastIndexByte(name, '.')+1:]))
}

var pickerNameRE = regexp.MustCompile(`(free|unused|spare|pick|random|available|open)(tcp|udp)?port`)

// listenCloseReturnAddr reports whether body (not counting the function
// literals in it) assigns the result of a Listen* call to a variable,
// closes that variable (x.Close(), or defer x.Close()) and returns a value
// that uses its Addr(), directly or through variables assigned from it.
func listenCloseReturnAddr(body *ast.BlockStmt) bool {
	listeners := map[string]bool{}
	closed := map[string]bool{}
	tainted := map[string]bool{} // variables holding something of a listener's Addr()
	var assigns []*ast.AssignStmt
	var returns []*ast.ReturnStmt
	walkOwn(body, func(n ast.Node) {
		switch s := n.(type) {
		case *ast.AssignStmt:
			assigns = append(assigns, s)
			if len(s.Rhs) == 1 && isListenCall(s.Rhs[0]) && len(s.Lhs) > 0 {
				if id, ok := s.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
					listeners[id.Name] = true
				}
			}
		case *ast.ExprStmt:
			if id := closeOf(s.X); id != "" {
				closed[id] = true
			}
		case *ast.DeferStmt:
			if id := closeOf(s.Call); id != "" {
				closed[id] = true
			}
		case *ast.ReturnStmt:
			returns = append(returns, s)
		}
	})
	usesAddr := func(e ast.Node) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Addr" {
					if id, ok := sel.X.(*ast.Ident); ok && listeners[id.Name] && closed[id.Name] {
						found = true
					}
				}
			case *ast.Ident:
				if tainted[x.Name] {
					found = true
				}
			}
			return !found
		})
		return found
	}
	for changed := true; changed; { // spread the taint through assignments
		changed = false
		for _, a := range assigns {
			if !anyUses(a.Rhs, usesAddr) {
				continue
			}
			for _, l := range a.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" && !tainted[id.Name] {
					tainted[id.Name], changed = true, true
				}
			}
		}
	}
	for _, r := range returns {
		if anyUses(r.Results, usesAddr) {
			return true
		}
	}
	return false
}

func anyUses(es []ast.Expr, uses func(ast.Node) bool) bool {
	for _, e := range es {
		if uses(e) {
			return true
		}
	}
	return false
}

// walkOwn calls visit for each node of body, not entering function
// literals: what they do happens at another time.
func walkOwn(body *ast.BlockStmt, visit func(ast.Node)) {
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if n != nil {
			visit(n)
		}
		return true
	})
}

// isListenCall reports whether e calls a function or method whose name
// starts with Listen (net.Listen, net.ListenTCP, ListenConfig.Listen).
func isListenCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		return strings.HasPrefix(f.Sel.Name, "Listen") && !strings.HasPrefix(f.Sel.Name, "ListenAndServe")
	case *ast.Ident:
		return strings.HasPrefix(f.Name, "Listen")
	}
	return false
}

// closeOf returns x when e is x.Close(), and "" otherwise.
func closeOf(e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Close" {
		return ""
	}
	if id, ok := sel.X.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// ModuleRoot returns the directory of the go.mod above dir.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("codecheck: no go.mod above the working directory")
		}
		dir = parent
	}
}
