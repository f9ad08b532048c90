package ingest

import (
	"fmt"
	"strings"
	"testing"
)

// TestJSONKeysFindEachKeyAndNoOther builds a table of keys of every length
// from 1 to 40 bytes, sharing first, middle and last bytes, and checks
// that every key is found, in a line and alone, and that every key one
// byte off (changed, added or dropped) is not.
func TestJSONKeysFindEachKeyAndNoOther(t *testing.T) {
	var keys []jsonKey
	for n := 1; n <= 40; n++ {
		name := strings.Repeat("k", n)
		keys = append(keys, jsonKey{name: name}, jsonKey{name: "x" + name[1:]}, jsonKey{name: name[:n-1] + "y"})
		if n > 2 {
			keys = append(keys, jsonKey{name: name[:n/2] + "z" + name[n/2+1:]})
		}
	}
	tab := newJSONKeys(keys...)
	want := make(map[string]*jsonKey)
	for i := range tab.keys {
		want[tab.keys[i].name] = &tab.keys[i]
	}
	find := func(name string) (alone, capped, inLine *jsonKey) {
		b := []byte(name + `":1,"pad":"` + strings.Repeat(".", 30) + `"}`)
		alone = tab.lookup(b[:len(name)])
		capped = tab.lookup([]byte(name)[:len(name):len(name)])
		line := []byte(`"` + string(b))
		k, j := tab.lookupAt(line, 1)
		if j < 0 { // longer than the fast path: the caller's path
			k = alone
		} else if j != len(name)+1 {
			t.Fatalf("lookupAt(%q) ends the key at %d, want %d", name, j, len(name)+1)
		}
		return alone, capped, k
	}
	for name, k := range want {
		a, c, l := find(name)
		if a != k || c != k || l != k {
			t.Errorf("key %q: found %v, %v and %v, want %q", name, a, c, l, name)
		}
	}
	for name := range want {
		var near []string
		for i := range len(name) {
			near = append(near, name[:i]+"q"+name[i+1:], name[:i]+name[i+1:])
		}
		near = append(near, name+"k", "k"+name, name+"q")
		for _, other := range near {
			if _, ok := want[other]; ok || other == "" {
				continue
			}
			a, c, l := find(other)
			if a != nil || c != nil || l != nil {
				t.Errorf("key %q, not in the table, found as %s", other, fmt.Sprint(a, c, l))
			}
		}
	}
}
