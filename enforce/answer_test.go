package enforce

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// TestAnswersMatchMiddleware checks that the decision service, over
// forward-auth and ext_authz, answers a verdict as httpcheck.Middleware
// does with the same identity and refusal config: the same status,
// Retry-After and decision id, and the same client named from the same
// headers (an API key by its id).
func TestAnswersMatchMiddleware(t *testing.T) {
	cfg := testConfig(redistest.Start(t))
	cfg.Refuse.Status = http.StatusTooManyRequests
	cfg.Refuse.MaxRetryAfter = 30 * time.Second // below the blocks' TTL, so both answers read "30"
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	ipBlock := applyOne(t, store, block("203.0.113.7", "ip", 600))
	keyBlock := applyOne(t, store, block(httpcheck.APIKeyID("key_bad"), "api_key", 600))

	// A Checker on the same key space, as a gateway beside the proxy has.
	rs, err := redisstore.New(cfg.Blocklist.Redis, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	checker := blocklist.NewChecker(rs, cfg.WithDefaults().checkerConfig(nil), nil)
	id, err := httpcheck.NewIdentity(cfg.WithDefaults().Client.Identity())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { checker.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()
	for _, c := range []*blocklist.Checker{checker, s.checker} {
		testwait.Until(t, 5*time.Second, "both decisions in the view", func() bool { return c.Stats().Decisions == 2 })
	}
	mw := httpcheck.Middleware(checker, httpcheck.MiddlewareConfig{
		Client:         id.Client,
		Status:         cfg.Refuse.Status,
		MaxRetryAfter:  cfg.Refuse.MaxRetryAfter,
		DecisionHeader: DefaultDecisionHeader,
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))

	url := "http://" + s.Addr().String() + "/check"
	proxy := clientFrom(t, "127.0.0.1")
	grpc := extAuthzClient(t, s)
	tests := []struct {
		name     string
		headers  map[string]string
		status   int
		decision string
	}{
		{"an allowed client", map[string]string{"X-Forwarded-For": "192.0.2.1"}, 200, ""},
		{"a blocked address", map[string]string{"X-Forwarded-For": "203.0.113.7"}, 429, httpcheck.DecisionID("203.0.113.7", ipBlock.Expires)},
		{"an API key blocked by its id", map[string]string{"X-Forwarded-For": "192.0.2.1", "X-Api-Key": "key_bad"},
			429, httpcheck.DecisionID(httpcheck.APIKeyID("key_bad"), keyBlock.Expires)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/items", nil)
			r.RemoteAddr = "127.0.0.1:40000"
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			mw.ServeHTTP(w, r)
			type answer struct {
				status          int
				retry, decision string
			}
			want := answer{tt.status, "", tt.decision}
			if tt.status != 200 {
				want.retry = "30"
			}
			got := map[string]answer{"middleware": {w.Code, w.Header().Get("Retry-After"), w.Header().Get(DefaultDecisionHeader)}}

			resp, _ := get(t, proxy, url, tt.headers)
			got["forward_auth"] = answer{resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get(DefaultDecisionHeader)}

			envoy := map[string]string{}
			for k, v := range tt.headers {
				envoy[strings.ToLower(k)] = v
			}
			cr, err := grpc.Check(t.Context(), checkRequest("127.0.0.1", "/api/items", envoy))
			if err != nil {
				t.Fatal(err)
			}
			ea := answer{status: 200}
			if d := cr.GetDeniedResponse(); d != nil {
				ea.status = int(d.GetStatus().GetCode())
				for _, h := range d.GetHeaders() {
					switch h.GetHeader().GetKey() {
					case "retry-after":
						ea.retry = h.GetHeader().GetValue()
					case strings.ToLower(DefaultDecisionHeader):
						ea.decision = h.GetHeader().GetValue()
					}
				}
			}
			got["ext_authz"] = ea
			for path, a := range got {
				if a != want {
					t.Errorf("%s answered %+v; want %+v", path, a, want)
				}
			}
		})
	}
}
