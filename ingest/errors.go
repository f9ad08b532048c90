package ingest

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them; test for
// them with errors.Is.
var (
	// ErrMalformed means a line could not be parsed as a Record.
	ErrMalformed = errors.New("malformed line")
	// ErrUnknownFormat means a format name is not one ParseFormat knows, or
	// that DetectFormat could not tell a line's format.
	ErrUnknownFormat = errors.New("unknown log format")
	// ErrUnknownIdentity means an identity name is not one ParseIdentity knows.
	ErrUnknownIdentity = errors.New("unknown client identity")
	// ErrInvalidConfig means a ReaderConfig, a FileConfig or a kafka.Config
	// (package ingest/kafka) failed validation.
	ErrInvalidConfig = errors.New("invalid config")
)

// malformed is the error for a line that cannot be parsed. Every reason is a
// constant, so returning one does not allocate, which keeps a flood of bad
// lines from turning into a flood of garbage.
type malformed string

func (m malformed) Error() string { return "ingest: malformed line: " + string(m) }

func (m malformed) Unwrap() error { return ErrMalformed }
