package jose

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

func derSig(r, s []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(r) })
		b.AddASN1(asn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(s) })
	})
	return b.BytesOrPanic()
}

// TestECDSAJWS: R and S are left-padded to 32 bytes each; a signature that
// is not one ECDSA-Sig-Value of two non-negative integers that fit is an
// error.
func TestECDSAJWS(t *testing.T) {
	r := bytes.Repeat([]byte{0x11}, 31)                       // a short R
	s := append([]byte{0}, bytes.Repeat([]byte{0x80}, 32)...) // S with its sign byte
	got, err := ecdsaJWS(derSig(r, s), 32)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte{0}, r...), bytes.Repeat([]byte{0x80}, 32)...)
	if !bytes.Equal(got, want) {
		t.Errorf("got %x\nwant %x", got, want)
	}
	for name, der := range map[string][]byte{
		"empty":        nil,
		"trailing":     append(derSig(r, s), 0),
		"one integer":  {0x30, 0x03, 0x02, 0x01, 0x01},
		"too long":     derSig(bytes.Repeat([]byte{0x11}, 33), s),
		"negative":     derSig([]byte{0x80}, s),
		"not sequence": {0x04, 0x00},
	} {
		if _, err := ecdsaJWS(der, 32); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
