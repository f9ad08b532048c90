package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/portcullis/portcullis/ingest"
)

// A FileConsumer reads an access log line by line; Commit moves its
// checkpoint past the lines acted on, and a new consumer resumes there.
func ExampleFileConsumer() {
	dir, _ := os.MkdirTemp("", "access")
	defer os.RemoveAll(dir)
	cfg := ingest.FileConfig{Path: filepath.Join(dir, "access.json"), Checkpoint: filepath.Join(dir, "access.checkpoint")}
	os.WriteFile(cfg.Path, []byte("line 1\nline 2\nline 3\n"), 0o644)

	ctx := context.Background()
	c, _ := ingest.NewFileConsumer(cfg, nil)
	m, _ := c.Fetch(ctx)
	fmt.Printf("%s at byte %d\n", m.Value, m.Offset)
	c.Commit(ctx, m) // after acting on it
	c.Close()

	c, _ = ingest.NewFileConsumer(cfg, nil)
	defer c.Close()
	m, _ = c.Fetch(ctx)
	fmt.Printf("after a restart: %s at byte %d\n", m.Value, m.Offset)
	// Output:
	// line 1 at byte 0
	// after a restart: line 2 at byte 7
}
