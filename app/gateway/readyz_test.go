package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portcullis/portcullis/blocklist"
)

func TestGatewayReadyz(t *testing.T) {
	healthz := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "{}") })
	tests := []struct {
		name    string
		checker *blocklist.Checker
		code    int
		body    string
	}{
		{"a gateway without a blocklist is ready", nil, 200, "ready\n"},
		{"a gateway whose blocklist has no snapshot yet is not ready", blocklist.NewChecker(nil, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, nil), 503,
			"not ready: the blocklist's first snapshot is not loaded yet\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := AdminHandler(healthz, tt.checker)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
			if rec.Code != tt.code || rec.Body.String() != tt.body {
				t.Errorf("/readyz: %d %q, want %d %q", rec.Code, rec.Body.String(), tt.code, tt.body)
			}
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			if rec.Body.String() != "{}" {
				t.Errorf("/healthz is no longer the gateway's: %q", rec.Body.String())
			}
		})
	}
}
