# procdemo — the targets mirror what CI runs (.ci/run).
CARGO ?= cargo
BIN   := target/release/procdemo

.PHONY: all build demo test test-as-user soak lint bench fixtures clean

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

## Wall time of every demo, front-end start and output included (release build).
bench:
	$(CARGO) bench --locked --bench demos

## Record again the event streams the render tests replay (after a change to model::Event).
fixtures: build
	for d in $$($(BIN) list | cut -d' ' -f1); do $(BIN) $$d --record-events > tests/fixtures/events/$$d.events; done
	$(BIN) run tests/fixtures/events/failure.demo --record-events > tests/fixtures/events/failure.events || true

clean:
	$(CARGO) clean
