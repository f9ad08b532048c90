package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"threshold", "min_events", "ttl", "allow", "dry_run", "min_bytes"}
	cases := []struct {
		name, in, want string
	}{
		{"a doubled letter finds the key", "threshhold", "threshold"},
		{"two swapped letters find the key", "tlt", "ttl"},
		{"a different case still matches", "Dry_Run", "dry_run"},
		{"a missing letter finds the key", "min_event", "min_events"},
		{"a prefix finds the key", "thresh", "threshold"},
		{"a word far from every key finds nothing", "colour", ""},
		{"a one-letter name is not matched to everything", "x", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Closest(c.in, keys); got != c.want {
				t.Errorf("Closest(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
