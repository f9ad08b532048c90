package offline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFeedback(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "verdicts.jsonl")
	lines := []string{
		// an unblock of a detector's decision: cleared
		`{"kind":"unblock","label":"benign","client":"203.0.113.7","at":"2026-03-02T09:14:03Z","decision":{"client":"203.0.113.7","scope":"ip","action":"block","origin":"detector","reasons":[{"feature":"rate","value":3.5}]}}`,
		// the same client again: counted once
		`{"kind":"allow","label":"benign","client":"203.0.113.7","entry":"203.0.113.0/24","at":"2026-03-02T09:15:03Z","decision":{"client":"203.0.113.7","scope":"ip","action":"block","origin":"detector"}}`,
		``,
		// an operator lifting their own manual block: not the detector's error
		`{"kind":"unblock","label":"benign","client":"198.51.100.1","at":"2026-03-02T09:16:03Z","decision":{"client":"198.51.100.1","scope":"ip","action":"block","origin":"manual"}}`,
		// a manual block: an attack, not a clearance
		`{"kind":"block","label":"attack","client":"198.51.100.2","at":"2026-03-02T09:17:03Z","decision":{"client":"198.51.100.2","scope":"ip","action":"block","origin":"manual"}}`,
		// an allowlist entry that lifted nothing
		`{"kind":"allow","label":"benign","client":"192.0.2.0/24","entry":"192.0.2.0/24","at":"2026-03-02T09:18:03Z"}`,
		// a campaign member cleared, of another scope
		`{"kind":"unblock","label":"benign","client":"key-1","at":"2026-03-02T09:19:03Z","decision":{"client":"key-1","scope":"api_key","action":"block","rule":"campaign"}}`,
	}
	if err := os.WriteFile(good, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := readFeedback([]string{good}, "ip")
	if err != nil {
		t.Fatal(err)
	}
	if c.Verdicts != 6 || c.OtherScope != 1 || len(c.Clients) != 1 || c.Clients[0].Key != "203.0.113.7" {
		t.Fatalf("read %+v; want 6 verdicts, 1 of another scope, and 203.0.113.7 cleared", c)
	}
	if r := c.Clients[0].Reasons; len(r) != 1 || r[0].Feature != "rate" || r[0].Value != 3.5 {
		t.Errorf("reasons %+v, want rate 3.5 from the lifted decision", r)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(lines[0]+"\n{\"kind\":\"unblock\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = readFeedback([]string{bad}, "ip")
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl line 2") || !strings.Contains(err.Error(), "feedback export") {
		t.Errorf("error %v; want one naming bad.jsonl line 2 and how to make the file", err)
	}
	if _, err := readFeedback([]string{filepath.Join(dir, "missing.jsonl")}, "ip"); err == nil {
		t.Error("a missing feedback file is not an error")
	}
}
