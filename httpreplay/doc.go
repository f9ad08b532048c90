// Package httpreplay sends recorded requests through a gateway over HTTP,
// each at the moment it was recorded for, and counts what the gateway's
// blocklist refused. It sits outside the data flow, in front of a gateway:
// "portcullis drive" and "portcullis demo" feed a running gateway with
// generated traffic through it, and its EchoHandler is the upstream that
// answers each request with the status and size the recording holds, so
// the gateway's access log carries what the recording does.
package httpreplay
