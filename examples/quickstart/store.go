package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/stores"
)

// demoStore is where the quickstart keeps its state by default: an SQLite
// file in ./data, which git ignores. Delete the directory to start afresh.
const demoStore = "sqlite:data/quickstart.db"

// defaultStore is $OAUTHGEN_STORE, else demoStore.
func defaultStore() string {
	if s := os.Getenv(stores.EnvVar); s != "" {
		return s
	}
	return demoStore
}

// describeStore says where the state is, for the banner: an SQLite file
// by its absolute path, a database without its password.
func describeStore(location string) string {
	if path, ok := strings.CutPrefix(location, "sqlite:"); ok {
		if abs, err := filepath.Abs(path); err == nil {
			return "sqlite:" + abs + " (delete it to start afresh)"
		}
	}
	if location == "memory" {
		return "memory (lost when the server stops)"
	}
	return stores.Redact(location)
}

// proxyList is the repeatable -trusted-proxy flag.
type proxyList []netip.Prefix

func (p *proxyList) String() string { return fmt.Sprint([]netip.Prefix(*p)) }

func (p *proxyList) Set(s string) error {
	prefix, err := netip.ParsePrefix(s)
	if err != nil {
		return err
	}
	*p = append(*p, prefix)
	return nil
}
