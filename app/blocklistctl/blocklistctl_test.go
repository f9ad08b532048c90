package blocklistctl

import (
	"strings"
	"testing"
)

func TestClientScope(t *testing.T) {
	tests := []struct {
		client, scope, err string
	}{
		{"203.0.113.9", "ip", ""},
		{"2001:db8::1", "ip", ""},
		{"2001:db8:0:1::/64", "ipv6_64", ""},
		{"key_ab12cd34", "api_key", ""},
		{"127.0.0.008", "", "not an IP address"},
		{"::ffff:192.0.2.1", "", "write 192.0.2.1"},
		{"10.0.0.0/8", "", "IPv6 /64"},
		{"user\x1b[2J", "", `user\x1b[2J: an API key id or user`},
	}
	for _, tt := range tests {
		scope, err := ClientScope(tt.client)
		switch {
		case tt.err == "" && (err != nil || scope != tt.scope):
			t.Errorf("ClientScope(%q) = %q, %v; want %q", tt.client, scope, err, tt.scope)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ClientScope(%q) = %q, %v; want an error saying %q", tt.client, scope, err, tt.err)
		}
	}
}

func TestEscapeTextLeavesNoControlByte(t *testing.T) {
	if got := EscapeText("key_\x1b]0;owned\x07\u202e"); got != `key_\x1b]0;owned\a\u202e` {
		t.Errorf("EscapeText = %q", got)
	}
	if got := EscapeText("203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("EscapeText changed a printable string: %q", got)
	}
}
