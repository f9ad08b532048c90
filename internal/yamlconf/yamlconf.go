// Package yamlconf decodes a YAML configuration file strictly, with errors
// that speak YAML rather than Go: each names the file, the line, the key
// path and what was wanted, and an unknown key gets the known key it was
// probably meant to be.
//
//	detect.yaml line 3: unknown key "threshhold" under "policy" (did you mean "threshold"?)
//	detect.yaml line 12: kafka.min_bytes: want a whole number, got "lots"
package yamlconf

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/portcullis/portcullis/internal/suggest"
)

// maxErrors is how many problems one error lists.
const maxErrors = 10

// Decode decodes the YAML document in data into v, a pointer to a struct
// with yaml tags. Unknown keys and values of the wrong type are errors,
// all of them (up to ten) in one error, each on its own line; name is how
// the messages call the file.
func Decode(name string, data []byte, v any) error {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: the file is empty", name)
		}
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c := checker{name: name}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	c.check(root, reflect.TypeOf(v).Elem(), nil)
	if len(c.errs) > 0 {
		return errors.Join(c.errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

type checker struct {
	name string
	errs []error
}

func (c *checker) fail(n *yaml.Node, path []string, format string, args ...any) {
	if len(c.errs) == maxErrors {
		c.errs = append(c.errs, errors.New("(and more)"))
	}
	if len(c.errs) > maxErrors {
		return
	}
	where := ""
	if len(path) > 0 {
		where = strings.Join(path, ".") + ": "
	}
	c.errs = append(c.errs, fmt.Errorf("%s line %d: %s%s", c.name, n.Line, where, fmt.Sprintf(format, args...)))
}

var (
	unmarshalerType     = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
)

// check walks n against the Go type t, at the key path path.
func (c *checker) check(n *yaml.Node, t reflect.Type, path []string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // null leaves the field as it was
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(unmarshalerType) || (t != durationType && pt.Implements(textUnmarshalerType)) || t.Kind() == reflect.Interface {
		// The type decodes itself: let it say what is wrong.
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			c.fail(n, path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			c.scalar(n, t, path)
			return
		}
		if n.Kind != yaml.MappingNode {
			c.fail(n, path, "want a mapping (key: value lines), got %s", describe(n))
			return
		}
		fields := map[string]reflect.Type{}
		collectFields(t, fields)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				continue // a merge key: its mapping is checked where it is defined
			}
			ft, ok := fields[k.Value]
			if !ok {
				c.unknown(k, path, fields)
				continue
			}
			c.check(val, ft, append(path[:len(path):len(path)], k.Value))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.fail(n, path, "want a mapping (key: value lines), got %s", describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			c.check(k, t.Key(), path)
			c.check(val, t.Elem(), append(path[:len(path):len(path)], k.Value))
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			if t.Elem().Kind() == reflect.Uint8 && n.Kind == yaml.ScalarNode {
				return // []byte from a string
			}
			c.fail(n, path, "want a list ([a, b] or lines starting with \"- \"), got %s", describe(n))
			return
		}
		for i, item := range n.Content {
			p := append(path[:len(path):len(path)], fmt.Sprintf("[%d]", i))
			if len(path) > 0 {
				p[len(p)-2] += p[len(p)-1]
				p = p[:len(p)-1]
			}
			c.check(item, t.Elem(), p)
		}
	default:
		c.scalar(n, t, path)
	}
}

// scalar checks that n decodes into a value of t.
func (c *checker) scalar(n *yaml.Node, t reflect.Type, path []string) {
	if n.Kind != yaml.ScalarNode {
		c.fail(n, path, "want %s, got %s", want(t), describe(n))
		return
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		c.fail(n, path, "want %s, got %q", want(t), n.Value)
	}
}

func (c *checker) unknown(k *yaml.Node, path []string, fields map[string]reflect.Type) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	under := "at the top level"
	if len(path) > 0 {
		under = fmt.Sprintf("under %q", strings.Join(path, "."))
	}
	msg := fmt.Sprintf("%s line %d: unknown key %q %s", c.name, k.Line, k.Value, under)
	if s := suggest.Closest(k.Value, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(c.errs) < maxErrors {
		c.errs = append(c.errs, errors.New(msg))
	}
}

// collectFields maps the YAML keys of struct type t to their types,
// including those of inline fields.
func collectFields(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, into)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		into[name] = f.Type
	}
}

// want says in words what a value of t looks like.
func want(t reflect.Type) string {
	if t == durationType {
		return "a duration such as 30s, 5m or 1h30m"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "a time such as 2026-03-02T09:00:00Z"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// describe says in words what the YAML node n is.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}
