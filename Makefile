# procdemo — the targets mirror what CI runs (.ci/run).
CARGO ?= cargo
BIN   := target/release/procdemo
# The packages' build: fat LTO, one codegen unit (Cargo.toml's [profile.dist]; `make bench`
# holds it and the release build against the C yardstick).
PACKAGE_PROFILE ?= dist
DIST_BIN := target/$(PACKAGE_PROFILE)/procdemo
ASSETS   := target/assets
PYTHON   ?= python3

.PHONY: all build demo test test-as-user soak lint bench fixtures clean dist assets deb wheel packages

all: build

build:
	$(CARGO) build --release --locked

## The main job: build, then run every demo with classroom narration.
demo: build
	$(BIN) all --explain

## Unit tests, then the integration tests, which run the built binary.
test:
	$(CARGO) test --locked

## As root: every test again as a throwaway normal user (what students are).
test-as-user:
	.ci/test-as-user

## Every demo 200 times in a row, each run checked for leftover processes; then a classroom:
## 128 concurrent `procdemo all --json`, all passing, nothing left.
soak: build
	PROCDEMO_SOAK_ROUNDS=200 $(CARGO) test --locked --release --test it reliability::every_demo -- --nocapture
	.ci/load $(BIN)

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

## Wall time of every demo, front-end start and output included (release build); then the
## six lifecycle demos of the release and the dist builds against the bare C director; then
## `procdemo watch` (dist build) against `strace -f` on a loop of 3,000 forks and a make -j2.
bench: dist
	PROCDEMO_DIST_BIN=$(DIST_BIN) $(CARGO) bench --locked --bench demos
	PROCDEMO_WATCH_BIN=$(DIST_BIN) benches/watch.sh

## The packages' binary.
dist:
	$(CARGO) build --locked --profile $(PACKAGE_PROFILE)

## The manual page and the completions, written by the built binary (English: a package is
## the same whatever the builder's locale).
assets: dist
	mkdir -p $(ASSETS)
	$(DIST_BIN) --lang en man | gzip -9n > $(ASSETS)/procdemo.1.gz
	$(DIST_BIN) completions bash > $(ASSETS)/procdemo.bash
	$(DIST_BIN) completions zsh > $(ASSETS)/_procdemo
	$(DIST_BIN) completions fish > $(ASSETS)/procdemo.fish

## target/debian/procdemo_VERSION_amd64.deb: the binary, the manual page, the bash/zsh/fish
## completions, README and the docs. cargo-deb packs what `assets` built (--no-build).
deb: assets
	command -v cargo-deb >/dev/null || $(CARGO) install cargo-deb --locked
	$(CARGO) deb --locked --profile $(PACKAGE_PROFILE) --no-build

## target/wheels/procdemo-VERSION-py3-none-manylinux_2_34_x86_64.whl: the binary for pip.
## maturin comes from PATH, or is installed into a virtual environment under target/.
wheel:
	if command -v maturin >/dev/null; then maturin build --locked --out target/wheels; else \
	  [ -x target/maturin/bin/maturin ] || { $(PYTHON) -m venv target/maturin && \
	    target/maturin/bin/pip install -q maturin; } && \
	  target/maturin/bin/maturin build --locked --out target/wheels; fi

## Both packages.
packages: deb wheel

## Record again the event streams the render tests replay (after a change to model::Event).
fixtures: build
	for d in $$($(BIN) list --json | grep -o '"name":"[^"]*"' | cut -d'"' -f4); do $(BIN) $$d --record-events > tests/fixtures/events/$$d.events; done
	$(BIN) run tests/fixtures/events/failure.demo --record-events > tests/fixtures/events/failure.events || true

clean:
	$(CARGO) clean
