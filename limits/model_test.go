package limits

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadModel(t *testing.T) {
	t.Run("the limits and id of a model are read, the rest skipped", func(t *testing.T) {
		data := gz(t, `{"format":"portcullis-model","version":2,"id":"m7","forest":"AAAA","tails":[1,2],`+
			`"limits":{"events":42,"endpoints":[{"method":"GET","path":"/a/{id}","anonymous":{"clients":7,"peak_10s":{"max":3},"peak_60s":{"max":9}}}]}}`)
		tb, id, err := ReadModel(bytes.NewReader(data))
		if err != nil || id != "m7" || tb.Events != 42 || len(tb.Endpoints) != 1 || tb.Endpoints[0].Anonymous.Long.Max != 9 {
			t.Fatalf("%+v %q %v", tb, id, err)
		}
	})
	for _, tt := range []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"a file that is not gzip says what to pass", []byte("rate_limits: {}\n"), "not a gzip-compressed model", nil},
		{"a gzip file of another format is named", gz(t, `{"format":"other"}`), `format is "other"`, nil},
		{"a cut-off model is called damaged", gz(t, `{"format":"portcullis-model","limits":{"ev`), "damaged or cut off", nil},
		{"a model without limits says to retrain", gz(t, `{"format":"portcullis-model","id":"old"}`), "retrain", ErrNoLimits},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadModel(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
}
