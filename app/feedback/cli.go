package feedback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/blocklist/redisstore"
)

// Timeout bounds "portcullis feedback export" and "portcullis report":
// they read whole streams.
const Timeout = 2 * time.Minute

// ExportConfig is what "portcullis feedback export" is asked.
type ExportConfig struct {
	// Store names the blocklist the verdicts are recorded beside.
	Store blocklistctl.StoreConfig
	// Out is the file to write, or "-" for standard output.
	Out string
	// Since keeps the verdicts of this period (a ParseSince value); empty
	// keeps them all.
	Since string
}

// RunExport writes the verdicts c asks for to c.Out, and, unless that is
// stdout, says on stderr how many it wrote.
func RunExport(ctx context.Context, c ExportConfig, stdout, stderr io.Writer) error {
	from := time.Time{}
	if c.Since != "" {
		var err error
		if from, err = ParseSince(c.Since, time.Now()); err != nil {
			return err
		}
	}
	if c.Out == "" {
		return errors.New("--out is required: a file, or - for standard output")
	}
	t := blocklistctl.Tool{Store: c.Store, Out: stdout, Log: stderr, Timeout: Timeout}
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error {
		w, done, err := createOut(c.Out, stdout)
		if err != nil {
			return err
		}
		n, err := Export(ctx, r, w, from)
		if err = errors.Join(err, done()); err != nil {
			return err
		}
		if c.Out != "-" {
			fmt.Fprintf(stderr, "%d verdicts written to %s\n", n, blocklistctl.EscapeText(c.Out))
		}
		return nil
	})
}

// createOut opens the file path for writing, or returns stdout for "-";
// done closes it.
func createOut(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// ReportConfig is what "portcullis report" is asked.
type ReportConfig struct {
	// Store names the blocklist whose decisions and verdicts to read.
	Store blocklistctl.StoreConfig
	// Since is the period back from now (a ParseSince value).
	Since string
	// JSON prints the summary as one JSON object.
	JSON bool
}

// RunReport prints the summary of the period c names (see Report).
func RunReport(ctx context.Context, c ReportConfig, stdout, stderr io.Writer) error {
	now := time.Now()
	from, err := ParseSince(c.Since, now)
	if err != nil {
		return err
	}
	t := blocklistctl.Tool{Store: c.Store, Out: stdout, Log: stderr, Timeout: Timeout}
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error {
		return Report(ctx, r, stdout, from, now, c.JSON)
	})
}
