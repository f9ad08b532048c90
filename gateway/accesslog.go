package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

// LogSink receives access-log messages: the record as a canonical JSON line
// in Value, the client identity in Key, the event time in Time. The
// Producer of package ingest/kafka is one.
type LogSink interface {
	Write(ctx context.Context, msgs ...ingest.Message) error
}

const (
	logBatch        = 512
	logWriteTimeout = 10 * time.Second
)

// accessLog sends records to a LogSink from one goroutine, in batches,
// through a bounded buffer: a request never waits; when the buffer is
// full the record is dropped and counted.
type accessLog struct {
	sink    LogSink
	ch      chan ingest.Message
	stop    chan struct{}
	done    chan struct{}
	m       *metrics
	logger  *slog.Logger
	lastErr error // written by run, read after done
}

func newAccessLog(sink LogSink, buffer int, m *metrics, logger *slog.Logger) *accessLog {
	a := &accessLog{sink: sink, ch: make(chan ingest.Message, buffer), stop: make(chan struct{}), done: make(chan struct{}), m: m, logger: logger}
	go a.run()
	return a
}

// send queues rec, whose slices it copies into the message.
func (a *accessLog) send(rec *ingest.Record) {
	key, _ := ingest.IdentityIP.Key(nil, rec)
	msg := ingest.Message{Key: key, Value: rec.AppendJSON(make([]byte, 0, 256)), Time: time.Unix(0, rec.TS)}
	select {
	case a.ch <- msg:
	default:
		a.m.logDropped.Inc()
	}
}

func (a *accessLog) run() {
	defer close(a.done)
	batch := make([]ingest.Message, 0, logBatch)
	for {
		select {
		case <-a.stop:
			// Flush what is buffered, then end; records sent after this
			// fill the buffer and are dropped.
			batch = batch[:0]
		drain:
			for {
				select {
				case m := <-a.ch:
					batch = append(batch, m)
					if len(batch) == logBatch {
						a.write(batch)
						batch = batch[:0]
					}
				default:
					break drain
				}
			}
			a.write(batch)
			return
		case m := <-a.ch:
			batch = append(batch[:0], m)
		fill:
			for len(batch) < logBatch {
				select {
				case m := <-a.ch:
					batch = append(batch, m)
				default:
					break fill
				}
			}
			a.write(batch)
		}
	}
}

func (a *accessLog) write(batch []ingest.Message) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), logWriteTimeout)
	defer cancel()
	if err := a.sink.Write(ctx, batch...); err != nil {
		a.m.logDropped.Add(float64(len(batch)))
		a.lastErr = err
		a.logger.LogAttrs(ctx, slog.LevelWarn, "access log write failed; records dropped",
			slog.Int("records", len(batch)), slog.Any("error", err))
		return
	}
	a.m.logSent.Add(float64(len(batch)))
}

// close flushes the buffer and waits for the goroutine; it returns the last
// write error, if the final flush failed.
func (a *accessLog) close() error {
	close(a.stop)
	<-a.done
	return a.lastErr
}

// keyID is the API key's stable id for logs: the key itself is a secret.
func keyID(dst []byte, key string) []byte {
	if key == "" {
		return dst
	}
	sum := sha256.Sum256([]byte(key))
	dst = append(dst, "key_"...)
	return hex.AppendEncode(dst, sum[:4])
}
