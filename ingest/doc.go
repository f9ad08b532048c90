// Package ingest turns access-log lines into Records. It is the first stage of
// the portcullis pipeline:
//
//	files, stdin, Kafka ──▶ ingest (Record) ──▶ features ──▶ models ──▶ detector ──▶ blocklist
//
// The canonical format is JSON lines (see JSONParser); the proxies' own logs
// are read as they write them: the nginx/Apache combined or common log format
// (CLFParser), any nginx log_format (NginxParser), Caddy's JSON log
// (CaddyParser), Envoy's default text log and its JSON form (EnvoyParser,
// EnvoyJSONParser), Traefik's JSON log (TraefikParser), and JSON of any other
// shape through a field mapping (FieldMapParser). The JSON forms share one
// walker, and each is only its table of keys. A Reader
// reads a stream of lines, gunzips it when needed, detects its format from the
// first non-empty line, and hands out one Record per well-formed line while
// counting malformed ones. A Kafka consumer (package ingest/kafka), which
// already has one message per line, calls a parser directly on each message
// value; sources hand the detector Messages, so only that package knows the
// Kafka client. On one machine
// without Kafka, a FileConsumer stands in for it: a FileFollower reads the
// access log as the web server writes and rotates it, and the consumer keeps
// a checkpoint (inode, offset, and a hash of the file's first line, which
// finds the file again once logrotate has compressed it) that moves only
// when the caller commits.
//
// Logs are written when a request ends and merged from several servers, so
// they are seldom quite in event-time order, while the later stages run on
// event time. Reorder (ReaderConfig.Reorder for a Reader) puts records back
// in order within a lateness and counts the ones that come later still.
//
// Identity chooses which field of a Record names the client that the later
// stages keep state for: its IP address (the default), its API key, its user,
// or the /64 prefix of its IPv6 address.
//
// Parsing is on the per-event hot path, so parsers and Reader.Next allocate
// nothing in steady state. The price is that a Record's byte slices alias the
// parser's memory: they stay valid only until the next parse (Record.Clone
// makes a copy that the caller owns). Parsers and Readers are not safe for
// concurrent use; give each goroutine its own.
package ingest
