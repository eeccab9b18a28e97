package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oauthgen/oauthgen/runtime/signingkeys"
	"github.com/oauthgen/oauthgen/runtime/stores"
)

// The verbs that work on a server's store (runtime/stores names it): the
// schema's migrations, and the signing keys kept in it.

// storeLocation is the -store flag, else $OAUTHGEN_STORE.
func (c *command) storeLocation(verb string) (string, bool) {
	loc := c.opts.store
	if loc == "" {
		loc = os.Getenv(stores.EnvVar)
	}
	if loc == "" {
		fmt.Fprintf(c.stderr, "oauthgen %s: name the store with -store or %s (memory, sqlite:PATH or postgres://…)\n", verb, stores.EnvVar)
		return "", false
	}
	return loc, true
}

// storeContext is cancelled by an interrupt.
func storeContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// migrate applies the migrations the store lacks, for teams that migrate
// before they deploy (servers also migrate when they open the store).
func (c *command) migrate() int {
	loc, ok := c.storeLocation("migrate")
	if !ok {
		return exitUsage
	}
	ctx, cancel := storeContext()
	defer cancel()
	applied, err := stores.Migrate(ctx, loc)
	if err != nil {
		return c.fail(err)
	}
	if len(applied) == 0 {
		fmt.Fprintf(c.stdout, "%s: the schema is up to date\n", stores.Redact(loc))
		return exitOK
	}
	vs := make([]string, len(applied))
	for i, v := range applied {
		vs[i] = fmt.Sprint(v)
	}
	fmt.Fprintf(c.stdout, "%s: applied migrations %s\n", stores.Redact(loc), strings.Join(vs, ", "))
	return exitOK
}

// keys lists (keys list) or rotates (keys rotate) the signing keys kept
// in the store.
func (c *command) keys(args []string) int {
	if len(args) != 1 || (args[0] != "list" && args[0] != "rotate") {
		fmt.Fprintf(c.stderr, "usage: oauthgen keys list|rotate -store LOCATION\n")
		return exitUsage
	}
	loc, ok := c.storeLocation("keys")
	if !ok {
		return exitUsage
	}
	ctx, cancel := storeContext()
	defer cancel()
	st, err := stores.Open(ctx, loc)
	if err != nil {
		return c.fail(err)
	}
	defer st.Close()
	var keys []signingkeys.Key
	if args[0] == "list" {
		keys, err = signingkeys.List(ctx, st, time.Now())
	} else {
		keys, err = signingkeys.Rotate(ctx, st, time.Now)
	}
	if errors.Is(err, signingkeys.ErrNoKeys) {
		fmt.Fprintf(c.stderr, "oauthgen keys: %s: %v\n", stores.Redact(loc), err)
		return exitFail
	}
	if err != nil {
		return c.fail(err)
	}
	if args[0] == "rotate" && len(keys) == 0 {
		fmt.Fprintln(c.stdout, "a rotation is pending already: `oauthgen keys list` shows when its keys sign")
		return exitOK
	}
	if args[0] == "rotate" {
		fmt.Fprintln(c.stdout, "rotation started; servers on the store publish the new keys within a minute:")
	}
	printKeys(c, keys)
	return exitOK
}

func printKeys(c *command, keys []signingkeys.Key) {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ALG\tKID\tSTATE\tPUBLISHED\tSIGNS FROM\tUNPUBLISHED AT")
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Alg, k.KID, k.State, at(k.Published), at(k.ActiveFrom), at(k.DropAt))
	}
	_ = tw.Flush()
}
