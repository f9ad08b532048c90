package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

// The manifests' own test (deploy/kubernetes, a module of its own) decodes
// them into the Kubernetes API types; this one loads the configs their
// ConfigMaps carry the way the binary does, so a key the binary does not
// know fails here.
func TestKubernetesConfigMapsLoad(t *testing.T) {
	loaders := map[string]func(string) error{
		"detect.yaml": func(p string) error {
			c, err := detectapp.LoadConfig(p)
			if err != nil {
				return err
			}
			c = c.WithDefaults()
			return errors.Join(c.Kafka.WithDefaults().Validate(), c.Redis.WithDefaults().Validate(),
				c.Policy.WithDefaults().Validate(), c.Features.WithDefaults().Validate())
		},
		"gateway.yaml": func(p string) error {
			c, err := gatewayapp.LoadConfig(p)
			if err != nil {
				return err
			}
			return errors.Join(c.Config.WithDefaults().Validate(), c.Blocklist.Redis.WithDefaults().Validate())
		},
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "deploy", "kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/kubernetes: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(r)
		for {
			var doc struct {
				Kind string            `yaml:"kind"`
				Data map[string]string `yaml:"data"`
			}
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if doc.Kind != "ConfigMap" {
				continue
			}
			for name, body := range doc.Data {
				load, ok := loaders[name]
				if !ok {
					continue
				}
				seen[name] = true
				p := filepath.Join(t.TempDir(), name)
				writeFile(t, p, []byte(body))
				if err := load(p); err != nil {
					t.Errorf("%s: the ConfigMap's %s: %v", filepath.Base(f), name, err)
				}
			}
		}
		r.Close()
	}
	for name := range loaders {
		if !seen[name] {
			t.Errorf("no ConfigMap in deploy/kubernetes carries %s", name)
		}
	}
}
