package ingest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fieldMapNames are the Record fields a field mapping can set, by the
// names of the canonical JSON format, with duration_s for a duration logged
// in seconds.
var fieldMapNames = map[string]jsonTo{
	"ts":          toTS,
	"client_ip":   toClientIP,
	"method":      toMethod,
	"path":        toPath,
	"status":      toStatus,
	"req_bytes":   toReqBytes,
	"resp_bytes":  toRespBytes,
	"duration_ms": toDurationMS,
	"duration_s":  toDurationS,
	"user_agent":  toUserAgent,
	"api_key":     toAPIKeyRaw,
	"api_key_id":  toAPIKey,
	"user":        toUser,
	"waf":         toWAF,
}

const validMapFields = "ts, client_ip, method, path, status, req_bytes, resp_bytes, duration_ms, duration_s, user_agent, api_key, api_key_id, user or waf"

// ParseFieldMap parses a field mapping as given on the command line:
// comma-separated field=path pairs, such as
// "ts=@timestamp,client_ip=request.remote_ip,status=response.status". It
// checks only the syntax; NewFieldMapParser checks the rest.
func ParseFieldMap(s string) (map[string]string, error) {
	m := make(map[string]string)
	for pair := range strings.SplitSeq(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		field, path, ok := strings.Cut(pair, "=")
		field, path = strings.TrimSpace(field), strings.TrimSpace(path)
		if !ok || field == "" || path == "" {
			return nil, fmt.Errorf("ingest: %w: json field mapping %q: want field=path, such as ts=@timestamp", ErrInvalidConfig, pair)
		}
		if _, dup := m[field]; dup {
			return nil, fmt.Errorf("ingest: %w: json field mapping: %s is mapped twice", ErrInvalidConfig, field)
		}
		m[field] = path
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("ingest: %w: json field mapping %q is empty: want field=path pairs, such as ts=@timestamp,client_ip=remote_ip", ErrInvalidConfig, s)
	}
	return m, nil
}

// FieldMapParser reads JSON lines of any shape through a mapping from
// Record fields to paths in the object: a path is the keys from the top
// object down, joined by dots ("request.remote_ip"). A key that itself holds
// dots ("http.request.method" written flat, as some loggers do) is matched
// too. The fields are those of the canonical JSON format (ts, client_ip,
// method, path, status, req_bytes, resp_bytes, duration_ms, user_agent,
// api_key, user, waf) and duration_s, a duration in seconds. Values are read
// as JSONParser reads them: ts as an RFC 3339 time or a Unix time, numbers
// as numbers or strings; a text field that holds an array takes its first
// element, as header lists are logged. ts must be mapped and present, and
// at least one of client_ip, api_key and user must be mapped and present.
//
// A FieldMapParser is not safe for concurrent use.
type FieldMapParser struct {
	w    jsonWalker
	form jsonForm
}

// fmNode is a key of a mapping while it is built.
type fmNode struct {
	kids map[string]*fmNode
	to   jsonTo
}

// NewFieldMapParser returns a parser for the mapping m (Record field →
// path). It returns an error wrapping ErrInvalidConfig that names the
// problem for an unknown field, a malformed path, a path mapped twice, or a
// mapping without ts or without any of client_ip, api_key and user.
func NewFieldMapParser(m map[string]string) (*FieldMapParser, error) {
	p := &FieldMapParser{}
	var root fmNode
	var ids []string
	for _, name := range slices.Sorted(maps.Keys(m)) {
		path := m[name]
		f, ok := fieldMapNames[name]
		if !ok {
			return nil, fmt.Errorf("ingest: %w: json field mapping: %q is not a record field; use %s", ErrInvalidConfig, name, validMapFields)
		}
		segs := strings.Split(path, ".")
		if slices.Contains(segs, "") {
			return nil, fmt.Errorf("ingest: %w: json field mapping: %s=%q: a path is keys joined by single dots, such as request.remote_ip", ErrInvalidConfig, name, path)
		}
		if other := root.insert(segs, f); other != toSkip {
			return nil, fmt.Errorf("ingest: %w: json field mapping: %s and %s are both mapped to %q", ErrInvalidConfig, mapName(other), name, path)
		}
		if f == toClientIP || f == toAPIKey || f == toAPIKeyRaw || f == toUser {
			ids = append(ids, name+" ("+path+")")
		}
	}
	if _, ok := m["ts"]; !ok {
		return nil, fmt.Errorf("ingest: %w: json field mapping has no ts: map it to the field that holds the request time, such as ts=@timestamp", ErrInvalidConfig)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("ingest: %w: json field mapping names no client: map at least one of client_ip, api_key and user", ErrInvalidConfig)
	}
	p.form = jsonForm{
		keys:     root.table(),
		noTS:     malformed("json-map: ts (" + m["ts"] + ") is missing"),
		noClient: malformed("json-map: " + strings.Join(ids, ", ") + ": all missing; a line needs at least one"),
		anyID:    true,
	}
	return p, nil
}

func mapName(f jsonTo) string {
	for name, g := range fieldMapNames {
		if g == f {
			return name
		}
	}
	return "?"
}

// insert adds the path segs for f under n, both as nested keys and as
// flat dotted keys; it returns the field already there if the path is taken.
func (n *fmNode) insert(segs []string, f jsonTo) jsonTo {
	if n.kids == nil {
		n.kids = make(map[string]*fmNode)
	}
	flat := strings.Join(segs, ".")
	leaf := n.kids[flat]
	if leaf == nil {
		leaf = &fmNode{}
		n.kids[flat] = leaf
	}
	if leaf.to != toSkip {
		return leaf.to
	}
	leaf.to = f
	if len(segs) > 1 {
		kid := n.kids[segs[0]]
		if kid == nil {
			kid = &fmNode{}
			n.kids[segs[0]] = kid
		}
		return kid.insert(segs[1:], f)
	}
	return toSkip
}

// table returns the keys of n's children as the walker reads them. Text
// fields take an array's first element, as header lists are logged.
func (n *fmNode) table() *jsonKeys {
	var keys []jsonKey
	for name, kid := range n.kids {
		k := jsonKey{name: name, to: kid.to, first: true}
		if len(kid.kids) > 0 {
			k.kids = kid.table()
		}
		keys = append(keys, k)
	}
	return newJSONKeys(keys...)
}

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *FieldMapParser) Parse(line []byte, rec *Record) error {
	return p.w.parse(line, &p.form, rec)
}

// LoadFieldMap reads a field mapping written as a YAML map of Record
// field to path, as a configuration file holds it:
//
//	ts: "@timestamp"
//	client_ip: request.remote_ip
//	status: response.status
//
// It checks only that it is a map of strings; NewFieldMapParser checks the
// rest.
func LoadFieldMap(data []byte) (map[string]string, error) {
	var m map[string]string
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("ingest: %w: json field mapping: want a YAML map of record field to path, such as `ts: \"@timestamp\"`: %w", ErrInvalidConfig, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("ingest: %w: json field mapping is empty: want a YAML map of record field to path, such as `ts: \"@timestamp\"`", ErrInvalidConfig)
	}
	return m, nil
}
