package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/ingest"
)

func validKafkaConfig() Config {
	return Config{Brokers: []string{"kafka-1:9092", "10.0.0.2:9092"}, Topic: "logs", GroupID: "detectors"}
}

func TestKafkaConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // substrings of the error; none means valid
	}{
		{name: "a config with brokers, a topic and a group is valid", change: func(*Config) {}},
		{name: "start earliest is valid in any case", change: func(c *Config) { c.Start = " Earliest " }},
		{name: "start latest is valid", change: func(c *Config) { c.Start = "latest" }},
		{name: "a start time with a zone offset is valid", change: func(c *Config) { c.Start = "2026-03-02T10:00:00.5+01:00" }},
		{name: "reset with a start time is valid", change: func(c *Config) { c.Start, c.Reset = "2026-03-02T09:00:00Z", true }},
		{name: "SASL with a password file and TLS is valid", change: func(c *Config) {
			c.TLS = &TLS{CAFile: "ca.pem"}
			c.SASL = &SASL{Mechanism: "SCRAM-SHA-512", Username: "detector", PasswordFile: "/run/secrets/kafka"}
		}},
		{name: "no brokers is an error", change: func(c *Config) { c.Brokers = nil }, want: []string{"brokers: none given", "host:port"}},
		{name: "a broker without a port is an error", change: func(c *Config) { c.Brokers[1] = "kafka-2" }, want: []string{`brokers[1] is "kafka-2"`, "want host:port"}},
		{name: "no topic is an error", change: func(c *Config) { c.Topic = " " }, want: []string{"topic: empty"}},
		{name: "no group is an error", change: func(c *Config) { c.GroupID = "" }, want: []string{"group: empty", "name the consumer group"}},
		{name: "an unknown start is an error", change: func(c *Config) { c.Start = "yesterday" }, want: []string{`start is "yesterday"`, "RFC 3339"}},
		{name: "a start time without a zone is an error", change: func(c *Config) { c.Start = "2026-03-02T09:00:00" }, want: []string{"start is"}},
		{name: "reset with start committed is an error", change: func(c *Config) { c.Reset = true }, want: []string{"reset needs start"}},
		{name: "a negative duration is an error", change: func(c *Config) { c.MaxWait = -time.Second }, want: []string{"max_wait is -1s", "0 for the default"}},
		{name: "a negative size is an error", change: func(c *Config) { c.BatchSize = -1 }, want: []string{"batch_size is -1"}},
		{name: "a heartbeat not below the session timeout is an error", change: func(c *Config) { c.HeartbeatInterval = 30 * time.Second },
			want: []string{"heartbeat_interval (30s) is not below session_timeout (30s)"}},
		{name: "min bytes above max bytes is an error", change: func(c *Config) { c.MinBytes, c.MaxBytes = 2048, 1024 }, want: []string{"min_bytes (2048) is above max_bytes (1024)"}},
		{name: "a client certificate without its key is an error", change: func(c *Config) { c.TLS = &TLS{CertFile: "client.pem"} },
			want: []string{"tls: cert_file and key_file go together"}},
		{name: "SASL without a password source is an error", change: func(c *Config) { c.SASL = &SASL{Mechanism: "plain", Username: "detector"} },
			want: []string{"sasl: no password source", "password_env", "password_file"}},
		{name: "SASL with two password sources is an error", change: func(c *Config) {
			c.SASL = &SASL{Mechanism: "plain", Username: "detector", PasswordEnv: "KAFKA_PASSWORD", PasswordFile: "/run/secrets/kafka"}
		}, want: []string{"password_env and password_file are both set"}},
		{name: "an unknown SASL mechanism is an error", change: func(c *Config) {
			c.SASL = &SASL{Mechanism: "GSSAPI", Username: "detector", PasswordEnv: "KAFKA_PASSWORD"}
		}, want: []string{`sasl.mechanism is "GSSAPI"`, `"plain", "scram-sha-256" or "scram-sha-512"`}},
		{name: "SASL without a username is an error", change: func(c *Config) { c.SASL = &SASL{Mechanism: "plain", PasswordEnv: "KAFKA_PASSWORD"} },
			want: []string{"sasl.username: empty"}},
		{name: "every problem is reported at once", change: func(c *Config) { c.Brokers, c.Topic, c.GroupID = nil, "", "" },
			want: []string{"brokers: none given", "topic: empty", "group: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validKafkaConfig()
			tt.change(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ingest.ErrInvalidConfig) {
				t.Fatalf("Validate() = %v, want an error wrapping ingest.ErrInvalidConfig", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestKafkaConstructorsRejectInvalidConfigs(t *testing.T) {
	if _, err := NewConsumer(context.Background(), Config{Topic: "logs"}, nil); !errors.Is(err, ingest.ErrInvalidConfig) {
		t.Errorf("NewConsumer without brokers or group = %v, want ingest.ErrInvalidConfig", err)
	}
	if _, err := NewProducer(Config{Brokers: []string{"kafka:9092"}}, nil); !errors.Is(err, ingest.ErrInvalidConfig) {
		t.Errorf("NewProducer without a topic = %v, want ingest.ErrInvalidConfig", err)
	}
}

func TestNewKafkaProducerNeedsNoGroupAndConnectsLazily(t *testing.T) {
	checkKafkaLeaks(t)
	p, err := NewProducer(Config{Brokers: []string{"127.0.0.1:1"}, Topic: "logs", Start: "not checked"}, nil)
	if err != nil {
		t.Fatalf("NewProducer = %v, want a producer: it needs neither group nor start, and dials on the first Write", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestKafkaConfigWithDefaults(t *testing.T) {
	sasl := &SASL{Mechanism: " SCRAM-SHA-512 ", Username: "detector", PasswordEnv: "KAFKA_PASSWORD"}
	got := Config{Start: "LATEST", SASL: sasl}.WithDefaults()
	want := Config{
		Start:             "latest",
		SASL:              &SASL{Mechanism: "scram-sha-512", Username: "detector", PasswordEnv: "KAFKA_PASSWORD"},
		MaxWait:           DefaultMaxWait,
		HeartbeatInterval: DefaultHeartbeatInterval,
		SessionTimeout:    DefaultSessionTimeout,
		MinBytes:          DefaultMinBytes,
		MaxBytes:          DefaultMaxBytes,
		BatchTimeout:      DefaultBatchTimeout,
		BatchSize:         DefaultBatchSize,
		DialTimeout:       DefaultDialTimeout,
	}
	if *got.SASL != *want.SASL {
		t.Errorf("SASL = %+v, want %+v", *got.SASL, *want.SASL)
	}
	got.SASL, want.SASL = nil, nil
	if !equalKafkaConfig(got, want) {
		t.Errorf("WithDefaults() = %+v\nwant %+v", got, want)
	}
	if sasl.Mechanism != " SCRAM-SHA-512 " {
		t.Errorf("WithDefaults changed the caller's SASL: %q", sasl.Mechanism)
	}

	if got := (Config{}).WithDefaults().Start; got != StartCommitted {
		t.Errorf("default Start = %q, want %q", got, StartCommitted)
	}
	set := kafkaTestConfig([]string{"k:9092"}, "g")
	set.Start = "2026-03-02T09:00:00Z"
	set.MinBytes, set.MaxBytes, set.BatchSize, set.DialTimeout = 10, 1<<20, 50, time.Second
	if got := set.WithDefaults(); !equalKafkaConfig(got, set) {
		t.Errorf("WithDefaults changed settings that were set: %+v, want %+v", got, set)
	}
}

func equalKafkaConfig(a, b Config) bool {
	return strings.Join(a.Brokers, ",") == strings.Join(b.Brokers, ",") && a.Topic == b.Topic && a.GroupID == b.GroupID &&
		a.Start == b.Start && a.Reset == b.Reset && a.TLS == b.TLS && a.SASL == b.SASL &&
		a.MaxWait == b.MaxWait && a.HeartbeatInterval == b.HeartbeatInterval && a.SessionTimeout == b.SessionTimeout &&
		a.MinBytes == b.MinBytes && a.MaxBytes == b.MaxBytes && a.BatchTimeout == b.BatchTimeout &&
		a.BatchSize == b.BatchSize && a.DialTimeout == b.DialTimeout
}

// testPKI is a CA, a server certificate for 127.0.0.1 and a client
// certificate, as PEM files in a temporary directory.
type testPKI struct {
	dir                       string
	caFile                    string
	serverCertFile, serverKey string
	clientCertFile, clientKey string
	otherCAFile               string // a CA that signed nothing here
	serverTLS                 *tls.Config
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	writePEM := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	serial := int64(0)
	issue := func(tmpl *x509.Certificate, parent *x509.Certificate, parentKey, key *ecdsa.PrivateKey) (*x509.Certificate, []byte) {
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return cert, der
	}
	keyDER := func(k *ecdsa.PrivateKey) []byte {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}

	var pki testPKI
	pki.dir = dir
	caKey := newKey()
	ca, caDER := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil, nil, caKey)
	pki.caFile = writePEM("ca.pem", "CERTIFICATE", caDER)
	_, otherDER := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "other CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil, nil, newKey())
	pki.otherCAFile = writePEM("other-ca.pem", "CERTIFICATE", otherDER)

	serverKey := newKey()
	_, serverDER := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "kafka"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"kafka.test"}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		ca, caKey, serverKey)
	pki.serverCertFile = writePEM("server.pem", "CERTIFICATE", serverDER)
	pki.serverKey = writePEM("server-key.pem", "EC PRIVATE KEY", keyDER(serverKey))

	clientKey := newKey()
	_, clientDER := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "detector"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca, caKey, clientKey)
	pki.clientCertFile = writePEM("client.pem", "CERTIFICATE", clientDER)
	pki.clientKey = writePEM("client-key.pem", "EC PRIVATE KEY", keyDER(clientKey))

	serverPair, err := tls.LoadX509KeyPair(pki.serverCertFile, pki.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	pki.serverTLS = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{serverPair},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}
	return pki
}

func TestKafkaTLSBuild(t *testing.T) {
	pki := newTestPKI(t)
	cfg, err := (&TLS{CAFile: pki.caFile, CertFile: pki.clientCertFile, KeyFile: pki.clientKey, ServerName: "kafka.test"}).build()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS12 || cfg.RootCAs == nil || len(cfg.Certificates) != 1 || cfg.ServerName != "kafka.test" || cfg.InsecureSkipVerify {
		t.Errorf("tls.Config = min version %x, roots %v, %d certificates, server name %q, insecure %v; want TLS 1.2, the CA, the client certificate, kafka.test, false",
			cfg.MinVersion, cfg.RootCAs != nil, len(cfg.Certificates), cfg.ServerName, cfg.InsecureSkipVerify)
	}
	if cfg, err := (&TLS{}).build(); err != nil || cfg.RootCAs != nil || len(cfg.Certificates) != 0 || cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("empty TLS = %+v, %v; want TLS 1.2 with the system roots", cfg, err)
	}

	notPEM := filepath.Join(pki.dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		tls  TLS
		want string
	}{
		{"a missing CA file is an error", TLS{CAFile: filepath.Join(pki.dir, "missing.pem")}, "tls.ca_file"},
		{"a CA file without PEM is an error", TLS{CAFile: notPEM}, "no PEM certificate"},
		{"a key that does not match the certificate is an error", TLS{CertFile: pki.clientCertFile, KeyFile: pki.serverKey}, "tls.cert_file and tls.key_file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.tls.build(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build() = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestKafkaSASLBuild(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte("from a file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptyFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTCULLIS_TEST_KAFKA_PASSWORD", "from the environment")
	t.Setenv("PORTCULLIS_TEST_KAFKA_EMPTY", "")

	t.Run("plain takes the password from the environment", func(t *testing.T) {
		m, err := (&SASL{Mechanism: "plain", Username: "detector", PasswordEnv: "PORTCULLIS_TEST_KAFKA_PASSWORD"}).build()
		if err != nil {
			t.Fatal(err)
		}
		if want := (plain.Mechanism{Username: "detector", Password: "from the environment"}); m != want {
			t.Errorf("mechanism = %+v, want %+v", m, want)
		}
	})
	t.Run("a password file loses its trailing line ending only", func(t *testing.T) {
		m, err := (&SASL{Mechanism: "plain", Username: "detector", PasswordFile: pwFile}).build()
		if err != nil {
			t.Fatal(err)
		}
		if got := m.(plain.Mechanism).Password; got != "from a file" {
			t.Errorf("password = %q, want %q", got, "from a file")
		}
	})
	for _, mech := range []string{"scram-sha-256", "scram-sha-512"} {
		t.Run(mech+" builds a SCRAM mechanism", func(t *testing.T) {
			m, err := (&SASL{Mechanism: mech, Username: "detector", PasswordFile: pwFile}).build()
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Name(); got != strings.ToUpper(mech) {
				t.Errorf("Name() = %q, want %q", got, strings.ToUpper(mech))
			}
		})
	}
	for _, tt := range []struct {
		name string
		sasl SASL
		want string
	}{
		{"an unset variable is an error that names it", SASL{Mechanism: "plain", Username: "u", PasswordEnv: "PORTCULLIS_TEST_KAFKA_UNSET"}, "PORTCULLIS_TEST_KAFKA_UNSET is unset or empty"},
		{"an empty variable is an error", SASL{Mechanism: "plain", Username: "u", PasswordEnv: "PORTCULLIS_TEST_KAFKA_EMPTY"}, "unset or empty"},
		{"a missing file is an error", SASL{Mechanism: "plain", Username: "u", PasswordFile: filepath.Join(dir, "missing")}, "sasl.password_file"},
		{"an empty file is an error", SASL{Mechanism: "plain", Username: "u", PasswordFile: emptyFile}, "is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.sasl.build(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestKafkaOverTLSWithSASL runs a producer and a consumer group against a
// broker that requires mutual TLS and SASL, for each mechanism.
func TestKafkaOverTLSWithSASL(t *testing.T) {
	checkKafkaLeaks(t)
	pki := newTestPKI(t)
	const user, password = "detector", "correct horse battery staple"
	pwFile := filepath.Join(pki.dir, "kafka-password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongFile := filepath.Join(pki.dir, "wrong-password")
	if err := os.WriteFile(wrongFile, []byte("wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, mech := range []string{SASLPlain, SASLSCRAMSHA256, SASLSCRAMSHA512} {
		t.Run(mech+" works, and a wrong password fails", func(t *testing.T) {
			t.Parallel()
			ctx := kafkaTestContext(t)
			brokers := newKafkaTestCluster(t, kfake.EnableSASL(), kfake.Superuser(strings.ToUpper(mech), user, password), kfake.TLS(pki.serverTLS))
			cfg := kafkaTestConfig(brokers, "detectors")
			cfg.TLS = &TLS{CAFile: pki.caFile, CertFile: pki.clientCertFile, KeyFile: pki.clientKey}
			cfg.SASL = &SASL{Mechanism: mech, Username: user, PasswordFile: pwFile}

			p := newTestProducer(t, cfg)
			sent := recordMessages(t, "a", 20, 4, kafkaT0)
			write(ctx, t, p, sent, endMarkers(t, "tls", kafkaT0))
			c := newTestConsumer(t, cfg)
			got := readToEnd(ctx, t, c, "tls")
			if len(got) != len(sent) {
				t.Errorf("read %d records over TLS and SASL, want %d", len(got), len(sent))
			}
			if err := c.Commit(ctx, got...); err != nil {
				t.Errorf("Commit: %v", err)
			}

			wrong := cfg
			wrong.SASL = &SASL{Mechanism: mech, Username: user, PasswordFile: wrongFile}
			if c, err := NewConsumer(t.Context(), wrong, kafkaTestLogger(t)); err == nil {
				c.Close()
				t.Error("NewConsumer with a wrong password succeeded")
			} else if strings.Contains(err.Error(), "wrong") || !strings.Contains(err.Error(), "check sasl.username and its password") {
				t.Errorf("the error shows the password or does not say what to check: %v", err)
			}

			noCert := cfg
			noCert.TLS = &TLS{CAFile: pki.caFile}
			if c, err := NewConsumer(t.Context(), noCert, kafkaTestLogger(t)); err == nil {
				c.Close()
				t.Error("NewConsumer without the client certificate that the broker requires succeeded")
			}
		})
	}

	t.Run("a broker certificate from another CA is refused", func(t *testing.T) {
		t.Parallel()
		brokers := newKafkaTestCluster(t, kfake.TLS(pki.serverTLS))
		cfg := kafkaTestConfig(brokers, "detectors")
		cfg.TLS = &TLS{CAFile: pki.otherCAFile, CertFile: pki.clientCertFile, KeyFile: pki.clientKey}
		_, err := NewConsumer(t.Context(), cfg, kafkaTestLogger(t))
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("NewConsumer = %v, want x509.UnknownAuthorityError", err)
		}
	})
}
