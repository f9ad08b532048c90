package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// TestEnforceCommandRunsTheNginxExample runs portcullis enforce with
// examples/nginx/enforce.yaml, moved to the test's Redis and to free ports
// by the command's flags, and asks it as nginx would.
func TestEnforceCommandRunsTheNginxExample(t *testing.T) {
	redisAddr := redistest.Start(t)
	raw, err := os.ReadFile("../../examples/nginx/enforce.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("127.0.0.1:6379")) {
		t.Fatal("examples/nginx/enforce.yaml no longer names Redis at 127.0.0.1:6379; update the test")
	}
	path := filepath.Join(t.TempDir(), "enforce.yaml")
	if err := os.WriteFile(path, bytes.ReplaceAll(raw, []byte("127.0.0.1:6379"), []byte(redisAddr)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrRE := regexp.MustCompile(`forward_auth=(127\.0\.0\.1:\d+) admin=(127\.0\.0\.1:\d+)`)
	m, logs, done := runCommand(t, ctx, addrRE, "enforce", "--config", path, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("enforce: %v\n%s", err, logs.String())
		}
	}()
	testwait.Until(t, 10*time.Second, "readyz", func() bool {
		resp, err := http.Get("http://" + m[2] + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	req, _ := http.NewRequest(http.MethodGet, "http://"+m[1]+"/.portcullis/check", nil)
	req.Header.Set("X-Forwarded-For", "192.0.2.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("a client with no decision got %d; want 200", resp.StatusCode)
	}
}

func TestEnforceCommandNeedsAConfig(t *testing.T) {
	_, err := execute(t.Context(), "enforce")
	if err == nil || !strings.Contains(err.Error(), "--config") {
		t.Errorf("error %v; want one asking for --config", err)
	}
	out, err := execute(t.Context(), "enforce", "--help")
	if err != nil || !strings.Contains(out.stdout, "auth_request") || !strings.Contains(out.stdout, "--grpc-listen") {
		t.Errorf("enforce --help: %v\n%s", err, out.stdout)
	}
}
