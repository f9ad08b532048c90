package gateway

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestKeysToolRunsEachSubcommand(t *testing.T) {
	t.Setenv("KEYS_TOOL_TEST_PEPPER", "keys-tool-test-pepper-0123456789abcdef0123")
	var out, log bytes.Buffer
	tool := KeysTool{Keys: KeysConfig{File: filepath.Join(t.TempDir(), "keys.json"), PepperEnv: "KEYS_TOOL_TEST_PEPPER"}, Out: &out, Log: &log}
	ctx := context.Background()

	if err := tool.Create(ctx, "acme", []string{"reports"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`id:\s+(\S+)[\s\S]*api key: (\S+)`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "shown once") {
		t.Fatalf("Create printed %q; want the id, the key, and that it is shown once", out.String())
	}
	id, secret := m[1], m[2]
	out.Reset()
	if err := tool.Rotate(ctx, id, time.Minute); err != nil || !strings.Contains(out.String(), "api key: ") || strings.Contains(out.String(), secret) {
		t.Errorf("Rotate: %v, printed %q; want a new key", err, out.String())
	}
	out.Reset()
	if err := tool.Revoke(ctx, id); err != nil || !strings.HasPrefix(out.String(), id+" revoked at ") {
		t.Errorf("Revoke: %v, printed %q", err, out.String())
	}
	out.Reset()
	tool.JSON = true
	if err := tool.List(ctx); err != nil || !strings.Contains(out.String(), `"state":"revoked"`) || strings.Contains(out.String(), secret) {
		t.Errorf("List: %v, printed %q; want the revoked key and no secret", err, out.String())
	}
	if err := (KeysTool{Keys: KeysConfig{PepperEnv: "KEYS_TOOL_TEST_PEPPER"}, Out: &out, Log: &log}).List(ctx); err == nil || !strings.Contains(err.Error(), "no key store") {
		t.Errorf("List without a store: %v", err)
	}
}
