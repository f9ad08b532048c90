package feedback

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/review"
)

func TestRunExportAndReport(t *testing.T) {
	store := blocklistctl.StoreConfig{Redis: redistest.Start(t)}
	ctx := context.Background()
	var out, log bytes.Buffer
	manual := review.Manual{Client: "203.0.113.9", TTL: time.Hour, Note: "by hand"}
	if err := (blocklistctl.Tool{Store: store, Out: &out, Log: &log}).Decide(ctx, manual); err != nil {
		t.Fatal(err)
	}

	t.Run("the verdicts go to the file, and their count to stderr", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "verdicts.jsonl")
		var stdout, stderr bytes.Buffer
		if err := RunExport(ctx, ExportConfig{Store: store, Out: file, Since: "1d"}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		if err != nil || strings.Count(string(b), "\n") != 1 || !strings.Contains(string(b), "203.0.113.9") {
			t.Errorf("file %q, %v; want the one verdict", b, err)
		}
		if stdout.Len() != 0 || stderr.String() != "1 verdicts written to "+file+"\n" {
			t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
		}
	})
	t.Run("- writes the verdicts to stdout, and nothing else", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if err := RunExport(ctx, ExportConfig{Store: store, Out: "-"}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), "203.0.113.9") || stderr.Len() != 0 {
			t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
		}
	})
	t.Run("the report counts the manual block", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if err := RunReport(ctx, ReportConfig{Store: store, Since: "1d", JSON: true}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), `"manual":1`) {
			t.Errorf("report %q; want one manual block", stdout.String())
		}
	})
	for _, tt := range []struct {
		name string
		run  func() error
		want string
	}{
		{"an export without --out says what to pass", func() error { return RunExport(ctx, ExportConfig{Store: store}, &out, &log) }, "--out is required"},
		{"a bad --since is refused before the store is opened", func() error {
			return RunExport(ctx, ExportConfig{Out: "-", Since: "last week"}, &out, &log)
		}, `--since "last week"`},
		{"a report with a bad --since is refused", func() error { return RunReport(ctx, ReportConfig{Since: "0d"}, &out, &log) }, `--since "0d"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
}
