package gateway

import (
	"context"
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

// accessLog sends records to a LogSink from one goroutine (run, under
// Gateway.Run), in batches, through a bounded buffer: a request never
// waits; when the buffer is full the record is dropped and counted.
type accessLog struct {
	sink    LogSink
	ch      chan ingest.Message
	m       *metrics
	logger  *slog.Logger
	lastErr error // written by run or flush, read once they returned
}

func newAccessLog(sink LogSink, buffer int, m *metrics, logger *slog.Logger) *accessLog {
	return &accessLog{sink: sink, ch: make(chan ingest.Message, buffer), m: m, logger: logger}
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

// run writes what is sent until stop is closed, then flushes what is
// buffered and returns; records sent after that fill the buffer and are
// dropped.
func (a *accessLog) run(stop <-chan struct{}) {
	batch := make([]ingest.Message, 0, logBatch)
	for {
		select {
		case <-stop:
			a.flush()
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

// flush writes what is buffered, without waiting for more.
func (a *accessLog) flush() {
	batch := make([]ingest.Message, 0, logBatch)
	for {
		select {
		case m := <-a.ch:
			batch = append(batch, m)
			if len(batch) == logBatch {
				a.write(batch)
				batch = batch[:0]
			}
		default:
			a.write(batch)
			return
		}
	}
}
