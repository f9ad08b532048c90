package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/httpreplay"
	"github.com/portcullis/portcullis/internal/testwait"
)

func TestDriverStopsWhenCancelled(t *testing.T) {
	gw := httptest.NewServer(http.HandlerFunc(httpreplay.EchoHandler))
	defer gw.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	out, err := execute(ctx, "drive", "--gateway", gw.URL, "--minutes", "1", "--clients", "10", "--rounds", "1")
	if err != nil {
		t.Fatalf("drive: %v", err)
	}
	if took := time.Since(start); took > testwait.Scale(t, 10*time.Second) {
		t.Errorf("drive took %v to stop", took)
	}
	if !strings.Contains(out.stdout, "round 1:") {
		t.Errorf("output %q", out.stdout)
	}
}
