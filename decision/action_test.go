package decision

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestFillAction(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		want    string
		wantErr bool
	}{
		{"a decision written before actions reads as a block", `{"client":"a"}`, ActionBlock, false},
		{"a throttle decision keeps its action", `{"client":"a","action":"throttle","limit":2.5}`, ActionThrottle, false},
		{"a challenge decision keeps its action", `{"client":"a","action":"challenge"}`, ActionChallenge, false},
		{"a log decision keeps its action", `{"client":"a","action":"log"}`, ActionLog, false},
		{"an unknown action is an error", `{"client":"a","action":"ban"}`, "ban", true},
		{"an action in capitals is not read as another", `{"client":"a","action":"BLOCK"}`, "BLOCK", true},
		{"a negative limit is an error", `{"client":"a","action":"throttle","limit":-1}`, ActionThrottle, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decision
			if err := json.Unmarshal([]byte(tt.json), &d); err != nil {
				t.Fatal(err)
			}
			err := d.FillAction()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && d.Limit >= 0 && !errors.Is(err, ErrUnknownAction) {
				t.Errorf("err = %v, want one wrapping ErrUnknownAction", err)
			}
			if d.Action != tt.want {
				t.Errorf("action %q, want %q", d.Action, tt.want)
			}
		})
	}
}

func TestEnforced(t *testing.T) {
	for _, a := range Actions() {
		d := Decision{Action: a}
		if got, want := d.Enforced(), a != ActionLog; got != want {
			t.Errorf("%s: Enforced() = %v, want %v", a, got, want)
		}
		d.Simulated = true
		if d.Enforced() {
			t.Errorf("simulated %s: Enforced() = true, want false", a)
		}
	}
}

func TestLimitLeftOutOfABlock(t *testing.T) {
	b, err := json.Marshal(Decision{Client: "a", Action: ActionBlock})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	if _, ok := m["limit"]; ok {
		t.Errorf("a block decision is written with a limit: %s", b)
	}
}
