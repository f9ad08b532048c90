package auth_test

import (
	"fmt"

	"github.com/portcullis/portcullis/gateway/auth"
)

func ExampleCompile() {
	routes := []auth.Route{{Name: "items", PathPrefix: "/api/items", Auth: auth.ModeJWT}}
	policy := auth.Policy{
		Roles: []string{"reader", "writer"},
		Rules: []auth.Rule{
			{Name: "readers read", Roles: []string{"reader", "writer"}, Methods: []string{"GET"}, Paths: []string{"/api/items/*"}},
			{Name: "writers write", Roles: []string{"writer"}, Methods: []string{"POST"}, Paths: []string{"/api/items/**"}},
		},
	}
	a, err := auth.Compile(policy, routes)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Decide("GET", "/api/items/42", []string{"reader"}).Explain())
	fmt.Println(a.Decide("POST", "/api/items/42", []string{"reader"}).Explain())
	// Output:
	// allowed by rule 1 ("readers read"): role "reader", path pattern "/api/items/*"
	// denied by default: no rule matches the method, path and roles
}

func ExampleParseBearer() {
	tok, err := auth.ParseBearer("Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
	fmt.Println(tok, err)
	_, err = auth.ParseBearer("Basic dXNlcjpwYXNz")
	fmt.Println(err)
	// Output:
	// eyJhbGciOiJFUzI1NiJ9.e30.c2ln <nil>
	// malformed credentials
}
