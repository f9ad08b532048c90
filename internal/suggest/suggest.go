// Package suggest finds the name a user probably meant when they misspelt
// one: a flag, a configuration key.
package suggest

import "strings"

// Closest returns the candidate nearest to name, ignoring case: the one
// with the fewest single-character edits (insert, delete, substitute, or
// swap two neighbours), if that is at most a third of name's length (at
// least 1, at most 3), or else a candidate that name is a prefix of. It
// returns "" when none is close.
func Closest(name string, candidates []string) string {
	lname := strings.ToLower(name)
	limit := min(max(len([]rune(name))/3, 1), 3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(lname, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" {
		return best
	}
	if len(lname) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), lname) {
				return c
			}
		}
	}
	return ""
}

// distance is the optimal string alignment distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
