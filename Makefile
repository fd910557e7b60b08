# Vigil build. `make` builds build/vigil; `make check` installs what is missing,
# builds the normal and ASan+UBSan variants and runs every test.
CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers -Werror
OPT     ?= -O2 -g
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Iinclude -Isrc/lib -pthread -I/usr/include/libxml2 -I/usr/include/postgresql
TEST_CFLAGS := -Itests/unit
LIBS    := -lmicrohttpd -larchive -lisal -lzstd -ljansson -lyaml -lsqlite3 -lpcre2-8 -lyara -lcurl -lz -lcrypto -lpthread -lxml2 -lpq -lgnutls -lm
# Hyperscan (x86-64 only) runs the secret rules' detection pass; `make HYPERSCAN=0`
# builds the PCRE2-only engine (slower) for machines without it.
HYPERSCAN ?= $(shell pkg-config --exists libhs 2>/dev/null && echo 1 || echo 0)
ifeq ($(HYPERSCAN),1)
CFLAGS  += -DVIGIL_HAVE_HYPERSCAN $(shell pkg-config --cflags libhs)
LIBS    += -lhs
endif

LIB_SRC := $(wildcard src/lib/*.c src/lib/*/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c tests/unit/*/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

B  := build
# `make asan CC=clang` builds the sanitizer variant with clang into build-asan-clang (clang's
# UBSan also reports pointer overflow and offsets applied to NULL, which gcc's does not)
BA := build-asan$(if $(findstring clang,$(notdir $(CC))),-clang,)
BF := build-fuzz

LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
LIBA_OBJ := $(LIB_SRC:%.c=$(BA)/%.o)
ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all asan fuzz fuzz-long check test deps demo clean format bench print-libs mutate man

# the man page, generated from the help texts (scripts/gen-man.sh)
man: $(B)/vigil.1
$(B)/vigil.1: $(B)/vigil scripts/gen-man.sh
	scripts/gen-man.sh $(B)/vigil > $@.tmp && mv $@.tmp $@

# eBPF sensor of `vigil watch`: vmlinux.h dumped from the running kernel's BTF, the
# BPF object built with clang -target bpf and a libbpf skeleton that sensor.c includes
# (all generated under build/runtime, shared by the normal and the ASan build).
BPFTOOL   ?= bpftool
BPF_CLANG ?= clang
BPF_ARCH  := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
CFLAGS  += -I$(B)/runtime
LIBS    += -lbpf -lelf

all: $(B)/vigil

$(B)/%.o: %.c $(wildcard include/*.h include/vigil/*.h src/lib/*.h src/lib/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BA)/%.o: %.c $(wildcard include/*.h include/vigil/*.h src/lib/*.h src/lib/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ASAN) -O1 -c $< -o $@

$(B)/runtime/vmlinux.h:
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(B)/runtime/sensor.bpf.o: src/lib/runtime/bpf/sensor.bpf.c src/lib/runtime/event.h $(B)/runtime/vmlinux.h
	$(BPF_CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -I$(B)/runtime -c $< -o $@

$(B)/runtime/sensor.skel.h: $(B)/runtime/sensor.bpf.o
	$(BPFTOOL) gen skeleton $< name vigil_sensor > $@.tmp && mv $@.tmp $@

$(B)/src/lib/runtime/sensor.o $(BA)/src/lib/runtime/sensor.o: $(B)/runtime/sensor.skel.h

# the built-in runtime rules, as C string literals
$(B)/runtime/builtin_rules.inc: src/lib/runtime/builtin.yaml
	@mkdir -p $(dir $@)
	sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $< > $@.tmp && mv $@.tmp $@

$(B)/src/lib/runtime/builtin.o $(BA)/src/lib/runtime/builtin.o: $(B)/runtime/builtin_rules.inc

# the web dashboard's files (web/), as a C table for src/lib/serve/dashboard.c
CFLAGS  += -I$(B)/web
$(B)/web/web_assets.inc: scripts/embed-web.sh $(wildcard web/* web/*/*)
	@mkdir -p $(dir $@)
	scripts/embed-web.sh web $@

$(B)/src/lib/serve/dashboard.o $(BA)/src/lib/serve/dashboard.o: $(B)/web/web_assets.inc

$(B)/libvigil.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BA)/libvigil.a: $(LIBA_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/vigil: $(CLI_SRC:%.c=$(B)/%.o) $(B)/libvigil.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(BA)/vigil: $(CLI_SRC:%.c=$(BA)/%.o) $(BA)/libvigil.a
	$(CC) $(CFLAGS) $(ASAN) -o $@ $^ $(LIBS)

# unit tests and fuzz-corpus replay, linked against each library variant
$(B)/test_unit: $(UNIT_SRC:%.c=$(B)/%.o) $(B)/libvigil.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS) -lz

$(BA)/test_unit: $(UNIT_SRC:%.c=$(BA)/%.o) $(BA)/libvigil.a
	$(CC) $(CFLAGS) $(ASAN) -o $@ $^ $(LIBS) -lz

$(B)/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(B)/libvigil.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(BA)/fuzz_%: $(BA)/tests/fuzz/fuzz_%.o $(BA)/tests/fuzz/replay.o $(BA)/libvigil.a
	$(CC) $(CFLAGS) $(ASAN) -o $@ $^ $(LIBS)

# the webshell-score features of files, for tests/malware/score_fit.py
$(B)/mw_score_dump: $(B)/tests/malware/score_dump.o $(B)/libvigil.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

FUZZ_NAMES := $(notdir $(FUZZ_SRC:.c=))
asan: $(BA)/vigil $(BA)/test_unit $(FUZZ_NAMES:%=$(BA)/%)
tests-bin: $(B)/vigil $(B)/test_unit $(B)/mw_score_dump $(FUZZ_NAMES:%=$(B)/%)

# libFuzzer builds (clang): make fuzz, then build-fuzz/fuzz_X tests/fuzz/corpus/X
fuzz: $(FUZZ_NAMES:%=$(BF)/%)
# the library is compiled once (fuzzer-no-link instrumentation) and linked into every target
FUZZ_CFLAGS = $(CSTD) $(filter -D% -I%,$(CFLAGS)) -g -O1 -Iinclude -Isrc/lib -pthread
$(BF)/obj/%.o: %.c $(wildcard include/*.h include/vigil/*.h src/lib/*.h src/lib/*/*.h) | $(B)/runtime/sensor.skel.h $(B)/runtime/builtin_rules.inc $(B)/web/web_assets.inc
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
$(BF)/libvigil.a: $(LIB_SRC:%.c=$(BF)/obj/%.o)
	rm -f $@ && ar rcs $@ $^
$(BF)/fuzz_%: tests/fuzz/fuzz_%.c $(BF)/libvigil.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

# Longer libFuzzer runs for a scheduled job: each target for FUZZ_MINUTES minutes (total
# time, -max_total_time), FUZZ_TARGETS to choose (default: all). New inputs grow the
# corpus in build-fuzz/corpus/NAME (the checked-in seeds are read, never written); every
# crash, leak or timeout is copied into tests/fuzz/corpus/NAME/ as a seed, so the
# ordinary test run replays it from then on. Exits non-zero when any target found one.
FUZZ_MINUTES ?= 10
FUZZ_TARGETS ?= $(FUZZ_NAMES:fuzz_%=%)
fuzz-long: $(FUZZ_TARGETS:%=$(BF)/fuzz_%)
	@scripts/fuzz-long.sh $(FUZZ_MINUTES) $(FUZZ_TARGETS)

# Mutation testing: each deliberate bug of tests/mutate/mutations.txt applied to a copy of
# the tree, rebuilt and run against the suites it names; prints which were caught. Long
# (minutes per mutation); not part of `make check`.
mutate:
	@scripts/mutate.py $(if $(MUTATIONS),--only $(MUTATIONS))

deps:
	@scripts/install-deps.sh

test: tests-bin asan
	tests/run.sh

check: deps
	$(MAKE) tests-bin asan
	tests/run.sh

demo: deps
	$(MAKE) all
	tests/fixtures/demo.sh

bench: all
	bench/intake.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) $(FUZZ_SRC) tests/fuzz/replay.c bench/*.c tests/unit/*.h include/*.h src/lib/*.h src/lib/*/*.h

clean:
	rm -rf $(B) $(BA) $(BF)

$(B)/bench-gunzip: bench/gunzip.c
	$(CC) $(CSTD) -O2 -o $@ $< -lz -lisal -ldeflate -lcrypto

$(B)/bench-dblookup: bench/dblookup.c $(B)/libvigil.a
	$(CC) $(CFLAGS) -O2 -o $@ $^ $(LIBS)

# the link flags, for the bench programs that bench/*.sh compile themselves
print-libs:
	@echo $(LIBS)
