# Peluit: `make` builds build/peluit; `make run` serves it; `make test` runs every suite.
# The first thing `run` and `test` do is install what is missing (scripts/install-deps).

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 inih liboath libqrencode libzip
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Tables (routes, fields) leave trailing members to their zero defaults, hence
# -Wno-missing-field-initializers.
WARN    := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
           -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fPIE
LDHARD  := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
INCS    := -Isrc -Ibuild/gen
CFLAGS_REL := $(WARN) $(HARDEN) -O2 -g $(INCS) $(PKG_CFLAGS)
# The test build: sanitizers on, fortify off (it conflicts with ASan's interceptors).
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS_TEST := $(WARN) -O1 -g $(SAN) -fPIE $(INCS) $(PKG_CFLAGS)

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
HDRS     := $(shell find src -name '*.h' -o -name '*.def')
ASSETS   := $(shell find web src/store -type f \( -name '*.html' -o -name '*.css' -o -name '*.js' \
              -o -name '*.svg' -o -name '*.json' -o -name '*.sql' -o -name '*.txt' \) | sort)
REL_OBJ  := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC)) build/obj/gen/assets.o
TEST_OBJ := $(patsubst src/%.c,build/test/obj/%.o,$(LIB_SRC)) build/test/obj/gen/assets.o
UNIT     := $(patsubst tests/unit/%.c,build/test/unit/%,$(wildcard tests/unit/test_*.c))
API      := $(patsubst tests/api/%.c,build/test/api/%,$(wildcard tests/api/test_*.c))

FUZZ     := $(patsubst fuzz/%_fuzz.c,build/fuzz/%,$(wildcard fuzz/*_fuzz.c))
FUZZ_SECONDS ?= 60

.PHONY: all run test test-unit test-api test-e2e test-fuzz fuzz deps clean bench
all: build/peluit

deps:
	@scripts/install-deps

build/embed: scripts/embed.c
	@mkdir -p build
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

build/gen/assets.c: build/embed $(ASSETS)
	@mkdir -p build/gen
	build/embed $@ $(ASSETS)

build/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -c -o $@ $<
build/obj/gen/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -c -o $@ $<
build/peluit: build/obj/main.o $(REL_OBJ)
	$(CC) $(LDHARD) -o $@ $^ $(PKG_LIBS) -lpthread

build/test/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) -c -o $@ $<
build/test/obj/gen/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) -c -o $@ $<
build/test/libpeluit.a: $(TEST_OBJ)
	rm -f $@; ar rcs $@ $^
build/test/peluit: build/test/obj/main.o build/test/libpeluit.a
	$(CC) $(SAN) -pie -o $@ $^ $(PKG_LIBS) -lpthread

build/test/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) build/test/libpeluit.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) -o $@ $< build/test/libpeluit.a $(PKG_LIBS) -lcmocka -lpthread

build/test/api/%: tests/api/%.c tests/api/harness.c tests/api/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) -Itests/api -o $@ $< tests/api/harness.c \
	  $(shell pkg-config --cflags --libs libcurl jansson sqlite3) -lcmocka -lpthread

# libFuzzer targets over the real parsers (src/media), with seed corpora in fuzz/corpus/.
build/fuzz/%: fuzz/%_fuzz.c fuzz/filter_run.h $(wildcard src/media/*.c) $(wildcard src/media/*.h)
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -Isrc -o $@ $< $(wildcard src/media/*.c) \
	  $(shell pkg-config --cflags --libs libzip)

fuzz: $(FUZZ)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-tests fuzz

run: deps build/peluit
	@scripts/first-run

test: deps
	@$(MAKE) --no-print-directory build/peluit build/test/peluit $(UNIT) $(API) $(FUZZ)
	@scripts/run-tests

test-unit: $(UNIT)
	@scripts/run-tests unit
test-api: build/test/peluit $(API)
	@scripts/run-tests api
test-e2e: build/test/peluit
	@scripts/run-tests e2e
test-fuzz: $(FUZZ)
	@scripts/run-tests fuzz

bench: build/peluit
	bench/http.sh

# bench/inbox.sh seeds reports through the real submission path with this build, whose only
# difference is the least Argon2id work for receipts (PELUIT_BENCH_SEED). Never installed.
build/bench/peluit: $(SRC) $(HDRS) build/gen/assets.c
	@mkdir -p build/bench
	$(CC) $(CFLAGS_REL) -DPELUIT_BENCH_SEED $(LDHARD) -o $@ $(SRC) build/gen/assets.c \
	  $(PKG_LIBS) -lpthread

# The metadata-removal filters over one file (bench/scrub.sh; also handy by hand).
build/bench/scrub: bench/scrub.c $(wildcard src/media/*.c) $(wildcard src/media/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -g $(INCS) -o $@ $< $(wildcard src/media/*.c) \
	  $(shell pkg-config --cflags --libs libzip)

clean:
	rm -rf build tests/e2e/artifacts
