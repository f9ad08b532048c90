package ingest

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"unicode/utf8"
)

func TestAppendJSONRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
	}{
		{"a full record survives", Record{TS: 1772442000123000000, ClientIP: []byte("203.0.113.7"), Method: []byte("GET"),
			Path: []byte("/api/v1/items/42?x=1"), Status: 200, ReqBytes: 512, RespBytes: 5120, DurationMS: 12.5,
			UserAgent: []byte("Mozilla/5.0"), APIKey: []byte("key_1a2b"), User: []byte("alice")}},
		{"quotes, backslashes and control bytes are escaped", Record{TS: 1, ClientIP: []byte("2001:db8::1"),
			Path: []byte("/s?q=\"a\\b\"\n\x01"), UserAgent: []byte("x\ty")}},
		{"a WAF rule count survives", Record{TS: 3, ClientIP: []byte("192.0.2.2"), Path: []byte("/q?id=1' or 1=1--"), Status: 403, WAF: 4}},
		{"non-ASCII text survives", Record{TS: 2, ClientIP: []byte("192.0.2.1"), Path: []byte("/search?q=zürich-東京")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := tt.rec.AppendJSON(nil)
			var p JSONParser
			var got Record
			if err := p.Parse(line, &got); err != nil {
				t.Fatalf("parse %s: %v", line, err)
			}
			if got.TS != tt.rec.TS || got.Status != tt.rec.Status || got.ReqBytes != tt.rec.ReqBytes ||
				got.RespBytes != tt.rec.RespBytes || got.DurationMS != tt.rec.DurationMS ||
				!bytes.Equal(got.ClientIP, tt.rec.ClientIP) || !bytes.Equal(got.Path, tt.rec.Path) ||
				!bytes.Equal(got.Method, tt.rec.Method) || !bytes.Equal(got.UserAgent, tt.rec.UserAgent) ||
				!bytes.Equal(got.APIKey, tt.rec.APIKey) || !bytes.Equal(got.User, tt.rec.User) || got.WAF != tt.rec.WAF {
				t.Errorf("round trip of %s gave %+v", line, got)
			}
		})
	}
}

// FuzzAppendJSON checks that any record the encoder writes parses back to
// the same fields (invalid UTF-8 aside, which the encoder replaces).
func FuzzAppendJSON(f *testing.F) {
	f.Add(int64(1772442000123000000), "203.0.113.7", "GET", "/a?b=1", 200, int64(5), "Mozilla/5.0", "key", "alice")
	f.Add(int64(0), "2001:db8::1", "POST", "/s?q=\"x\\y\"\n", 404, int64(0), "", "", "")
	f.Fuzz(func(t *testing.T, ts int64, ip, method, path string, status int, size int64, ua, key, user string) {
		if ip == "" || status < 0 || status > 999 || size < 0 || ts < 0 || ts > 9e18 {
			return
		}
		for _, s := range []string{ip, method, path, ua, key, user} {
			if !utf8.ValidString(s) {
				return
			}
		}
		rec := Record{TS: ts, ClientIP: []byte(ip), Method: []byte(method), Path: []byte(path), Status: status,
			ReqBytes: size, UserAgent: []byte(ua), APIKey: []byte(key), User: []byte(user)}
		line := rec.AppendJSON(nil)
		var p JSONParser
		var got Record
		// The parser reads the client as an address without a port, in
		// canonical form, and refuses anything else.
		addr, err := netip.ParseAddr(refHostOnly(ip))
		if err != nil || addr.Zone() != "" {
			if err := p.Parse(line, &got); !errors.Is(err, ErrMalformed) {
				t.Fatalf("parse %s: %v; want a malformed client address", line, err)
			}
			return
		}
		ip = addr.Unmap().String()
		if err := p.Parse(line, &got); err != nil {
			t.Fatalf("parse %s: %v", line, err)
		}
		if got.TS != ts || got.Status != status || got.ReqBytes != size || string(got.ClientIP) != ip ||
			string(got.Path) != path || string(got.Method) != method || string(got.UserAgent) != ua ||
			string(got.APIKey) != key || string(got.User) != user {
			t.Fatalf("round trip of %s gave %+v", line, got)
		}
	})
}
