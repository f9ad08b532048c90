package ingest

import (
	"errors"
	"strings"
	"testing"
)

// TestClientIPMustBeAnIP pins that a line's client address is an IP in
// canonical form, or the line is malformed for that reason: a crafted
// client_ip must not become a client that operators see.
func TestClientIPMustBeAnIP(t *testing.T) {
	tests := []struct {
		name, ip string
		want     string // the canonical form; "" when refused
	}{
		{"an IPv4 address is kept", "203.0.113.7", "203.0.113.7"},
		{"an IPv6 address is kept", "2001:db8::1", "2001:db8::1"},
		{"an IPv6 address is written in canonical form", "0:0:0:0:0:0:0:1", "::1"},
		{"upper-case IPv6 is written in lower case", "2001:DB8::A", "2001:db8::a"},
		{"an IPv4-mapped address is unmapped", "::ffff:192.0.2.1", "192.0.2.1"},
		{"a port is dropped", "[2001:db8::1]:443", "2001:db8::1"},
		{"a word is refused", "not-an-ip", ""},
		{"markup is refused", "<script>", ""},
		{"terminal escapes are refused", "\x1b[2J\x1b[H", ""},
		{"CRLF is refused", "1.2.3.4\r\nX: y", ""},
		{"leading zeros are refused", "127.0.0.008", ""},
		{"a zone is refused", "fe80::1%eth0", ""},
		{"a 100 KB string is refused", strings.Repeat("9", 100<<10), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var jp JSONParser
			var rec Record
			line := `{"ts":"2026-03-02T09:00:00Z","client_ip":` + quoteJSON(tt.ip) + `}`
			err := jp.Parse([]byte(line), &rec)
			check(t, "JSON", err, string(rec.ClientIP), tt.want)

			if strings.ContainsAny(tt.ip, " \r\n\"[") {
				return // not one CLF field
			}
			var cp CLFParser
			rec = Record{}
			err = cp.Parse([]byte(tt.ip+` - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`), &rec)
			check(t, "CLF", err, string(rec.ClientIP), tt.want)
		})
	}
}

func check(t *testing.T, format string, err error, got, want string) {
	t.Helper()
	if want == "" {
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "client_ip: not an IP") {
			t.Errorf("%s: error %v; want the client_ip reason", format, err)
		}
		return
	}
	if err != nil || got != want {
		t.Errorf("%s: %q, %v; want %q", format, got, err, want)
	}
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b.WriteString(`\` + string(c))
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
