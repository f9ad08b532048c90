package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Format
	}{
		{"auto is auto", "auto", FormatAuto},
		{"an empty name is auto", "", FormatAuto},
		{"json is JSON lines", "json", FormatJSON},
		{"ndjson is an alias for JSON lines", "ndjson", FormatJSON},
		{"clf is the combined log format", "clf", FormatCLF},
		{"combined is an alias for clf", "combined", FormatCLF},
		{"case and spaces are ignored", "  JSON ", FormatJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseFormatRejectsUnknownNamesAndListsTheValidOnes(t *testing.T) {
	_, err := ParseFormat("xml")
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("ParseFormat(xml) = %v, want ErrUnknownFormat", err)
	}
	for _, v := range []string{`"xml"`, `"auto"`, `"json"`, `"clf"`} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error %q does not mention %s", err, v)
		}
	}
}

func TestFormatUnmarshalText(t *testing.T) {
	var f Format
	if err := f.UnmarshalText([]byte("combined")); err != nil || f != FormatCLF {
		t.Fatalf("UnmarshalText(combined) = %v, format %q", err, f)
	}
	if err := f.UnmarshalText([]byte("yaml")); !errors.Is(err, ErrUnknownFormat) || f != FormatCLF {
		t.Fatalf("UnmarshalText(yaml) = %v and changed the format to %q", err, f)
	}
	if b, _ := FormatJSON.MarshalText(); string(b) != "json" {
		t.Fatalf("MarshalText = %q", b)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Format // "" means an error
	}{
		{"a JSON object is JSON", `{"ts":"2026-03-02T09:00:00Z"}`, FormatJSON},
		{"a JSON object after white space is JSON", " \t{}", FormatJSON},
		{"a truncated JSON object is still JSON", `{"ts":`, FormatJSON},
		{"a combined line is CLF", benchCLFLine, FormatCLF},
		{"a common line is CLF", `192.0.2.44 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, FormatCLF},
		{"a CLF line with a bad time is still CLF", `192.0.2.44 - - [yesterday] "GET / HTTP/1.0" 200 2326`, FormatCLF},
		{"an IPv6 CLF line is CLF", `2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, FormatCLF},
		{"a vhost_combined line is CLF", `example.com:443 203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "ua"`, FormatCLF},
		{"a line with a quoted remote user is CLF", `192.0.2.44 - "carol smith" [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, FormatCLF},
		{"a bracketed IPv6 CLF line with a port is CLF", `[2001:db8::1]:443 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, FormatCLF},
		{"a CLF line ending in a doubled quote is CLF", `192.0.2.44 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "ua""`, FormatCLF},
		{"a line with five fields before the time is unknown", `a b c d e [10/Oct/2000:13:55:36 -0700] "GET /"`, ""},
		{"a line with an unterminated quoted field before the time is unknown", `192.0.2.44 - "carol [10/Oct/2000:13:55:36 -0700] "GET /"`, ""},
		{"an empty line is unknown", ``, ""},
		{"plain text is unknown", `hello world`, ""},
		{"a JSON array is unknown", `[{"ts":"2026-03-02T09:00:00Z"}]`, ""},
		{"a line with too few fields before the time is unknown", `192.0.2.44 - [10/Oct/2000:13:55:36 -0700] "GET /"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectFormat([]byte(tt.line))
			if tt.want == "" {
				if !errors.Is(err, ErrUnknownFormat) {
					t.Fatalf("DetectFormat(%q) = %q, %v; want ErrUnknownFormat", tt.line, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("DetectFormat(%q) = %q, %v; want %q", tt.line, got, err, tt.want)
			}
		})
	}
}
