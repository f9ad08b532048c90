// Package features turns a stream of access-log records into per-client
// feature vectors.
//
// It sits between ingest and models in the data flow:
//
//	ingest.Record -> features.Table.Observe -> features.Vector -> models
//
// Every client's state is updated on each of its events in event time (the
// log's timestamps), with exponentially decayed counters and short sliding
// rings instead of tumbling windows, so an attack is visible a few events
// after it starts and a recorded day replays in seconds with the same result
// as a live stream. State is bounded: a Table holds at most Config.MaxClients
// clients, evicts clients idle for longer than Config.IdleTimeout, and keeps a
// fixed-size state per client (see BenchmarkTableMemory).
package features
