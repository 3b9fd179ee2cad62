# Painel's front door. `make run` and `make test` are the README's two quick-start commands.
BUILD ?= build
JOBS ?= $(shell nproc)
DB ?= ./data/painel.db
FUZZ_SECONDS ?= 60

.PHONY: setup build web run test test-unit test-api bench fuzz clean format deb

setup:
	./scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)
	./scripts/build-web.sh

web:
	./scripts/build-web.sh

# The Debian package: $(BUILD)/painel_<version>_amd64.deb (scripts/build-deb.sh).
deb: build
	./scripts/build-deb.sh $(BUILD)

run: build
	./scripts/run.sh $(DB)

test: setup $(BUILD)/CMakeCache.txt
	./scripts/test.sh $(BUILD)

bench: build
	./bench/run.sh

# Each libFuzzer target for FUZZ_SECONDS (clang, ASan + UBSan; crashes in $(BUILD)-fuzz/crashes/).
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh $(BUILD)

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp')

clean:
	rm -rf $(BUILD) web/dist
