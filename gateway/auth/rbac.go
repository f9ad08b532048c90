package auth

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Policy is the RBAC policy: the roles there are and the rules that grant
// or deny them requests. Rules are read in order and the first that
// matches decides; a request no rule matches is denied.
type Policy struct {
	// Roles lists every role a rule may name.
	Roles []string `yaml:"roles"`
	Rules []Rule   `yaml:"rules"`
}

// Rule matches a request when one of the identity's roles is in Roles ("*"
// is any authenticated identity), its method is in Methods (empty: any),
// and its path matches one of Paths.
//
// A path pattern is a sequence of segments: a literal matches itself, "*"
// matches any one non-empty segment, and a final "**" matches any number
// of segments, none included: /api/items/* matches /api/items/42, and
// /api/** matches /api and everything under it.
type Rule struct {
	// Name says what the rule is for, in explanations; default "rule N".
	Name string `yaml:"name"`
	// Effect is allow (the default) or deny.
	Effect  string   `yaml:"effect"`
	Roles   []string `yaml:"roles"`
	Methods []string `yaml:"methods"`
	Paths   []string `yaml:"paths"`
}

// AnyRole in a rule's roles matches every authenticated identity.
const AnyRole = "*"

// ErrPolicy marks a policy that does not validate.
var ErrPolicy = errors.New("invalid rbac policy")

// LoadPolicy reads a policy from a YAML file; unknown keys are an error.
func LoadPolicy(file string) (Policy, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Policy{}, fmt.Errorf("auth: rbac policy: %w", err)
	}
	var p Policy
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("auth: rbac policy %s: %w: %w", file, ErrPolicy, err)
	}
	return p, nil
}

// Resolve returns the policy c holds inline or names by file; nil when
// there is none.
func (c RBACConfig) Resolve() (*Policy, error) {
	if c.PolicyFile != "" {
		p, err := LoadPolicy(c.PolicyFile)
		if err != nil {
			return nil, err
		}
		return &p, nil
	}
	return c.Policy, nil
}

// Authorizer decides requests by a compiled Policy. It is immutable and
// safe for concurrent use; Decide allocates nothing.
type Authorizer struct {
	rules []compiledRule
}

type compiledRule struct {
	Rule
	index    int
	allow    bool
	anyRole  bool
	patterns [][]string // segments
}

// Decision is what the policy says of one request.
type Decision struct {
	Allowed bool
	// Rule is the index of the rule that decided; -1 when none matched
	// and the request is denied by default.
	Rule int
	// RuleName is that rule's name.
	RuleName string
	// Role is the identity's role the rule matched ("*" for any).
	Role string
	// Pattern is the rule's path pattern that matched.
	Pattern string
}

// Explain says in a sentence why the request was allowed or denied.
func (d Decision) Explain() string {
	if d.Rule < 0 {
		return "denied by default: no rule matches the method, path and roles"
	}
	verb := "denied"
	if d.Allowed {
		verb = "allowed"
	}
	return fmt.Sprintf("%s by rule %d (%q): role %q, path pattern %q", verb, d.Rule+1, d.RuleName, d.Role, d.Pattern)
}

// Compile validates p against the gateway's routes and returns its
// Authorizer. Every problem is reported, each wrapping ErrPolicy: an
// unknown role, a bad effect, method or pattern, a rule that an earlier
// one shadows (it can never decide), and a path no authenticated route
// serves.
func Compile(p Policy, routes []Route) (*Authorizer, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("auth: rbac: %w: "+format, append([]any{ErrPolicy}, args...)...))
	}
	known := map[string]bool{}
	for _, r := range p.Roles {
		switch {
		case r == "" || r == AnyRole || strings.ContainsAny(r, " \t"):
			bad("role %q: a role is a non-empty word other than %q", r, AnyRole)
		case known[r]:
			bad("role %q is listed twice", r)
		}
		known[r] = true
	}
	if len(p.Rules) == 0 {
		bad("no rules: every request would be denied; add rules")
	}
	a := &Authorizer{}
	for i, r := range p.Rules {
		c := compiledRule{Rule: r, index: i}
		if c.Name == "" {
			c.Name = fmt.Sprintf("rule %d", i+1)
		}
		where := fmt.Sprintf("rule %d (%q)", i+1, c.Name)
		switch r.Effect {
		case "", "allow":
			c.allow = true
		case "deny":
		default:
			bad("%s: effect %q; use allow or deny", where, r.Effect)
		}
		if len(r.Roles) == 0 {
			bad("%s: no roles; name the roles it applies to, or %q for any authenticated client", where, AnyRole)
		}
		for _, role := range r.Roles {
			if role == AnyRole {
				c.anyRole = true
			} else if !known[role] {
				bad("%s: unknown role %q; declare it under roles: or fix the name (known: %s)", where, role, strings.Join(p.Roles, ", "))
			}
		}
		for _, m := range r.Methods {
			if m == "" || strings.ToUpper(m) != m {
				bad("%s: method %q must be upper case, as in GET", where, m)
			}
		}
		if len(r.Paths) == 0 {
			bad("%s: no paths; list path patterns such as /api/items/*", where)
		}
		for _, pat := range r.Paths {
			segs, err := parsePattern(pat)
			if err != nil {
				bad("%s: %v", where, err)
				continue
			}
			c.patterns = append(c.patterns, segs)
			if !servedBy(segs, r.Methods, routes) {
				bad("%s: path %q is unreachable: no route with auth serves it for methods %v; fix the path, or the route's path_prefix, methods or auth", where, pat, methodsOrAny(r.Methods))
			}
		}
		for _, e := range a.rules {
			if shadows(e, c) {
				bad("%s is unreachable: rule %d (%q) before it matches every request it matches; remove it or move it above", where, e.index+1, e.Name)
				break
			}
		}
		a.rules = append(a.rules, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return a, nil
}

func methodsOrAny(m []string) any {
	if len(m) == 0 {
		return "any"
	}
	return m
}

// parsePattern splits a path pattern into segments.
func parsePattern(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("path %q must start with '/'", p)
	}
	if p == "/" {
		return []string{""}, nil
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		switch {
		case s == "**" && i != len(segs)-1:
			return nil, fmt.Errorf("path %q: ** may only be the last segment", p)
		case s != "*" && s != "**" && strings.Contains(s, "*"):
			return nil, fmt.Errorf("path %q: a wildcard is a whole segment, * or **", p)
		case s == "" && i != len(segs)-1:
			return nil, fmt.Errorf("path %q has an empty segment", p)
		}
	}
	return segs, nil
}

// match says whether the path (starting with '/') matches the pattern,
// without allocating.
func match(segs []string, p string) bool {
	rest, done := p[1:], false
	for _, s := range segs {
		if s == "**" {
			return true
		}
		if done {
			return false
		}
		var seg string
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			seg, rest = rest[:j], rest[j+1:]
		} else {
			seg, rest, done = rest, "", true
		}
		if s == "*" {
			if seg == "" {
				return false
			}
		} else if seg != s {
			return false
		}
	}
	return done
}

// covers says whether every path pattern b matches, a matches too.
func covers(a, b []string) bool {
	for i, s := range b {
		if i >= len(a) {
			return false
		}
		switch {
		case a[i] == "**":
			return true
		case s == "**":
			return false
		case a[i] == "*":
			if s == "" {
				return false
			}
		case a[i] != s:
			return false
		}
	}
	return len(a) == len(b) || (len(a) == len(b)+1 && a[len(b)] == "**")
}

// shadows says whether the earlier rule e matches every request that c
// matches, so that c never decides.
func shadows(e, c compiledRule) bool {
	if len(e.Methods) > 0 {
		if len(c.Methods) == 0 {
			return false
		}
		for _, m := range c.Methods {
			if !slices.Contains(e.Methods, m) {
				return false
			}
		}
	}
	if !e.anyRole {
		if c.anyRole {
			return false
		}
		for _, r := range c.Roles {
			if !slices.Contains(e.Roles, r) {
				return false
			}
		}
	}
	for _, cp := range c.patterns {
		if !slices.ContainsFunc(e.patterns, func(ep []string) bool { return covers(ep, cp) }) {
			return false
		}
	}
	return len(c.patterns) > 0
}

// servedBy says whether some path the pattern matches is served by a
// route with auth, for some of methods.
func servedBy(segs, methods []string, routes []Route) bool {
	for _, r := range routes {
		if r.Auth == ModeNone || r.Auth == "" {
			continue
		}
		if len(methods) > 0 && len(r.Methods) > 0 && !slices.ContainsFunc(methods, func(m string) bool { return slices.Contains(r.Methods, m) }) {
			continue
		}
		if reaches(segs, r.PathPrefix) {
			return true
		}
	}
	return false
}

// reaches says whether the pattern matches a path equal to prefix or
// under it.
func reaches(segs []string, prefix string) bool {
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return true
	}
	ps := strings.Split(prefix, "/")
	for i, p := range ps {
		if i >= len(segs) {
			return false
		}
		switch segs[i] {
		case "**":
			return true
		case "*":
		default:
			if segs[i] != p {
				return false
			}
		}
	}
	return true
}

// Decide says whether an identity with roles may send method to
// urlPath. The path is cleaned first (dot segments and repeated slashes
// removed), so /api/items/../admin is judged as /admin. No match denies.
func (a *Authorizer) Decide(method, urlPath string, roles []string) Decision {
	p := cleanPath(urlPath)
	for i := range a.rules {
		r := &a.rules[i]
		if len(r.Methods) > 0 && !slices.Contains(r.Methods, method) {
			continue
		}
		role, ok := r.matchRole(roles)
		if !ok {
			continue
		}
		for j, segs := range r.patterns {
			if match(segs, p) {
				return Decision{Allowed: r.allow, Rule: i, RuleName: r.Name, Role: role, Pattern: r.Paths[j]}
			}
		}
	}
	return Decision{Rule: -1}
}

func (r *compiledRule) matchRole(roles []string) (string, bool) {
	if r.anyRole {
		return AnyRole, true
	}
	for _, have := range roles {
		if slices.Contains(r.Roles, have) {
			return have, true
		}
	}
	return "", false
}

// cleanPath returns p cleaned as path.Clean does, keeping a trailing
// slash; it allocates only when p is not clean already.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return p
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// Rules returns the policy's rules, in order, for explanations. The slice
// is the caller's.
func (a *Authorizer) Rules() []Rule {
	out := make([]Rule, len(a.rules))
	for i, r := range a.rules {
		out[i] = r.Rule
		out[i].Name = r.Name
	}
	return out
}
