package blocklistctl

import (
	"testing"
)

func TestEscapeTextLeavesNoControlByte(t *testing.T) {
	if got := EscapeText("key_\x1b]0;owned\x07\u202e"); got != `key_\x1b]0;owned\a\u202e` {
		t.Errorf("EscapeText = %q", got)
	}
	if got := EscapeText("203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("EscapeText changed a printable string: %q", got)
	}
}
