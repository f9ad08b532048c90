package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

const reviewToken = "cmd-review-token-0123456789"

// adminCall sends a request to the admin listener with token as bearer
// (none if empty) and returns the status and body.
func adminCall(t *testing.T, method, url, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// TestDetectServesTheReviewAPI runs portcullis detect with an admin token
// and reviews what it blocked: the list matches Redis, a client comes with
// the judgements that led to its block, and an unblock reaches Redis.
func TestDetectServesTheReviewAPI(t *testing.T) {
	p := shared(t)
	s := newStack(t, "review", "")
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, []byte(reviewToken+"\n"))
	cfg := strings.Replace(string(readFile(t, s.config)), adminLine, `admin: {listen: "127.0.0.1:0", token_file: `+tokenFile+"}", 1)
	writeFile(t, s.config, []byte(cfg))
	s.detect(t)
	run(t, "replay", "--in", p.path("day2.jsonl"), "--brokers", s.brokers, "--topic", "logs")
	total := float64(countLines(readFile(t, p.path("day2.jsonl"))))
	waitCommitted(t, "every event committed", 60*time.Second, total, s.admin)
	base := "http://" + s.admin

	for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
		if code, _ := adminCall(t, "GET", base+path, ""); code != 200 {
			t.Errorf("%s without a token: status %d, want 200", path, code)
		}
	}
	if code, _ := adminCall(t, "GET", base+"/api/v1/decisions", ""); code != 401 {
		t.Errorf("the review API without a token: status %d, want 401", code)
	}

	code, body := adminCall(t, "GET", base+"/api/v1/decisions?limit=500", reviewToken)
	if code != 200 {
		t.Fatalf("list: status %d: %s", code, body)
	}
	var page struct {
		Items []struct {
			decisionLine
			TTLLeftSec int64 `json:"ttl_left_s"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	stored := parseDecisions(t, []byte(run(t, "blocklist", "list", "--json", "--redis", s.redis.Addr(), "--prefix", "review:").stdout))
	if page.Total == 0 || page.Total != len(stored) || len(page.Items) != len(stored) {
		t.Fatalf("the API lists %d decisions (total %d); Redis holds %d", len(page.Items), page.Total, len(stored))
	}
	first := page.Items[0]
	if len(first.Reasons) == 0 || first.TTLLeftSec <= 0 {
		t.Errorf("item lacks reasons or TTL left: %+v", first)
	}

	code, body = adminCall(t, "GET", base+"/api/v1/decisions/"+url.PathEscape(first.Client), reviewToken)
	if code != 200 {
		t.Fatalf("get %s: status %d: %s", first.Client, code, body)
	}
	var detail struct {
		History []struct {
			TS      time.Time `json:"ts"`
			Decided bool      `json:"decided"`
			Score   float64   `json:"score"`
		} `json:"history"`
	}
	if err := json.Unmarshal(body, &detail); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range detail.History {
		found = found || j.Decided && j.TS.Equal(first.TS) && j.Score == first.Score
	}
	if !found {
		t.Errorf("the history of %s lacks the judgement that blocked it at %v: %s", first.Client, first.TS, body)
	}

	if code, body := adminCall(t, "POST", base+"/api/v1/decisions/"+url.PathEscape(first.Client)+"/unblock", reviewToken); code != 200 {
		t.Fatalf("unblock: status %d: %s", code, body)
	}
	if _, err := execute(t.Context(), "blocklist", "--redis", s.redis.Addr(), "--prefix", "review:", "explain", first.Client); err == nil ||
		!strings.Contains(err.Error(), "not blocked") {
		t.Errorf("explain after an unblock through the API: %v", err)
	}
}

// TestDetectWithoutATokenHasNoReviewAPI checks that the review API is off,
// and the log says how to turn it on, when no token is configured.
func TestDetectWithoutATokenHasNoReviewAPI(t *testing.T) {
	s := newStack(t, "notoken", "")
	ctx, cancel := context.WithCancel(context.Background())
	admin, logs, done := runDetectCmd(t, ctx, s.config)
	base := "http://" + admin
	waitFor(t, "the admin listener", 20*time.Second, func() bool {
		return strings.Contains(httpGet(t, base+"/healthz"), "ok")
	})
	for _, path := range []string{"/api/v1/decisions", "/review/"} {
		if code, _ := adminCall(t, "GET", base+path, reviewToken); code != 404 {
			t.Errorf("%s: status %d, want 404", path, code)
		}
	}
	cancel()
	if err := testwait.Recv(t, done, 20*time.Second, "detect to stop after cancellation"); err != nil {
		t.Errorf("detect: %v", err)
	}
	if !strings.Contains(logs.String(), "PORTCULLIS_ADMIN_TOKEN or admin.token_file to turn them on") {
		t.Errorf("the log does not say how to turn the review API on:\n%s", logs.String())
	}
}

func TestDetectRefusesAWeakAdminToken(t *testing.T) {
	p := shared(t)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, []byte("letmein\n"))
	cfg := filepath.Join(dir, "detect.yaml")
	writeFile(t, cfg, []byte("model: "+p.path("m.pcm")+"\nkafka: {brokers: [127.0.0.1:1], topic: logs, group: g}\nredis: {addrs: [127.0.0.1:1]}\nadmin: {listen: 127.0.0.1:0, token_file: "+tokenFile+"}\n"))
	_, err := execute(t.Context(), "detect", "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "openssl rand") {
		t.Errorf("detect with a 7-character token: %v; want a refusal that says how to make a token", err)
	}
}
