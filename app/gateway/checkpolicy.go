package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/portcullis/portcullis/gateway/auth"
)

// ErrDenied is CheckPolicy's answer for a request the policy denies.
var ErrDenied = errors.New("denied")

// PolicyQuery is a request to explain: the gateway config it goes to, its
// method and path, and the roles of the client, given or read from a
// token.
type PolicyQuery struct {
	Config, Method, Path string
	Roles                []string
	Token                string
}

// CheckPolicy validates the RBAC policy of q.Config against its routes and
// writes to w which route serves q and which rule allows or denies it. It
// returns ErrDenied when the request would be refused.
func CheckPolicy(ctx context.Context, q PolicyQuery, w io.Writer) error {
	authz, cfg, err := compilePolicy(q)
	if err != nil {
		return err
	}
	path, err := auth.URLPathOf(q.Path)
	if err != nil {
		return err
	}
	method := strings.ToUpper(q.Method)
	rt, ok := cfg.RouteFor(method, path)
	if !ok {
		fmt.Fprintf(w, "%s %s: no route serves it (404 or 405)\n", method, path)
		return ErrDenied
	}
	mode, _ := auth.ParseMode(rt.Auth)
	if mode == auth.ModeNone {
		fmt.Fprintf(w, "%s %s: route %q takes no credentials: allowed without authentication or RBAC\n", method, path, rt.Name)
		return nil
	}
	roles := q.Roles
	who := fmt.Sprintf("roles %v", roles)
	if q.Token != "" {
		v, err := auth.NewVerifier(cfg.Auth.JWT, nil, nil, nil)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		id, err := v.Verify(ctx, q.Token)
		if err != nil {
			fmt.Fprintf(w, "%s %s: route %q: the token is refused (401): %s: %v\n", method, path, rt.Name, auth.Reason(err), err)
			return ErrDenied
		}
		roles = id.Roles
		who = fmt.Sprintf("user %q with roles %v (from %s)", id.User, roles, cfg.Auth.JWT.RolesClaimOrDefault())
	}
	d := authz.Decide(method, path, roles)
	status := http.StatusOK
	if !d.Allowed {
		status = http.StatusForbidden
	}
	fmt.Fprintf(w, "%s %s: route %q (auth %s), %s: %s (%d)\n", method, path, rt.Name, mode, who, d.Explain(), status)
	if !d.Allowed {
		return ErrDenied
	}
	return nil
}

// compilePolicy loads and checks the config of q and compiles its policy.
func compilePolicy(q PolicyQuery) (*auth.Authorizer, Config, error) {
	if q.Config == "" {
		return nil, Config{}, errors.New("no config: pass the gateway's YAML file with --config")
	}
	if len(q.Roles) > 0 && q.Token != "" {
		return nil, Config{}, errors.New("pass --role or --token, not both")
	}
	cfg, err := LoadConfig(q.Config)
	if err != nil {
		return nil, Config{}, err
	}
	if err := cfg.Config.WithDefaults().Validate(); err != nil {
		return nil, Config{}, err
	}
	p, err := cfg.Auth.RBAC.Resolve()
	if err != nil {
		return nil, Config{}, err
	}
	if p == nil {
		return nil, Config{}, errors.New("the config has no rbac policy (auth.rbac.policy_file or auth.rbac.policy): routes that take credentials deny everything")
	}
	authz, err := auth.Compile(*p, cfg.AuthRoutes())
	if err != nil {
		return nil, Config{}, err
	}
	return authz, cfg, nil
}
