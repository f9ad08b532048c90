package kafka

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"github.com/segmentio/kafka-go/sasl"
)

// This file is a SCRAM client (RFC 5802, RFC 7677) for kafka-go.
//
// kafka-go ships one in github.com/segmentio/kafka-go/sasl/scram, but it
// imports github.com/xdg-go/scram, which this module's go.mod does not list.
// Once it does, scramMechanism can be replaced by scram.Mechanism. Note that
// xdg-go/scram applies SASLprep to the credentials, while Kafka's own server
// (ScramFormatter) uses them as plain UTF-8, as this client does; the two
// differ only for credentials with non-ASCII characters.

// scramMinIterations is the smallest PBKDF2 iteration count the client
// accepts from a server: RFC 7677's minimum, and Kafka's.
const scramMinIterations = 4096

// scramMechanism is a sasl.Mechanism for SCRAM-SHA-256 or SCRAM-SHA-512.
type scramMechanism struct {
	name     string // "SCRAM-SHA-256" or "SCRAM-SHA-512"
	hash     func() hash.Hash
	username string
	password string
	nonce    func() (string, error) // the client nonce; random except in tests
}

var _ sasl.Mechanism = (*scramMechanism)(nil)

func newSCRAM(name string, username, password string) *scramMechanism {
	m := &scramMechanism{name: name, username: username, password: password, nonce: scramNonce}
	switch name {
	case "SCRAM-SHA-512":
		m.hash = sha512.New
	default:
		m.hash = sha256.New
	}
	return m
}

func scramNonce() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(b), nil
}

// Name implements sasl.Mechanism.
func (m *scramMechanism) Name() string { return m.name }

// Start implements sasl.Mechanism: it returns the client-first message.
func (m *scramMechanism) Start(context.Context) (sasl.StateMachine, []byte, error) {
	nonce, err := m.nonce()
	if err != nil {
		return nil, nil, fmt.Errorf("scram: client nonce: %w", err)
	}
	// The username is escaped as RFC 5802's saslname; no authzid is sent.
	name := strings.NewReplacer("=", "=3D", ",", "=2C").Replace(m.username)
	s := &scramSession{m: m, clientNonce: nonce, clientFirstBare: "n=" + name + ",r=" + nonce}
	return s, []byte("n,," + s.clientFirstBare), nil
}

// scramSession is one SCRAM exchange.
type scramSession struct {
	m               *scramMechanism
	clientNonce     string
	clientFirstBare string
	serverSignature []byte // set once the client-final message is sent
}

// Next implements sasl.StateMachine. The first challenge is the
// server-first message, the second the server-final one.
func (s *scramSession) Next(_ context.Context, challenge []byte) (done bool, response []byte, err error) {
	if s.serverSignature == nil {
		resp, err := s.clientFinal(string(challenge))
		return false, resp, err
	}
	return true, nil, s.verifyServerFinal(string(challenge))
}

func (s *scramSession) clientFinal(serverFirst string) ([]byte, error) {
	attrs, err := scramAttrs(serverFirst)
	if err != nil {
		return nil, err
	}
	if _, ok := attrs['m']; ok {
		return nil, errors.New("scram: the server asks for an extension (m=) that this client does not support")
	}
	nonce, saltB64, iterText := attrs['r'], attrs['s'], attrs['i']
	if !strings.HasPrefix(nonce, s.clientNonce) || len(nonce) == len(s.clientNonce) {
		return nil, errors.New("scram: the server's nonce does not extend the client's")
	}
	salt, err := base64.StdEncoding.DecodeString(saltB64)
	if err != nil || len(salt) == 0 {
		return nil, errors.New("scram: the server sent an invalid salt")
	}
	iter, err := strconv.Atoi(iterText)
	if err != nil || iter < scramMinIterations {
		return nil, fmt.Errorf("scram: the server asks for %q PBKDF2 iterations; want at least %d", iterText, scramMinIterations)
	}

	h := s.m.hash
	salted, err := pbkdf2.Key(h, s.m.password, salt, iter, h().Size())
	if err != nil {
		return nil, fmt.Errorf("scram: %w", err)
	}
	clientKey := scramHMAC(h, salted, "Client Key")
	storedKey := h()
	storedKey.Write(clientKey)
	finalNoProof := "c=biws,r=" + nonce // biws is base64("n,,"), the GS2 header
	authMessage := s.clientFirstBare + "," + serverFirst + "," + finalNoProof
	proof := scramHMAC(h, storedKey.Sum(nil), authMessage)
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	s.serverSignature = scramHMAC(h, scramHMAC(h, salted, "Server Key"), authMessage)
	return []byte(finalNoProof + ",p=" + base64.StdEncoding.EncodeToString(proof)), nil
}

func (s *scramSession) verifyServerFinal(serverFinal string) error {
	attrs, err := scramAttrs(serverFinal)
	if err != nil {
		return err
	}
	if e, ok := attrs['e']; ok {
		return fmt.Errorf("scram: the server refused the login: %s", e)
	}
	sig, err := base64.StdEncoding.DecodeString(attrs['v'])
	if err != nil || subtle.ConstantTimeCompare(sig, s.serverSignature) != 1 {
		return errors.New("scram: the server's signature does not match: it does not know the password")
	}
	return nil
}

// scramAttrs splits a SCRAM message into its one-letter attributes.
func scramAttrs(msg string) (map[byte]string, error) {
	attrs := make(map[byte]string, 4)
	for part := range strings.SplitSeq(msg, ",") {
		if len(part) < 2 || part[1] != '=' {
			return nil, fmt.Errorf("scram: malformed server message %q", msg)
		}
		attrs[part[0]] = part[2:]
	}
	return attrs, nil
}

func scramHMAC(h func() hash.Hash, key []byte, msg string) []byte {
	mac := hmac.New(h, key)
	mac.Write([]byte(msg))
	return mac.Sum(nil)
}
