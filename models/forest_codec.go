package models

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// ErrCorruptForest is wrapped by the errors of Forest.UnmarshalBinary: the
// bytes are truncated, damaged, not a forest, or of a version this build does
// not read. In every case the fix is to export or refit the forest again.
var ErrCorruptForest = errors.New("corrupt forest encoding")

var (
	_ encoding.BinaryMarshaler   = (*Forest)(nil)
	_ encoding.BinaryUnmarshaler = (*Forest)(nil)
)

// The binary encoding, version 1. All integers and floats are little-endian.
//
//	off  size  field
//	  0     4  magic "PCIF"
//	  4     2  version (1)
//	  6     2  flags (0)
//	  8     4  dim
//	 12     4  trees
//	 16     4  sample size ψ
//	 20     4  depth limit
//	 24     8  seed
//	 32     4  total nodes
//	 36  4·trees  node count of each tree
//	  …  12·nodes  nodes, tree by tree, each tree breadth-first:
//	           internal: uint32 feature, float64 threshold
//	           leaf:     uint32 0xFFFFFFFF, float64 depth + c(size)
//	end−4   4  CRC-32 (IEEE) of all the bytes before it
//
// Child links are not stored: in breadth-first order the children of a
// tree's k-th internal node are its nodes 2k+1 and 2k+2.
const (
	forestMagic       = "PCIF"
	forestVersion     = 1
	forestHeaderLen   = 36
	forestNodeLen     = 12
	forestChecksumLen = 4
	forestLeafMark    = math.MaxUint32
)

// MarshalBinary encodes the forest in a compact, versioned, little-endian
// form with a checksum, which UnmarshalBinary reads back into a forest that
// gives identical scores. The caller owns the returned slice.
func (f *Forest) MarshalBinary() ([]byte, error) {
	if f.dim == 0 || len(f.roots) == 0 {
		return nil, errors.New("models: marshal forest: the forest is empty; fit it with FitForest or decode one with UnmarshalBinary first")
	}
	le := binary.LittleEndian
	size := forestHeaderLen + 4*len(f.roots) + forestNodeLen*len(f.nodes) + forestChecksumLen
	b := make([]byte, 0, size)
	b = append(b, forestMagic...)
	b = le.AppendUint16(b, forestVersion)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint32(b, uint32(f.dim))
	b = le.AppendUint32(b, uint32(len(f.roots)))
	b = le.AppendUint32(b, uint32(f.sampleSize))
	b = le.AppendUint32(b, uint32(f.maxDepth))
	b = le.AppendUint64(b, f.seed)
	b = le.AppendUint32(b, uint32(len(f.nodes)))
	for t := range f.roots {
		b = le.AppendUint32(b, uint32(f.treeEnd(t))-f.roots[t])
	}
	for i, n := range f.nodes {
		if n.left == uint32(i) {
			b = le.AppendUint32(b, forestLeafMark)
			b = le.AppendUint64(b, math.Float64bits(f.leaf[i]))
		} else {
			b = le.AppendUint32(b, n.feat)
			b = le.AppendUint64(b, math.Float64bits(n.thr))
		}
	}
	b = le.AppendUint32(b, crc32.ChecksumIEEE(b))
	return b, nil
}

// treeEnd returns the index in f.nodes just past tree t.
func (f *Forest) treeEnd(t int) int {
	if t+1 < len(f.roots) {
		return int(f.roots[t+1])
	}
	return len(f.nodes)
}

// UnmarshalBinary replaces f with the forest encoded in b by MarshalBinary.
// It does not keep b. On error f is unchanged and the error wraps
// ErrCorruptForest; it never panics, whatever b holds.
func (f *Forest) UnmarshalBinary(b []byte) error {
	g, err := decodeForest(b)
	if err != nil {
		return fmt.Errorf("models: decode forest: %w", err)
	}
	*f = *g
	return nil
}

func forestCorrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format+"; export or refit the forest again", append([]any{ErrCorruptForest}, args...)...)
}

// forestHeader is the fixed part of the encoding, read and checked.
type forestHeader struct {
	dim, trees, psi, maxDepth, total uint32
	seed                             uint64
}

func decodeForest(b []byte) (*Forest, error) {
	h, err := decodeForestHeader(b)
	if err != nil {
		return nil, err
	}
	f := &Forest{
		dim:        int(h.dim),
		sampleSize: int(h.psi),
		maxDepth:   int(h.maxDepth),
		seed:       h.seed,
		nodes:      make([]forestNode, h.total),
		leaf:       make([]float64, h.total),
		roots:      make([]uint32, h.trees),
		depths:     make([]uint8, h.trees),
		norm:       forestNormFactor(int(h.trees), int(h.psi)),
	}
	counts := b[forestHeaderLen : forestHeaderLen+4*int(h.trees)]
	enc := b[forestHeaderLen+4*int(h.trees) : len(b)-forestChecksumLen]
	d := forestTreeDecoder{f: f, h: h, enc: enc, cPsi: forestAvgPathLen(int(h.psi))}
	var start uint32
	for t := range f.roots {
		count := binary.LittleEndian.Uint32(counts[4*t:])
		if count < 1 || count%2 == 0 || count > 2*h.psi-1 || count > h.total-start {
			return nil, forestCorrupt("tree %d has %d nodes, which does not fit a tree of sample size %d and %d nodes in all", t, count, h.psi, h.total)
		}
		if err := d.tree(t, start, count); err != nil {
			return nil, err
		}
		start += count
	}
	if start != h.total {
		return nil, forestCorrupt("its trees have %d nodes, but its header says %d", start, h.total)
	}
	return f, nil
}

// decodeForestHeader checks the magic, the version, the checksum and the
// length of b, and reads and checks the header.
func decodeForestHeader(b []byte) (forestHeader, error) {
	le := binary.LittleEndian
	if len(b) < 6 {
		return forestHeader{}, forestCorrupt("%d bytes are too few for a header: the data is truncated or not a forest", len(b))
	}
	if string(b[:4]) != forestMagic {
		return forestHeader{}, forestCorrupt("it starts with %q, not %q: this is not a forest", b[:4], forestMagic)
	}
	if v := le.Uint16(b[4:]); v != forestVersion {
		return forestHeader{}, forestCorrupt("it is version %d, and this build reads only version %d", v, forestVersion)
	}
	if len(b) < forestHeaderLen+forestChecksumLen {
		return forestHeader{}, forestCorrupt("%d bytes are too few for a header: the data is truncated", len(b))
	}
	body := b[:len(b)-forestChecksumLen]
	if want, got := le.Uint32(b[len(body):]), crc32.ChecksumIEEE(body); want != got {
		return forestHeader{}, forestCorrupt("checksum %08x does not match the stored %08x: the data is damaged or truncated", got, want)
	}
	flags := le.Uint16(b[6:])
	h := forestHeader{
		dim:      le.Uint32(b[8:]),
		trees:    le.Uint32(b[12:]),
		psi:      le.Uint32(b[16:]),
		maxDepth: le.Uint32(b[20:]),
		seed:     le.Uint64(b[24:]),
		total:    le.Uint32(b[32:]),
	}
	switch {
	case flags != 0:
		return forestHeader{}, forestCorrupt("flags are %#x, want 0", flags)
	case h.dim < 1 || h.dim > maxForestDim:
		return forestHeader{}, forestCorrupt("dim is %d, want 1 to %d", h.dim, maxForestDim)
	case h.trees < 1 || h.trees > maxForestTrees:
		return forestHeader{}, forestCorrupt("it has %d trees, want 1 to %d", h.trees, maxForestTrees)
	case h.psi < 2 || h.psi > maxForestSampleSize:
		return forestHeader{}, forestCorrupt("sample size is %d, want 2 to %d", h.psi, maxForestSampleSize)
	case h.maxDepth < 1 || h.maxDepth > maxForestDepth:
		return forestHeader{}, forestCorrupt("depth limit is %d, want 1 to %d", h.maxDepth, maxForestDepth)
	}
	want := uint64(forestHeaderLen) + 4*uint64(h.trees) + forestNodeLen*uint64(h.total) + forestChecksumLen
	if uint64(len(b)) != want {
		return forestHeader{}, forestCorrupt("it is %d bytes, but its header (%d trees, %d nodes) says %d", len(b), h.trees, h.total, want)
	}
	return h, nil
}

// forestTreeDecoder reads the nodes of one tree after another into f.
type forestTreeDecoder struct {
	f     *Forest
	h     forestHeader
	enc   []byte  // the nodes of all the trees
	cPsi  float64 // c(ψ), the most a leaf adds to its depth
	depth []uint8 // depth of each node of the current tree
}

// tree reads tree t, whose count nodes start at node start, checking that
// every node has a parent, that its children are in the tree and within
// the depth limit, and that its leaves hold plausible values.
func (d *forestTreeDecoder) tree(t int, start, count uint32) error {
	le := binary.LittleEndian
	f := d.f
	f.roots[t] = start
	d.depth = append(d.depth[:0], make([]uint8, count)...)
	var internal uint32 // internal nodes seen so far in this tree
	for p := range count {
		if p > 2*internal {
			return forestCorrupt("tree %d node %d has no parent", t, p)
		}
		i := start + p
		word := le.Uint32(d.enc[forestNodeLen*i:])
		val := math.Float64frombits(le.Uint64(d.enc[forestNodeLen*i+4:]))
		dp := d.depth[p]
		if word == forestLeafMark {
			// Fitted leaves hold depth + c(size) with size ≤ ψ; the slack
			// allows for c being rounded differently on another machine.
			if !(val >= float64(dp) && val <= float64(dp)+d.cPsi+1e-9) {
				return forestCorrupt("tree %d leaf %d at depth %d has value %v", t, p, dp, val)
			}
			f.nodes[i] = forestNode{thr: math.Inf(1), left: i}
			f.leaf[i] = val
			f.depths[t] = max(f.depths[t], dp)
			continue
		}
		if word >= d.h.dim || math.IsNaN(val) || math.IsInf(val, 1) {
			return forestCorrupt("tree %d node %d splits feature %d at %v, with dim %d", t, p, word, val, d.h.dim)
		}
		child := 2*internal + 1
		if child+1 >= count || uint32(dp) >= d.h.maxDepth {
			return forestCorrupt("tree %d node %d at depth %d has children out of the tree", t, p, dp)
		}
		d.depth[child], d.depth[child+1] = dp+1, dp+1
		f.nodes[i] = forestNode{thr: val, feat: word, left: start + child}
		internal++
	}
	if count != 2*internal+1 {
		return forestCorrupt("tree %d has %d nodes for %d internal ones", t, count, internal)
	}
	return nil
}
