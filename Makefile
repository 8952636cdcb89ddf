# SPDX-License-Identifier: GPL-3.0-or-later
# The README's two commands: `make demo` and `make check`.
JOBS ?= 2
DEMO_DB ?= demo.db
DEMO_LISTEN ?= 127.0.0.1:8080

.PHONY: all bootstrap build build-asan check check-fast demo fuzz bench clean

all: build

bootstrap:
	@./scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j$(JOBS)

build-asan: bootstrap
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKEEL_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j$(JOBS)

# Every test: unit, API, reference, fuzz-corpus replay and browser tests on
# the optimised build, then unit, API and fuzz replay under ASan+UBSan.
check: build build-asan
	cd build && ctest --output-on-failure -j$(JOBS)
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
	rm -rf build build-asan build-fuzz
