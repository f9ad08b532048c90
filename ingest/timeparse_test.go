package ingest

import (
	"regexp"
	"testing"
	"time"
)

func TestParseRFC3339(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"a UTC time without a fraction parses", "2026-03-02T09:00:00Z", true},
		{"a time with milliseconds parses", "2026-03-02T09:00:00.123Z", true},
		{"a time with nanoseconds parses", "2026-03-02T09:00:00.123456789Z", true},
		{"digits past nanoseconds are truncated", "2026-03-02T09:00:00.1234567899Z", true},
		{"a positive offset is subtracted", "2026-03-02T10:00:00+01:00", true},
		{"a negative offset is added", "2026-03-02T04:30:00-04:30", true},
		{"a leap day in a leap year parses", "2024-02-29T23:59:59Z", true},
		{"the Unix epoch parses", "1970-01-01T00:00:00Z", true},
		{"a time before the epoch parses", "1969-12-31T23:59:59.5Z", true},
		{"the earliest representable year parses", "1678-01-01T00:00:00Z", true},
		{"the latest representable year parses", "2262-01-01T00:00:00Z", true},
		{"Feb 29 in a common year is rejected", "2026-02-29T00:00:00Z", false},
		{"Feb 29 in 1900 is rejected", "1900-02-29T00:00:00Z", false},
		{"April 31 is rejected", "2026-04-31T00:00:00Z", false},
		{"month 13 is rejected", "2026-13-01T00:00:00Z", false},
		{"hour 24 is rejected", "2026-03-02T24:00:00Z", false},
		{"a leap second is rejected, as by time.Parse", "2016-12-31T23:59:60Z", false},
		{"a lower-case t is rejected, as by time.Parse", "2026-03-02t09:00:00Z", false},
		{"a space instead of T is rejected", "2026-03-02 09:00:00Z", false},
		{"a missing zone is rejected", "2026-03-02T09:00:00", false},
		{"an offset without a colon is rejected", "2026-03-02T09:00:00+0100", false},
		{"an offset hour of 24 is rejected", "2026-03-02T09:00:00+24:00", false},
		{"a dot without digits is rejected", "2026-03-02T09:00:00.Z", false},
		{"a comma before the fraction is rejected", "2026-03-02T09:00:00,5Z", false},
		{"a one-digit hour is rejected", "2026-03-02T9:00:00Z", false},
		{"trailing text is rejected", "2026-03-02T09:00:00Zjunk", false},
		{"a year before 1678 does not fit in int64 nanoseconds", "1600-01-01T00:00:00Z", false},
		{"a year after 2262 does not fit in int64 nanoseconds", "2300-01-01T00:00:00Z", false},
		{"an empty string is rejected", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRFC3339([]byte(tt.in))
			if ok != tt.ok {
				t.Fatalf("parseRFC3339(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if !ok {
				return
			}
			want, err := time.Parse(time.RFC3339, tt.in)
			if err != nil {
				t.Fatalf("time.Parse rejects %q: %v", tt.in, err)
			}
			if got != want.UnixNano() {
				t.Errorf("parseRFC3339(%q) = %d, time.Parse says %d", tt.in, got, want.UnixNano())
			}
		})
	}
}

func TestParseCLFTime(t *testing.T) {
	const layout = "02/Jan/2006:15:04:05 -0700"
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"the Apache documentation's example parses", "10/Oct/2000:13:55:36 -0700", true},
		{"a UTC time parses", "02/Mar/2026:09:00:00 +0000", true},
		{"a month name in capitals parses", "02/MAR/2026:09:00:00 +0000", true},
		{"a fractional second parses", "02/Mar/2026:09:00:00.250 +0000", true},
		{"a leap day parses", "29/Feb/2024:00:00:00 +0000", true},
		{"a half-hour offset parses", "02/Mar/2026:09:00:00 +0530", true},
		{"an unknown month is rejected", "02/Foo/2026:09:00:00 +0000", false},
		{"day 31 of a 30-day month is rejected", "31/Apr/2026:09:00:00 +0000", false},
		{"a missing zone is rejected", "02/Mar/2026:09:00:00", false},
		{"a zone with a colon is rejected", "02/Mar/2026:09:00:00 +00:00", false},
		{"a date with spaces is rejected", "02/Mar/2026 09:00:00 +0000", false},
		{"hour 24 is rejected", "02/Mar/2026:24:00:00 +0000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseCLFTime([]byte(tt.in))
			if ok != tt.ok {
				t.Fatalf("parseCLFTime(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if !ok {
				return
			}
			want, err := time.Parse(layout, tt.in)
			if err != nil {
				t.Fatalf("time.Parse rejects %q: %v", tt.in, err)
			}
			if got != want.UnixNano() {
				t.Errorf("parseCLFTime(%q) = %d, time.Parse says %d", tt.in, got, want.UnixNano())
			}
		})
	}
}

func TestTimeParsersDoNotAllocate(t *testing.T) {
	rfc := []byte("2026-03-02T10:00:00.123456+01:00")
	clf := []byte("10/Oct/2000:13:55:36 -0700")
	if n := testing.AllocsPerRun(100, func() {
		parseRFC3339(rfc)
		parseCLFTime(clf)
	}); n != 0 {
		t.Errorf("time parsers allocate %v times per call, want 0", n)
	}
}

// canonicalRFC3339 is the shape parseRFC3339 accepts. time.Parse also
// accepts some other shapes (a one-digit hour, a comma before the fraction,
// a 24-hour offset) that RFC 3339 does not allow.
var canonicalRFC3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// refRFC3339 is what parseRFC3339 should return, according to time.Parse.
func refRFC3339(s string) (int64, bool) {
	if !canonicalRFC3339.MatchString(s) {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.Unix() < minUnixSec || t.Unix() > maxUnixSec {
		return 0, false
	}
	return t.UnixNano(), true
}

func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{
		"2026-03-02T09:00:00Z", "2026-03-02T09:00:00.123Z", "2026-03-02T10:00:00+01:00",
		"2024-02-29T23:59:59.999999999-23:59", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2262-04-11T23:47:16.854775807Z", "1677-09-21T00:12:43.145224192Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseRFC3339([]byte(s))
		want, wantOK := refRFC3339(s)
		if ok != wantOK || got != want {
			t.Fatalf("parseRFC3339(%q) = %d, %v; time.Parse says %d, %v", s, got, ok, want, wantOK)
		}
	})
}

// canonicalCLFTime is the $time_local shape parseCLFTime must accept when
// time.Parse does.
var canonicalCLFTime = regexp.MustCompile(`^\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2}(\.\d+)? [+-]\d{4}$`)
