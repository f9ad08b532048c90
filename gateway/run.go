package gateway

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Run runs the gateway's background work until ctx ends or Close is
// called: the access log's writer, the detect-mode WAF workers and the
// certificate watcher. Nothing of it runs before Run: until then,
// access-log records and detect-mode inspections wait in their bounded
// queues. Once ctx ends, Run stops the watcher, lets the WAF workers
// inspect what is queued, flushes the access log, and returns nil.
//
// Serve the listeners beside it and end ctx once they have shut down, so
// that the records of the requests they drained are sent. Run may be
// called once; after Close it returns at once.
func (g *Gateway) Run(ctx context.Context) error {
	g.mu.Lock()
	switch {
	case g.closed:
		g.mu.Unlock()
		return nil
	case g.ran:
		g.mu.Unlock()
		return errors.New("gateway: Run called twice; call it once per Gateway")
	}
	g.ran = true
	g.mu.Unlock()
	defer close(g.runDone)

	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	var watch, logw sync.WaitGroup
	if len(g.sec.watch.checks) > 0 {
		watch.Go(func() { g.sec.watch.run(watchCtx) })
	}
	if g.sec.detect != nil {
		g.sec.detect.start()
	}
	stopLog := make(chan struct{})
	if g.alog != nil {
		logw.Go(func() { g.alog.run(stopLog) })
	}

	select {
	case <-ctx.Done():
	case <-g.stop:
	}
	stopWatch()
	watch.Wait()
	if g.sec.detect != nil {
		g.sec.detect.close() // before the access log: detect-mode records go out first
	}
	close(stopLog)
	logw.Wait()
	return nil
}

// Close ends Run and waits for it, cleans the stages up (idle upstream
// connections are closed) and returns the error of the last failed
// access-log write, if any. Without Run, it inspects the queued
// detect-mode requests and flushes the access log itself. It is safe to
// call more than once; requests served after Close are not logged.
func (g *Gateway) Close() error {
	g.closeOnce.Do(func() {
		g.mu.Lock()
		ran := g.ran
		g.closed = true // a later Run returns at once
		g.mu.Unlock()
		close(g.stop)
		if ran {
			<-g.runDone
		}
		// The stages before the access log: detect-mode records go out first.
		err := cleanup(g.stages.all())
		if g.alog != nil {
			if !ran {
				g.alog.flush()
			}
			if g.alog.lastErr != nil {
				err = errors.Join(err, fmt.Errorf("gateway: flushing access logs: %w", g.alog.lastErr))
			}
		}
		g.closeErr = err
	})
	return g.closeErr
}
