package ingest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// view is a Record with owned, comparable fields, for tests.
type view struct {
	TS         string // RFC 3339 in UTC, or "" for 0
	ClientIP   string
	Method     string
	Path       string
	Status     int
	ReqBytes   int64
	RespBytes  int64
	DurationMS float64
	UserAgent  string
	APIKey     string
	User       string
	WAF        int
}

func viewOf(r *Record) view {
	v := view{
		ClientIP:   string(r.ClientIP),
		Method:     string(r.Method),
		Path:       string(r.Path),
		Status:     r.Status,
		ReqBytes:   r.ReqBytes,
		RespBytes:  r.RespBytes,
		DurationMS: r.DurationMS,
		UserAgent:  string(r.UserAgent),
		APIKey:     string(r.APIKey),
		User:       string(r.User),
		WAF:        r.WAF,
	}
	if r.TS != 0 {
		v.TS = time.Unix(0, r.TS).UTC().Format(time.RFC3339Nano)
	}
	return v
}

// String renders v on one line, for golden files and failure messages.
func (v view) String() string {
	return fmt.Sprintf("ts=%s ip=%q method=%q path=%q status=%d req=%d resp=%d dur=%g ua=%q api_key=%q user=%q",
		v.TS, v.ClientIP, v.Method, v.Path, v.Status, v.ReqBytes, v.RespBytes, v.DurationMS, v.UserAgent, v.APIKey, v.User)
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// assertCapped fails if a field of rec has spare capacity that an append by
// the caller could scribble over.
func assertCapped(t testing.TB, rec *Record) {
	t.Helper()
	for name, b := range map[string][]byte{
		"ClientIP": rec.ClientIP, "Method": rec.Method, "Path": rec.Path,
		"UserAgent": rec.UserAgent, "APIKey": rec.APIKey, "User": rec.User,
	} {
		if cap(b) != len(b) {
			t.Fatalf("%s has len %d but cap %d", name, len(b), cap(b))
		}
	}
}
