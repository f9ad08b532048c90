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

func decodeForest(b []byte) (*Forest, error) {
	le := binary.LittleEndian
	if len(b) < 6 {
		return nil, forestCorrupt("%d bytes are too few for a header: the data is truncated or not a forest", len(b))
	}
	if string(b[:4]) != forestMagic {
		return nil, forestCorrupt("it starts with %q, not %q: this is not a forest", b[:4], forestMagic)
	}
	if v := le.Uint16(b[4:]); v != forestVersion {
		return nil, forestCorrupt("it is version %d, and this build reads only version %d", v, forestVersion)
	}
	if len(b) < forestHeaderLen+forestChecksumLen {
		return nil, forestCorrupt("%d bytes are too few for a header: the data is truncated", len(b))
	}
	body := b[:len(b)-forestChecksumLen]
	if want, got := le.Uint32(b[len(body):]), crc32.ChecksumIEEE(body); want != got {
		return nil, forestCorrupt("checksum %08x does not match the stored %08x: the data is damaged or truncated", got, want)
	}

	flags := le.Uint16(b[6:])
	dim := le.Uint32(b[8:])
	trees := le.Uint32(b[12:])
	psi := le.Uint32(b[16:])
	maxDepth := le.Uint32(b[20:])
	seed := le.Uint64(b[24:])
	total := le.Uint32(b[32:])
	switch {
	case flags != 0:
		return nil, forestCorrupt("flags are %#x, want 0", flags)
	case dim < 1 || dim > maxForestDim:
		return nil, forestCorrupt("dim is %d, want 1 to %d", dim, maxForestDim)
	case trees < 1 || trees > maxForestTrees:
		return nil, forestCorrupt("it has %d trees, want 1 to %d", trees, maxForestTrees)
	case psi < 2 || psi > maxForestSampleSize:
		return nil, forestCorrupt("sample size is %d, want 2 to %d", psi, maxForestSampleSize)
	case maxDepth < 1 || maxDepth > maxForestDepth:
		return nil, forestCorrupt("depth limit is %d, want 1 to %d", maxDepth, maxForestDepth)
	}
	want := uint64(forestHeaderLen) + 4*uint64(trees) + forestNodeLen*uint64(total) + forestChecksumLen
	if uint64(len(b)) != want {
		return nil, forestCorrupt("it is %d bytes, but its header (%d trees, %d nodes) says %d", len(b), trees, total, want)
	}

	f := &Forest{
		dim:        int(dim),
		sampleSize: int(psi),
		maxDepth:   int(maxDepth),
		seed:       seed,
		nodes:      make([]forestNode, total),
		leaf:       make([]float64, total),
		roots:      make([]uint32, trees),
		depths:     make([]uint8, trees),
		norm:       forestNormFactor(int(trees), int(psi)),
	}
	cPsi := forestAvgPathLen(int(psi))
	counts := b[forestHeaderLen : forestHeaderLen+4*int(trees)]
	enc := b[forestHeaderLen+4*int(trees) : len(body)]
	var depth []uint8 // depth of each node of the current tree
	var start uint32
	for t := range f.roots {
		count := le.Uint32(counts[4*t:])
		if count < 1 || count%2 == 0 || count > 2*psi-1 || count > total-start {
			return nil, forestCorrupt("tree %d has %d nodes, which does not fit a tree of sample size %d and %d nodes in all", t, count, psi, total)
		}
		f.roots[t] = start
		depth = append(depth[:0], make([]uint8, count)...)
		var internal uint32 // internal nodes seen so far in this tree
		for p := range count {
			if p > 2*internal {
				return nil, forestCorrupt("tree %d node %d has no parent", t, p)
			}
			i := start + p
			word := le.Uint32(enc[forestNodeLen*i:])
			val := math.Float64frombits(le.Uint64(enc[forestNodeLen*i+4:]))
			dp := depth[p]
			if word == forestLeafMark {
				// Fitted leaves hold depth + c(size) with size ≤ ψ; the slack
				// allows for c being rounded differently on another machine.
				if !(val >= float64(dp) && val <= float64(dp)+cPsi+1e-9) {
					return nil, forestCorrupt("tree %d leaf %d at depth %d has value %v", t, p, dp, val)
				}
				f.nodes[i] = forestNode{thr: math.Inf(1), left: i}
				f.leaf[i] = val
				f.depths[t] = max(f.depths[t], dp)
				continue
			}
			if word >= dim || math.IsNaN(val) || math.IsInf(val, 1) {
				return nil, forestCorrupt("tree %d node %d splits feature %d at %v, with dim %d", t, p, word, val, dim)
			}
			child := 2*internal + 1
			if child+1 >= count || uint32(dp) >= maxDepth {
				return nil, forestCorrupt("tree %d node %d at depth %d has children out of the tree", t, p, dp)
			}
			depth[child], depth[child+1] = dp+1, dp+1
			f.nodes[i] = forestNode{thr: val, feat: word, left: start + child}
			internal++
		}
		if count != 2*internal+1 {
			return nil, forestCorrupt("tree %d has %d nodes for %d internal ones", t, count, internal)
		}
		start += count
	}
	if start != total {
		return nil, forestCorrupt("its trees have %d nodes, but its header says %d", start, total)
	}
	return f, nil
}
