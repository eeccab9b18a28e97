package memstore

import "crypto/sha256"

// Key is the key of a record: the 32-byte SHA-256 hash of a code or
// token, or a grant id (KeyOfID).
type Key [sha256.Size]byte

// KeyOfHash is the key of a code or token hash: the hash itself when it
// is a SHA-256, else its SHA-256. Lookups compare the stored hash, so a
// collision can never return another record.
func KeyOfHash(h []byte) Key {
	if len(h) == sha256.Size {
		return Key(h)
	}
	return sha256.Sum256(h)
}

// KeyOfID is the key of a grant id: its length and bytes when it is
// shorter than 32 bytes (the runtime's ids are 22), else its SHA-256 with
// the top bit set, which no short id's length byte has. Lookups compare the
// stored id.
func KeyOfID(id string) Key {
	var k Key
	if len(id) < len(k) {
		k[0] = byte(len(id))
		copy(k[1:], id)
		return k
	}
	k = sha256.Sum256([]byte(id))
	k[0] |= 0x80
	return k
}
