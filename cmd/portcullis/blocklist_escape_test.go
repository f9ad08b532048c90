package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
)

// TestBlocklistOutputIsEscaped stores decisions whose strings carry
// terminal escapes, as a crafted log line or a tampered store could, and
// checks that list and explain print them escaped: no control byte of
// theirs reaches the terminal.
func TestBlocklistOutputIsEscaped(t *testing.T) {
	r := redistest.Start(t)
	store, err := redisstore.New(redisstore.Config{Addrs: []string{r}, KeyPrefix: "esc:"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const evil = "key_\x1b]0;owned\x07\x1b[2J\r\nFAKE\u202e"
	if _, err := store.Apply(t.Context(), []*decision.Decision{{Client: evil, Scope: "api_key", TS: time.Now(), Action: decision.ActionBlock,
		TTLSec: 600, Model: "m\x1b[31m", Reasons: []decision.Reason{{Feature: "path\x1b[1m", Value: 1, Typical: 0}}}}); err != nil {
		t.Fatal(err)
	}
	bl := func(args ...string) output {
		return run(t, append([]string{"blocklist", "--redis", r, "--prefix", "esc:"}, args...)...)
	}
	for name, out := range map[string]string{"list": bl("list").stdout, "explain": bl("explain", evil).stdout} {
		if strings.ContainsAny(out, "\x1b\x07\r\u202e") {
			t.Errorf("%s printed a control character: %q", name, out)
		}
		if !strings.Contains(out, `key_\x1b]0;owned\a\x1b[2J\r\nFAKE\u202e`) {
			t.Errorf("%s did not print the client escaped: %q", name, out)
		}
	}
}

// TestBlocklistAddRefusesNonCanonicalClients pins that a block by hand is
// on a client as requests name it: 127.0.0.008 or 0:0:0:0:0:0:0:1 would
// block nothing, or one spelling of a client beside another.
func TestBlocklistAddRefusesNonCanonicalClients(t *testing.T) {
	r := redistest.Start(t)
	add := func(client string) (output, error) {
		return execute(t.Context(), "blocklist", "--redis", r, "--prefix", "canon:", "add", client, "--ttl", "1h")
	}
	for client, want := range map[string]string{
		"127.0.0.008":            "not an IP address",
		"0:0:0:0:0:0:0:1":        "write ::1",
		"::ffff:192.0.2.1":       "write 192.0.2.1",
		"2001:DB8::1":            "write 2001:db8::1",
		"2001:db8:0:1::5/64":     "write 2001:db8:0:1::/64",
		"10.0.0.0/8":             "IPv6 /64",
		"key with spaces":        "printable characters without spaces",
		"user\x1b[2J":            "printable characters",
		strings.Repeat("k", 300): "at most 256",
	} {
		out, err := add(client)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("add %q: %v (stdout %q); want an error saying %q", client, err, out.stdout, want)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b") {
			t.Errorf("add %q: the error holds a control character: %q", client, err)
		}
	}
	for _, client := range []string{"::1", "203.0.113.9", "2001:db8:0:1::/64", "key_ab12cd34", "alice"} {
		if out, err := add(client); err != nil || !strings.Contains(out.stdout, "stored") {
			t.Errorf("add %q: %v %q", client, err, out.stdout)
		}
	}
}

// TestBlocklistAllowEverythingNeedsForce pins that an allowlist entry of
// every address, which lifts every block, is taken only with --force.
func TestBlocklistAllowEverythingNeedsForce(t *testing.T) {
	r := redistest.Start(t)
	bl := func(args ...string) (output, error) {
		return execute(t.Context(), append([]string{"blocklist", "--redis", r, "--prefix", "all:"}, args...)...)
	}
	for _, e := range []string{"0.0.0.0/0", "::/0"} {
		if _, err := bl("allow", e); err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("allow %s: %v; want a refusal that names --force", e, err)
		}
	}
	if out, err := bl("allow", "0.0.0.0/0", "--force"); err != nil || !strings.Contains(out.stdout, "allowlisted") {
		t.Errorf("allow --force: %v %q", err, out.stdout)
	}
	if out, err := bl("allow", "10.0.0.0/8"); err != nil || !strings.Contains(out.stdout, "allowlisted") {
		t.Errorf("allow 10.0.0.0/8: %v %q", err, out.stdout)
	}
}
