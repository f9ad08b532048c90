package offline

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
)

// Input is a set of recordings and how to read them, as the flags of
// train, score and replay give it (the errors name those flags).
type Input struct {
	// In are the recordings ("-" for stdin; .gz is detected).
	In []string
	// Format is an ingest.Format by name; LogFormat an nginx log_format;
	// Fields a JSON field mapping (field=path pairs, or @FILE of YAML).
	Format, LogFormat, Fields string
	// Identity is what names a client, an ingest.Identity by name.
	Identity string
	// Lateness is how far behind the newest a record may be put back in
	// event-time order.
	Lateness time.Duration
}

// Sources returns a source for every recording, the same as files (whose
// paths spoolStdin may change), and the identity.
func (f *Input) Sources() ([]detector.Source, []*detector.FileSource, ingest.Identity, error) {
	if len(f.In) == 0 {
		return nil, nil, 0, fmt.Errorf("no input: pass a recording with --in FILE")
	}
	format, err := ingest.ParseFormat(f.Format)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("--format: %w", err)
	}
	if f.LogFormat != "" {
		if _, err := ingest.NewNginxParser(f.LogFormat); err != nil {
			return nil, nil, 0, fmt.Errorf("--log-format: %w", err)
		}
		if format != ingest.FormatAuto && format != ingest.FormatNginx {
			return nil, nil, 0, fmt.Errorf("--log-format is an nginx log_format, but --format is %s; drop --format or set it to nginx", format)
		}
	}
	fields, err := f.fieldMap()
	if err != nil {
		return nil, nil, 0, fmt.Errorf("--json-fields: %w", err)
	}
	if fields != nil {
		if format != ingest.FormatAuto && format != ingest.FormatJSONMap {
			return nil, nil, 0, fmt.Errorf("--json-fields is a JSON field mapping, but --format is %s; drop --format or set it to json-map", format)
		}
		if f.LogFormat != "" {
			return nil, nil, 0, fmt.Errorf("--json-fields and --log-format are both given; a recording has one format, so drop one")
		}
	}
	if format == ingest.FormatJSONMap && fields == nil {
		return nil, nil, 0, fmt.Errorf("--format json-map needs --json-fields, such as --json-fields ts=@timestamp,client_ip=remote_ip")
	}
	id, err := ingest.ParseIdentity(f.Identity)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("--identity: %w", err)
	}
	reorder := ingest.ReorderConfig{Lateness: f.Lateness}
	if err := reorder.Validate(); err != nil {
		return nil, nil, 0, fmt.Errorf("--lateness: %w", err)
	}
	var srcs []detector.Source
	var files []*detector.FileSource
	for _, p := range f.In {
		if p != "-" {
			if _, err := os.Stat(p); err != nil {
				return nil, nil, 0, fmt.Errorf("--in: %w", err)
			}
		}
		fs := &detector.FileSource{Path: p, Reader: ingest.ReaderConfig{Format: format, LogFormat: f.LogFormat, JSONFields: fields, Reorder: reorder}}
		srcs = append(srcs, fs)
		files = append(files, fs)
	}
	return srcs, files, id, nil
}

// fieldMap reads --json-fields: field=path pairs, or @FILE naming a YAML
// map. It returns nil when the flag is not given.
func (f *Input) fieldMap() (map[string]string, error) {
	if f.Fields == "" {
		return nil, nil
	}
	var m map[string]string
	var err error
	if path, ok := strings.CutPrefix(f.Fields, "@"); ok {
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return nil, rerr
		}
		m, err = ingest.LoadFieldMap(data)
	} else {
		m, err = ingest.ParseFieldMap(f.Fields)
	}
	if err != nil {
		return nil, err
	}
	if _, err := ingest.NewFieldMapParser(m); err != nil {
		return nil, err
	}
	return m, nil
}
