package ingest

import "time"

// Message is one access-log line as a source hands it to the online
// detector: a Kafka consumer (package ingest/kafka) or a FileConsumer.
// Sources and the detector exchange Messages, so that only the Kafka
// package knows the Kafka client's types.
//
// A Message is small and passed by value. Its Key and Value belong to
// whoever the source's doc says, usually the caller of Fetch.
type Message struct {
	// Partition and Offset place the message in its source: a Kafka
	// partition and offset, or, for a FileConsumer, partition 0 and the
	// line's byte offset. A source's Commit reads them.
	Partition int
	Offset    int64
	// Key is the client identity the producer keyed the message by (Kafka
	// only); Value is the line, without its line ending.
	Key, Value []byte
	// Time is the message's timestamp: the record's event time as the
	// producer set it, or when a FileConsumer read the line.
	Time time.Time

	// end is, in a FileConsumer's message, the position after the line,
	// which its Commit checkpoints.
	end FilePos
}
