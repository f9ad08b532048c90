package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

type event struct {
	ClientIP string `json:"client_ip"`
	Path     string `json:"path"`
	Status   int    `json:"status"`
}

func readEvents(t *testing.T, b []byte) []event {
	t.Helper()
	var out []event
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}
