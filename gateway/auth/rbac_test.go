package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testRoutes = []Route{
	{Name: "items", PathPrefix: "/api/items", Auth: ModeJWT},
	{Name: "admin", PathPrefix: "/admin", Auth: ModeAny},
	{Name: "reports", PathPrefix: "/reports", Methods: []string{"GET"}, Auth: ModeAPIKey},
	{Name: "public", PathPrefix: "/public", Auth: ModeNone},
}

var testPolicy = Policy{
	Roles: []string{"reader", "writer", "admin", "suspended"},
	Rules: []Rule{
		{Name: "suspended clients get nothing", Effect: "deny", Roles: []string{"suspended"}, Paths: []string{"/**"}},
		{Name: "readers read items", Roles: []string{"reader", "writer"}, Methods: []string{"GET", "HEAD"}, Paths: []string{"/api/items", "/api/items/*"}},
		{Name: "writers write items", Roles: []string{"writer"}, Methods: []string{"POST", "PUT", "DELETE"}, Paths: []string{"/api/items/**"}},
		{Name: "admins administer", Roles: []string{"admin"}, Paths: []string{"/admin/**", "/api/**"}},
		{Name: "anyone reads reports", Roles: []string{AnyRole}, Methods: []string{"GET"}, Paths: []string{"/reports/*"}},
	},
}

func TestRBACDecisions(t *testing.T) {
	a, err := Compile(testPolicy, testRoutes)
	if err != nil {
		t.Fatal(err)
	}
	type req struct {
		method, path string
	}
	read, list, write, del, deep, admin, report, reportsRoot, sneaky :=
		req{"GET", "/api/items/42"}, req{"GET", "/api/items"}, req{"POST", "/api/items/42"}, req{"DELETE", "/api/items/42"},
		req{"GET", "/api/items/42/parts"}, req{"GET", "/admin/users"}, req{"GET", "/reports/daily"}, req{"GET", "/reports"},
		req{"GET", "/api/items/../../admin/users"}
	tests := []struct {
		name  string
		roles []string
		reqs  []req
		allow bool
	}{
		{"a reader may read an item and the list", []string{"reader"}, []req{read, list}, true},
		{"a reader may not write, delete, read deeper, or administer", []string{"reader"}, []req{write, del, deep, admin}, false},
		{"a writer may read and write items", []string{"writer"}, []req{read, list, write, del}, true},
		{"a writer may not administer", []string{"writer"}, []req{admin}, false},
		{"an admin may do anything under /api and /admin", []string{"admin"}, []req{read, write, del, deep, admin}, true},
		{"a client with no roles is denied by default", nil, []req{read, list, write, admin}, false},
		{"an unknown role is denied by default", []string{"superuser"}, []req{read, admin}, false},
		{"a deny rule first wins over the roles that would allow", []string{"admin", "suspended"}, []req{read, admin, report}, false},
		{"any authenticated client may read a report", nil, []req{report}, true},
		{"no rule names the reports root, so it is denied", []string{"admin"}, []req{reportsRoot}, false},
		{"dot segments are resolved before matching", []string{"reader"}, []req{sneaky}, false},
		{"dot segments do not hide a path an admin may reach", []string{"admin"}, []req{sneaky}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range tt.reqs {
				d := a.Decide(r.method, r.path, tt.roles)
				if d.Allowed != tt.allow {
					t.Errorf("%s %s as %v: %s; want allowed=%v", r.method, r.path, tt.roles, d.Explain(), tt.allow)
				}
			}
		})
	}
	t.Run("a decision names the rule and the role", func(t *testing.T) {
		d := a.Decide("POST", "/api/items/7", []string{"reader", "writer"})
		if !d.Allowed || d.RuleName != "writers write items" || d.Role != "writer" || d.Pattern != "/api/items/**" {
			t.Errorf("decision %+v", d)
		}
		if got := a.Decide("GET", "/nowhere", []string{"admin"}).Explain(); !strings.Contains(got, "denied by default") {
			t.Errorf("explanation %q", got)
		}
	})
}

func TestPolicyValidation(t *testing.T) {
	rule := func(roles []string, methods []string, paths ...string) Rule {
		return Rule{Roles: roles, Methods: methods, Paths: paths}
	}
	reader := []string{"reader"}
	tests := []struct {
		name   string
		policy Policy
		want   string // a part of the error; empty for none
	}{
		{"the test policy is valid", testPolicy, ""},
		{"a rule naming an undeclared role is an error", Policy{Roles: reader, Rules: []Rule{rule([]string{"raeder"}, nil, "/api/**")}}, `unknown role "raeder"`},
		{"a rule after a broader one for the same roles is unreachable", Policy{Roles: reader, Rules: []Rule{
			rule(reader, nil, "/api/**"), rule(reader, []string{"GET"}, "/api/items/*")}}, `rule 2 ("rule 2") is unreachable: rule 1`},
		{"a rule after one for any role is unreachable", Policy{Roles: reader, Rules: []Rule{
			rule([]string{AnyRole}, []string{"GET"}, "/api/items/*"), rule(reader, []string{"GET"}, "/api/items/42")}}, "is unreachable"},
		{"a narrower rule before a broader one is fine", Policy{Roles: reader, Rules: []Rule{
			{Effect: "deny", Roles: reader, Methods: []string{"DELETE"}, Paths: []string{"/api/items/*"}}, rule(reader, nil, "/api/**")}}, ""},
		{"a rule for other roles is not shadowed", Policy{Roles: []string{"reader", "writer"}, Rules: []Rule{
			rule(reader, nil, "/api/**"), rule([]string{"writer"}, nil, "/api/items")}}, ""},
		{"a path no route serves is unreachable", Policy{Roles: reader, Rules: []Rule{rule(reader, nil, "/billing/**")}}, `path "/billing/**" is unreachable`},
		{"a path served only by a route without auth is unreachable", Policy{Roles: reader, Rules: []Rule{rule(reader, nil, "/public/x")}}, "unreachable"},
		{"a method the route does not serve is unreachable", Policy{Roles: reader, Rules: []Rule{rule(reader, []string{"POST"}, "/reports/*")}}, "unreachable"},
		{"a path above a route's prefix is unreachable", Policy{Roles: reader, Rules: []Rule{rule(reader, nil, "/api")}}, "unreachable"},
		{"a wildcard inside a segment is an error", Policy{Roles: reader, Rules: []Rule{rule(reader, nil, "/api/item*")}}, "whole segment"},
		{"** before the end is an error", Policy{Roles: reader, Rules: []Rule{rule(reader, nil, "/api/**/x")}}, "last segment"},
		{"a bad effect is an error", Policy{Roles: reader, Rules: []Rule{{Effect: "maybe", Roles: reader, Paths: []string{"/api/**"}}}}, `effect "maybe"`},
		{"a lower-case method is an error", Policy{Roles: reader, Rules: []Rule{rule(reader, []string{"get"}, "/api/**")}}, "upper case"},
		{"a rule without roles is an error", Policy{Roles: reader, Rules: []Rule{rule(nil, nil, "/api/**")}}, "no roles"},
		{"a policy without rules is an error", Policy{Roles: reader}, "no rules"},
		{"a role declared twice is an error", Policy{Roles: []string{"reader", "reader"}, Rules: []Rule{rule(reader, nil, "/api/**")}}, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.policy, testRoutes)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v; want one containing %q", err, tt.want)
			case err != nil && !errors.Is(err, ErrPolicy):
				t.Fatalf("error %v does not wrap ErrPolicy", err)
			}
		})
	}
}

func TestLoadPolicyRefusesUnknownKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(path, []byte("roles: [reader]\nrules:\n  - roles: [reader]\n    path: /api/**\n"), 0o600)
	if _, err := LoadPolicy(path); err == nil || !strings.Contains(err.Error(), "path") {
		t.Fatalf("error %v; want one naming the unknown key", err)
	}
}

func TestPatternMatching(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/api/items", "/api/items", true},
		{"/api/items", "/api/items/", false},
		{"/api/items/", "/api/items/", true},
		{"/api/items/*", "/api/items/42", true},
		{"/api/items/*", "/api/items/", false},
		{"/api/items/*", "/api/items/42/x", false},
		{"/api/**", "/api", true},
		{"/api/**", "/api/a/b/c", true},
		{"/api/**", "/apix", false},
		{"/**", "/", true},
		{"/", "/", true},
		{"/", "/x", false},
		{"/*/items", "/v1/items", true},
	}
	for _, tt := range tests {
		segs, err := parsePattern(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := match(segs, tt.path); got != tt.want {
			t.Errorf("%s matches %s: %v; want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
