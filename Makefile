# SPDX-License-Identifier: GPL-3.0-or-later
# The README's two commands: `make demo` and `make check`.
JOBS ?= 2
DEMO_DB ?= demo.db
DEMO_LISTEN ?= 127.0.0.1:8080

.PHONY: all bootstrap build build-test build-asan build-release check check-fast demo fuzz bench clean

all: build

bootstrap:
	@./scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j$(JOBS)

# The test binary: test hooks on (KEEL_FAST_PWHASH), in its own directory.
build-test: bootstrap
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEEL_TEST_HOOKS=ON >/dev/null
	@cmake --build build-test -j$(JOBS)

build-asan: bootstrap
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKEEL_SANITIZE=ON -DKEEL_TEST_HOOKS=ON >/dev/null
	@cmake --build build-asan -j$(JOBS)

# What a packager builds (-O3, no test hooks), with warnings as errors here.
build-release: bootstrap
	@cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DKEEL_WERROR=ON >/dev/null
	@cmake --build build-release -j$(JOBS) --target keel

# Every test: unit, API, reference, fuzz-corpus replay and browser tests on
# the optimised test build, then unit, API and fuzz replay under ASan+UBSan;
# the Release build compiles and ignores the test hooks.
check: build-release build-test build-asan
	cd build-release && ctest --output-on-failure -R pwhash
	cd build-test && ctest --output-on-failure -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS) -L san

demo: build
	./scripts/demo.sh build/keel $(DEMO_DB) $(DEMO_LISTEN)

fuzz: bootstrap
	./scripts/fuzz.sh

bench: build
	./bench/run.sh

clean:
	rm -rf build build-test build-asan build-release build-fuzz
