package kafka

import (
	"context"
	"strings"
	"testing"
)

// The exchange of RFC 7677, section 3 (SCRAM-SHA-256, user "user", password
// "pencil").
const (
	rfc7677ClientNonce = "rOprNGfwEbeRWgbNEkqO"
	rfc7677ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
	rfc7677ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
	rfc7677ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
	rfc7677ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
)

func rfc7677Session(t *testing.T, user string) (*scramSession, []byte) {
	t.Helper()
	m := newSCRAM("SCRAM-SHA-256", user, "pencil")
	m.nonce = func() (string, error) { return rfc7677ClientNonce, nil }
	sm, first, err := m.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sm.(*scramSession), first
}

func TestKafkaSCRAMFollowsTheRFC7677Example(t *testing.T) {
	s, first := rfc7677Session(t, "user")
	if string(first) != rfc7677ClientFirst {
		t.Errorf("client-first = %q, want %q", first, rfc7677ClientFirst)
	}
	done, final, err := s.Next(context.Background(), []byte(rfc7677ServerFirst))
	if err != nil || done || string(final) != rfc7677ClientFinal {
		t.Fatalf("client-final = %q, done %v, %v; want %q", final, done, err, rfc7677ClientFinal)
	}
	done, _, err = s.Next(context.Background(), []byte(rfc7677ServerFinal))
	if err != nil || !done {
		t.Errorf("after server-final: done %v, %v; want done", done, err)
	}
}

func TestKafkaSCRAMEscapesTheUsername(t *testing.T) {
	_, first := rfc7677Session(t, "a=b,c")
	if want := "n,,n=a=3Db=2Cc,r=" + rfc7677ClientNonce; string(first) != want {
		t.Errorf("client-first = %q, want %q", first, want)
	}
}

func TestKafkaSCRAMRejectsBadServerMessages(t *testing.T) {
	tests := []struct {
		name        string
		serverFirst string
		serverFinal string // sent only if serverFirst is accepted
		want        string
	}{
		{name: "a server signature that does not match is refused", serverFirst: rfc7677ServerFirst,
			serverFinal: "v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", want: "signature does not match"},
		{name: "a server error is reported", serverFirst: rfc7677ServerFirst, serverFinal: "e=invalid-proof", want: "refused the login: invalid-proof"},
		{name: "a nonce that does not extend the client's is refused", serverFirst: "r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", want: "nonce"},
		{name: "a nonce equal to the client's is refused", serverFirst: "r=" + rfc7677ClientNonce + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", want: "nonce"},
		{name: "fewer than 4096 iterations are refused", serverFirst: "r=" + rfc7677ClientNonce + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1", want: "at least 4096"},
		{name: "an invalid salt is refused", serverFirst: "r=" + rfc7677ClientNonce + "x,s=!!,i=4096", want: "invalid salt"},
		{name: "a mandatory extension is refused", serverFirst: "m=ext,r=" + rfc7677ClientNonce + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", want: "extension"},
		{name: "a malformed message is refused", serverFirst: "garbage", want: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := rfc7677Session(t, "user")
			_, _, err := s.Next(context.Background(), []byte(tt.serverFirst))
			if err == nil && tt.serverFinal != "" {
				_, _, err = s.Next(context.Background(), []byte(tt.serverFinal))
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
