package ingest

import (
	"bytes"
	"fmt"
	"strings"
)

// Format names an access-log line format.
type Format string

// The formats a Reader understands.
const (
	// FormatAuto detects the format from the first non-empty line.
	FormatAuto Format = "auto"
	// FormatJSON is canonical JSON lines, one object per request.
	FormatJSON Format = "json"
	// FormatCLF is the nginx/Apache combined log format, optionally followed
	// by $request_length, or the plain common log format.
	FormatCLF Format = "clf"
	// FormatCaddy is Caddy's JSON access log (see CaddyParser).
	FormatCaddy Format = "caddy"
	// FormatNginx is the lines of an nginx log_format, given as
	// ReaderConfig.LogFormat (see NginxParser); detected lines are read
	// with NginxJSONExample.
	FormatNginx Format = "nginx"
	// FormatEnvoy is Envoy's default text access log, or Istio's longer
	// form of it (see EnvoyParser).
	FormatEnvoy Format = "envoy"
	// FormatEnvoyJSON is Envoy's JSON access log with the keys of
	// EnvoyJSONExample (see EnvoyJSONParser).
	FormatEnvoyJSON Format = "envoy-json"
	// FormatTraefik is Traefik's JSON access log (see TraefikParser).
	FormatTraefik Format = "traefik"
	// FormatJSONMap is JSON lines read through a field mapping given as
	// ReaderConfig.JSONFields (see FieldMapParser).
	FormatJSONMap Format = "json-map"
)

// validFormats is the list shown in error messages.
const validFormats = `"auto", "json", "clf", "caddy", "nginx" (with a log_format), "envoy", "envoy-json", "traefik" or "json-map" (with a field mapping)`

// ParseFormat parses a format name as given on the command line or in the
// configuration file. It ignores case and surrounding space, treats the empty
// string as "auto", and accepts the aliases "jsonl" and "ndjson" for "json"
// and "combined" and "common" for "clf".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return FormatAuto, nil
	case "json", "jsonl", "ndjson":
		return FormatJSON, nil
	case "clf", "combined", "common":
		return FormatCLF, nil
	case "caddy":
		return FormatCaddy, nil
	case "nginx":
		return FormatNginx, nil
	case "envoy":
		return FormatEnvoy, nil
	case "envoy-json", "envoy_json":
		return FormatEnvoyJSON, nil
	case "traefik":
		return FormatTraefik, nil
	case "json-map", "json_map":
		return FormatJSONMap, nil
	}
	return "", fmt.Errorf("ingest: format %q: %w; use %s", s, ErrUnknownFormat, validFormats)
}

// String returns the format's name.
func (f Format) String() string { return string(f) }

// MarshalText implements encoding.TextMarshaler.
func (f Format) MarshalText() ([]byte, error) { return []byte(f), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseFormat, so a
// Format can be read straight from a configuration file.
func (f *Format) UnmarshalText(text []byte) error {
	v, err := ParseFormat(string(text))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// DetectFormat tells which format line is in. A line whose first non-blank
// byte is '{' is FormatCaddy when it names Caddy's access logger
// ("logger":"http.log.access...), FormatNginx when it has nginx's
// "remote_addr" field, FormatTraefik when it has Traefik's "DownstreamStatus"
// and "StartUTC", FormatEnvoyJSON when it has EnvoyJSONExample's
// "start_time" and "response_code", else FormatJSON; a line that starts
// with "[time] \"" is FormatEnvoy; a line that starts like the common log format
// (three space-separated fields, or four with a virtual host first, then
// "[time]") is FormatCLF. DetectFormat
// looks only at the shape of the line: a line it assigns to a format may
// still fail to parse. It returns an error wrapping ErrUnknownFormat for
// anything else, including an empty line.
func DetectFormat(line []byte) (Format, error) {
	i := skipSpace(line, 0)
	if i < len(line) && line[i] == '{' {
		if bytes.Contains(line, caddyLogger) {
			return FormatCaddy, nil
		}
		if bytes.Contains(line, nginxRemoteAddr) {
			return FormatNginx, nil
		}
		if bytes.Contains(line, traefikStatus) && bytes.Contains(line, traefikStart) {
			return FormatTraefik, nil
		}
		if bytes.Contains(line, envoyStart) && bytes.Contains(line, envoyCode) {
			return FormatEnvoyJSON, nil
		}
		return FormatJSON, nil
	}
	if looksLikeEnvoy(line[i:]) {
		return FormatEnvoy, nil
	}
	if looksLikeCLF(line[i:]) {
		return FormatCLF, nil
	}
	const maxShown = 40
	shown := line
	if len(shown) > maxShown {
		shown = shown[:maxShown]
	}
	return "", fmt.Errorf("ingest: cannot detect the format of line %q: %w; "+
		"expected a JSON object or a combined log line, or set the format explicitly",
		shown, ErrUnknownFormat)
}

// nginxRemoteAddr marks a JSON line written by an nginx log_format
// (NginxJSONExample).
var nginxRemoteAddr = []byte(`"remote_addr":`)

// Keys that mark Traefik's and Envoy's JSON access logs.
var (
	traefikStatus = []byte(`"DownstreamStatus":`)
	traefikStart  = []byte(`"StartUTC":`)
	envoyStart    = []byte(`"start_time":`)
	envoyCode     = []byte(`"response_code":`)
)

// looksLikeEnvoy reports whether s starts with "[" a time "] \"", as
// Envoy's default format does; the time must start with a digit, which
// tells it from text that merely opens with a bracket.
func looksLikeEnvoy(s []byte) bool {
	if len(s) < 2 || s[0] != '[' || !isDigit(s[1]) {
		return false
	}
	end := bytes.IndexByte(s, ']')
	return end > 0 && bytes.HasPrefix(s[end+1:], []byte(` "`))
}

// caddyLogger is how Caddy's access log lines name their logger.
var caddyLogger = []byte(`"logger":"http.log.access`)

// looksLikeCLF reports whether s starts with `host ident user [`, or with
// `vhost host ident user [` as Apache's vhost_combined writes it. A quoted
// field (a remote user with a space) counts as one.
func looksLikeCLF(s []byte) bool {
	i := 0
	for field := 0; field < 4; field++ {
		if field == 3 && i < len(s) && s[i] == '[' {
			return true
		}
		start := i
		if i < len(s) && s[i] == '"' {
			next, err := skipString(s, i+1)
			if err != nil {
				return false
			}
			i = next
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				i++
			}
		}
		if i == start {
			return false
		}
		i = skipBlanks(s, i)
	}
	return i < len(s) && s[i] == '['
}

// skipSpace skips JSON white space (space, tab, CR, LF) from s[i:].
func skipSpace(s []byte, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipBlanks skips spaces and tabs from s[i:].
func skipBlanks(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}
