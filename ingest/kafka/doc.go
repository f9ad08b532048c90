// Package kafka reads and writes access-log records in a Kafka topic. It is
// the only package of portcullis that imports the Kafka client
// (github.com/segmentio/kafka-go); the rest of the project sees its
// messages as ingest.Message.
//
//	gateway ──Producer──▶ topic (keyed by client) ──Consumer (group)──▶ detector
//
// A Consumer is a member of a consumer group that commits only when told
// to, after the detector has stored the decisions behind the messages
// (at-least-once), and re-reads a partition's recent past (Rewind) to warm
// the detector's state after a start or a rebalance. A Producer writes
// records keyed by client identity, so that a partition holds all of a
// client's events. Config carries the brokers, the topic, TLS and SASL.
package kafka
