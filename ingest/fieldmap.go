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
var fieldMapNames = map[string]jsonField{
	"ts":          fieldTS,
	"client_ip":   fieldClientIP,
	"method":      fieldMethod,
	"path":        fieldPath,
	"status":      fieldStatus,
	"req_bytes":   fieldReqBytes,
	"resp_bytes":  fieldRespBytes,
	"duration_ms": fieldDuration,
	"duration_s":  fieldDurationS,
	"user_agent":  fieldUserAgent,
	"api_key":     fieldAPIKey,
	"user":        fieldUser,
	"waf":         fieldWAF,
}

// fieldDurationS is a duration in seconds, only in field mappings.
const fieldDurationS = fieldWAF + 1

const validMapFields = "ts, client_ip, method, path, status, req_bytes, resp_bytes, duration_ms, duration_s, user_agent, api_key, user or waf"

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
	j     JSONParser
	root  fmNode
	noTS  malformed
	noIDs malformed
}

type fmNode struct {
	kids  map[string]*fmNode
	field jsonField
}

// NewFieldMapParser returns a parser for the mapping m (Record field →
// path). It returns an error wrapping ErrInvalidConfig that names the
// problem for an unknown field, a malformed path, a path mapped twice, or a
// mapping without ts or without any of client_ip, api_key and user.
func NewFieldMapParser(m map[string]string) (*FieldMapParser, error) {
	p := &FieldMapParser{}
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
		if other := p.root.insert(segs, f); other != fieldUnknown {
			return nil, fmt.Errorf("ingest: %w: json field mapping: %s and %s are both mapped to %q", ErrInvalidConfig, mapName(other), name, path)
		}
		if f == fieldClientIP || f == fieldAPIKey || f == fieldUser {
			ids = append(ids, name+" ("+path+")")
		}
	}
	if _, ok := m["ts"]; !ok {
		return nil, fmt.Errorf("ingest: %w: json field mapping has no ts: map it to the field that holds the request time, such as ts=@timestamp", ErrInvalidConfig)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("ingest: %w: json field mapping names no client: map at least one of client_ip, api_key and user", ErrInvalidConfig)
	}
	p.noTS = malformed("json-map: ts (" + m["ts"] + ") is missing")
	p.noIDs = malformed("json-map: " + strings.Join(ids, ", ") + ": all missing; a line needs at least one")
	return p, nil
}

func mapName(f jsonField) string {
	for name, g := range fieldMapNames {
		if g == f {
			return name
		}
	}
	return "?"
}

// insert adds the path segs for f under n, both as nested keys and as
// flat dotted keys; it returns the field already there if the path is taken.
func (n *fmNode) insert(segs []string, f jsonField) jsonField {
	if n.kids == nil {
		n.kids = make(map[string]*fmNode)
	}
	flat := strings.Join(segs, ".")
	leaf := n.kids[flat]
	if leaf == nil {
		leaf = &fmNode{}
		n.kids[flat] = leaf
	}
	if leaf.field != fieldUnknown {
		return leaf.field
	}
	leaf.field = f
	if len(segs) > 1 {
		kid := n.kids[segs[0]]
		if kid == nil {
			kid = &fmNode{}
			n.kids[segs[0]] = kid
		}
		return kid.insert(segs[1:], f)
	}
	return fieldUnknown
}

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *FieldMapParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	p.j.buf = p.j.buf[:0]
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return errNotObject
	}
	haveTS := false
	end, err := p.walk(line, i, &p.root, rec, &haveTS)
	if err != nil {
		return err
	}
	if skipSpace(line, end) != len(line) {
		return errTrailing
	}
	if !haveTS {
		return p.noTS
	}
	if len(rec.ClientIP) == 0 && len(rec.APIKey) == 0 && len(rec.User) == 0 {
		return p.noIDs
	}
	return nil
}

// walk reads the object at s[i] against n's keys.
func (p *FieldMapParser) walk(s []byte, i int, n *fmNode, rec *Record, haveTS *bool) (int, error) {
	j := &p.j
	return j.object(s, i, func(key []byte, i int) (next int, err error) {
		kid := n.kids[string(key)]
		if kid == nil {
			return skipValue(s, i)
		}
		if s[i] == '{' {
			if len(kid.kids) > 0 {
				return p.walk(s, i, kid, rec, haveTS)
			}
			return skipValue(s, i)
		}
		var v int64
		switch kid.field {
		case fieldTS:
			next, *haveTS, err = j.ts(s, i, rec)
		case fieldClientIP:
			next, err = j.firstString(s, i, &rec.ClientIP, errClientIP)
			rec.ClientIP = hostOnly(rec.ClientIP)
		case fieldMethod:
			next, err = j.firstString(s, i, &rec.Method, errMethod)
		case fieldPath:
			next, err = j.firstString(s, i, &rec.Path, errPath)
		case fieldUserAgent:
			next, err = j.firstString(s, i, &rec.UserAgent, errUserAgent)
		case fieldAPIKey:
			next, err = j.firstString(s, i, &rec.APIKey, errAPIKey)
		case fieldUser:
			next, err = j.firstString(s, i, &rec.User, errUser)
		case fieldStatus:
			v, next, err = j.integer(s, i, errStatus)
			if err == nil && v > 999 {
				err = errStatus
			}
			rec.Status = int(v)
		case fieldReqBytes:
			rec.ReqBytes, next, err = j.integer(s, i, errReqBytes)
		case fieldRespBytes:
			rec.RespBytes, next, err = j.integer(s, i, errRespBytes)
		case fieldDuration:
			rec.DurationMS, next, err = j.float(s, i, errDuration)
		case fieldDurationS:
			rec.DurationMS, next, err = j.float(s, i, errDuration)
			rec.DurationMS *= 1000
		case fieldWAF:
			v, next, err = j.integer(s, i, errWAF)
			rec.WAF = int(min(v, 1<<31-1))
		default:
			next, err = skipValue(s, i)
		}
		return next, err
	})
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
