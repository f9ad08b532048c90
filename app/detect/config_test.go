package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
)

func TestConfigDecodesIdentityAndFormatByTheirTypes(t *testing.T) {
	tests := []struct {
		name, yaml string
		identity   ingest.Identity
		format     ingest.Format
		err        string
	}{
		{"identity and format are read by name", "model: m.pcm\nidentity: api_key\nformat: clf\n", ingest.IdentityAPIKey, ingest.FormatCLF, ""},
		{"without them a client is its address and the input JSON lines", "model: m.pcm\n", ingest.IdentityIP, ingest.FormatJSON, ""},
		{"an unknown identity names its line and key", "model: m.pcm\nidentity: cookie\n", 0, "", "line 2: identity: "},
		{"an unknown format names its line and key", "model: m.pcm\nformat: xml\n", 0, "", "line 2: format: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "detect.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := LoadConfig(path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("LoadConfig: %v; want an error saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c = c.WithDefaults()
			if c.Identity != tt.identity || c.Format != tt.format {
				t.Errorf("identity %v, format %q; want %v, %q", c.Identity, c.Format, tt.identity, tt.format)
			}
		})
	}
}

func TestValidateNamesWhatIsMissing(t *testing.T) {
	file := &ingest.FileConfig{Path: "access.log", Checkpoint: "cp"}
	kc := kafka.Config{Brokers: []string{"k:9092"}, Topic: "logs", GroupID: "g"}
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"no model", Config{Kafka: kc}, "no model"},
		{"no input", Config{Model: "m.pcm"}, "no input: set kafka"},
		{"both inputs", Config{Model: "m.pcm", Kafka: kc, Input: InputConfig{File: file}}, "both kafka and input.file are set"},
		{"a share of malformed messages over 100", Config{Model: "m.pcm", Kafka: kc, MaxMalformed: 150}, "max_malformed: 150 is outside [0,100]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.c.WithDefaults().Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v; want it to say %q", err, tt.want)
			}
		})
	}
	if err := (Config{Model: "m.pcm", Input: InputConfig{File: file}}).WithDefaults().Validate(); err != nil {
		t.Errorf("a config with a model and one input: %v", err)
	}
}

// TestOnePolicySection: the detector's policy and the store's are one
// section with one Validate; the store's keys are no longer read from the
// redis section.
func TestOnePolicySection(t *testing.T) {
	load := func(t *testing.T, yaml string) (Config, error) {
		path := filepath.Join(t.TempDir(), "detect.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		return LoadConfig(path)
	}
	c, err := load(t, "model: m.pcm\ninput: {file: {path: a.log}}\npolicy:\n  ttl: 5m\n  dry_run: true\n  max_active: 7\n  breaker: {max_new: 3}\n  escalation: {factor: 3}\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s := c.Policy.Store()
	if s.MaxActive != 7 || s.Breaker.MaxNew != 3 || s.Escalation.Factor != 3 || !s.DryRun || c.Policy.TTL.Minutes() != 5 {
		t.Errorf("policy %+v, store's part %+v", c.Policy, s)
	}
	if !c.online().Pipeline.Policy.DryRun {
		t.Error("the detector's part lost dry_run")
	}
	if _, err := load(t, "model: m.pcm\nredis: {addrs: [r:6379], max_active: 7}\n"); err == nil || !strings.Contains(err.Error(), "max_active") {
		t.Errorf("max_active in the redis section: %v; want an error naming it", err)
	}
	c, err = load(t, "model: m.pcm\ninput: {file: {path: a.log}}\npolicy: {max_active: -1, allow: [10.0.0.0/33]}\n")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	for _, want := range []string{"max_active", "10.0.0.0/33"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v; want an error naming %s", err, want)
		}
	}
}
