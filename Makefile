# oauthgen: two commands are all a newcomer needs.
#
#   make demo   generate, build and run the quickstart server on 127.0.0.1:8080,
#               its state in ./data/quickstart.db (OAUTHGEN_STORE=... for another
#               store: memory, sqlite:PATH or a postgres:// URL)
#   make test   go vet, go test -race ./... (the real-browser test included:
#               it needs Debian's chromium, node and npm; the PostgreSQL
#               store's tests need Debian's postgresql, or a server named by
#               OAUTHGEN_TEST_POSTGRES; .ci/run installs them), the
#               staleness check of every generated tree, and the check that
#               git tracks no binaries or files over 1 MB

GO ?= go

.PHONY: demo test vet race generate check-generated check-tracked bench fuzz

demo: generate
	$(GO) run ./examples/quickstart

test: check-tracked vet race check-generated

# Build outputs never belong in git (.gitignore lists them).
check-tracked:
	@./.ci/check-tracked

vet:
	$(GO) vet ./...

# Test artifacts (the real-browser test's screenshots of the login and
# consent pages) are kept here; the directory is ignored by git.
ARTIFACTS ?= $(CURDIR)/examples/quickstart/browser/artifacts

# The quickstart's end-to-end package alone takes minutes under -race; on a
# busy two-core machine it passed go test's default 10-minute limit, so the
# limit is raised: a slow machine is not a failing test.
race:
	mkdir -p $(ARTIFACTS)
	$(GO) test -race -count=1 -timeout 30m -artifacts -outputdir=$(ARTIFACTS) ./...
	@find $(ARTIFACTS) -name '*.png' | sed 's|^|artifact: |'


# Regenerate every checked-in tree. The example uses `go tool oauthgen`,
# exactly as an adopting service does.
generate:
	$(GO) generate ./generated/... ./examples/...

# Fail when regeneration changed or added anything.
# `git status --porcelain` also catches new untracked files, unlike git diff.
# Outside a git checkout, fall back to `oauthgen diff`, which needs no git.
check-generated: generate
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		out="$$(git status --porcelain -- generated examples)"; \
		if [ -n "$$out" ]; then \
			echo "generated code is stale; run 'make generate' and commit:"; echo "$$out"; \
			git --no-pager diff -- generated examples | head -100; exit 1; \
		fi; \
	else \
		$(GO) run ./cmd/oauthgen diff -f spec/reference/oauthgen.yaml && \
		$(GO) run ./cmd/oauthgen diff -C examples/quickstart; \
	fi
	@echo "generated code is up to date"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Run each fuzz target (every func Fuzz* in the tree) for FUZZTIME; `make
# test` already runs their seed corpora. A crasher is written to the
# package's testdata/fuzz/ and becomes a regression test once committed.
FUZZTIME ?= 60s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./.ci/fuzz
