package limits

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// ModelFormat is the format name a model file written by portcullis train
// carries (models.FormatName).
const ModelFormat = "portcullis-model"

// ErrNoLimits says a model file holds no learned limits: it was trained
// by a build that did not learn them.
var ErrNoLimits = errors.New("the model holds no learned limits")

// ReadModel reads the learned limits of a model file written by
// portcullis train, and the model's id. It decodes only those fields, so
// that a gateway loads limits without the detector's models: the forest,
// the baselines and their dependencies stay out of it. A model of a
// format version the detector no longer reads still gives its limits.
func ReadModel(r io.Reader) (*Table, string, error) {
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return nil, "", fmt.Errorf("limits: not a gzip-compressed model (%v); pass a file written by portcullis train", err)
	}
	var m struct {
		Format string `json:"format"`
		ID     string `json:"id"`
		Limits *Table `json:"limits"`
	}
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		return nil, "", fmt.Errorf("limits: the model is damaged or cut off (%v); pass a file written by portcullis train", err)
	}
	if m.Format != ModelFormat {
		return nil, "", fmt.Errorf("limits: format is %q, not %q; pass a file written by portcullis train", m.Format, ModelFormat)
	}
	if m.Limits == nil {
		return nil, m.ID, fmt.Errorf("limits: model %s: %w; retrain it with this build (portcullis train)", m.ID, ErrNoLimits)
	}
	return m.Limits, m.ID, nil
}

// ReadModelFile is ReadModel on the file at path.
func ReadModelFile(path string) (*Table, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("limits: %w", err)
	}
	defer f.Close()
	t, id, err := ReadModel(f)
	if err != nil {
		return nil, id, fmt.Errorf("%w (reading %s)", err, path)
	}
	return t, id, nil
}
