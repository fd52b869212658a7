# guestbench - one non-recursive Makefile.
#
#   make            libgbcommon.a, every bin/gb-* and bin/guestbench (static,
#                   baseline x86-64)
#   make run        build, then the quick suite: a summary table, and
#                   results/$(LABEL).json (one guestbench-suite/1 document)
#   make test       build, then every test (tests/run); installs what tests need
#   make deps       apt-get install whatever is missing (run first automatically)
#   make install    PREFIX=/usr/local (DESTDIR honoured)
#   make image      an OCI image of bin/guestbench: build/image/guestbench-{oci,docker}.tar
#   V=1             show the commands
#
# Rules kept here on purpose:
#  - never tune for the build host (no -march flag at all): binaries must run
#    on any x86-64 guest; hot kernels are multi-versioned with target
#    attributes and chosen at run time.
#  - every gb-* is -static: the same file is copied into containers, VM disks
#    and initramfs images that have no libraries at all.

# The benchmarks that exist.  Adding one (docs/design.md) = a folder with
# <name>_main(), its line in registry/benches.c (the table of the
# multi-call bin/guestbench, which links every benchmark listed here) and
# a word here (`make BENCHES="syscall stream"` builds one not listed yet).
BENCHES := syscall stream randomaccess linpack diskio netlat startup timer cpu

# Programs built the same way that are not benchmarks (the suite does not
# run them): `make TOOLS=compare` builds one that is not listed yet.
TOOLS := compare

CC      ?= gcc
PREFIX  ?= /usr/local
LABEL   ?= native
BUILD   := build

WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes
# OPT, STATIC and SAN may be set on the command line; CFLAGS/LDFLAGS given
# there are added to, never replace, what the build needs.
OPT      ?= -O2 -g
STATIC   ?= -static
override CFLAGS  += $(OPT) -std=gnu11 $(WARN) -pthread -ffunction-sections -fdata-sections \
                    -fno-plt -D_GNU_SOURCE -Icommon $(SAN)
override LDFLAGS += $(STATIC) -pthread -Wl,--gc-sections $(SAN)

# hwloc's static library calls five libudev functions and Debian ships no
# libudev.a: common/udev_stub.c provides them (see the file for why that is
# safe).  It is linked as an object, not from the archive, because the
# linker only reaches libhwloc.a after libgbcommon.a has been searched.
COMMON_LIBS := $(BUILD)/common/udev_stub.o -lhwloc -lnuma -lm
LIBS_syscall := -luring
LIBS_linpack := -lopenblas -lgfortran -lm
LIBS_diskio := -luring
LIBS_compare := -ljansson -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---------------------------------------------------------------- deps --
# The packages the build needs (headers, the static libraries of every
# link line, GCC's libgfortran.a) are listed once, in scripts/deps.sh; any
# missing one makes every compile wait for `make deps`.
# tests/build/link-deps.sh checks that list against the link lines.
ifneq ($(shell sh scripts/deps.sh --missing),)
NEED_DEPS := build-deps
endif

.PHONY: all deps build-deps run test install clean check-static asan list-benches initramfs image
all: $(BENCHES:%=bin/gb-%) $(TOOLS:%=bin/gb-%) bin/guestbench

# `make deps`: everything, for the build, the tests and the VM boot test
# (qemu-system-x86, Debian's kernel, cpio); a build alone installs only
# what it needs.
deps: build-deps
	$(Q)scripts/test-deps.sh
build-deps:
	$(Q)scripts/deps.sh

# -------------------------------------------------------------- common --
COMMON_SRC := $(filter-out common/udev_stub.c,$(wildcard common/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIBGB      ?= common/libgbcommon.a

$(LIBGB): $(COMMON_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c | $(NEED_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# ---------------------------------------------------------- benchmarks --
# bin/gb-X = X/*.c + registry/single.c built with GB_MAIN=X_main + the library.
define bench_rule
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard $(1)/*.c))
$(BUILD)/main-$(1).o: registry/single.c | $(NEED_DEPS)
	@mkdir -p $$(dir $$@)
	$(Q)$$(CC) $$(CFLAGS) -MMD -MP -DGB_MAIN=$(1)_main -c $$< -o $$@
bin/gb-$(1): $$($(1)_OBJ) $(BUILD)/main-$(1).o $(LIBGB) $(BUILD)/common/udev_stub.o
	@mkdir -p bin
	@$(if $(Q),echo "  LINK    $$@")
	$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$($(1)_OBJ) $(BUILD)/main-$(1).o $(LIBGB) $$(LIBS_$(1)) $$(COMMON_LIBS) 2> $(BUILD)/link-$(1).log \
	    || { cat $(BUILD)/link-$(1).log; exit 1; }
	$(Q)grep -v -e "dlopen' in statically linked" -e "requires at runtime the shared libraries" -e "in function" $(BUILD)/link-$(1).log || true
endef
$(foreach b,$(BENCHES) $(TOOLS),$(eval $(call bench_rule,$(b))))

# ---------------------------------------------------------- guestbench --
# The multi-call binary: registry/ (the table, the dispatcher), suite/,
# init/ (PID-1 mode) + every benchmark's objects + their libraries, linked
# once.  The gb-* binaries stay: each is still built on its own, for a
# guest that needs only one of them.  These folders see each other's
# headers; common/ sees only its own.
APPS        := registry suite init rounds
SUITE_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(filter-out registry/single.c,$(foreach d,$(APPS),$(wildcard $(d)/*.c))))
$(SUITE_OBJ): override CFLAGS += $(APPS:%=-I%)
GB_ALL_OBJ  := $(foreach b,$(BENCHES),$($(b)_OBJ))
GB_ALL_LIBS := $(foreach b,$(BENCHES),$(LIBS_$(b))) -ljansson
bin/guestbench: $(SUITE_OBJ) $(GB_ALL_OBJ) $(LIBGB) $(BUILD)/common/udev_stub.o
	@mkdir -p bin
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(SUITE_OBJ) $(GB_ALL_OBJ) $(LIBGB) $(GB_ALL_LIBS) $(COMMON_LIBS) \
	    2> $(BUILD)/link-guestbench.log || { cat $(BUILD)/link-guestbench.log; exit 1; }
	$(Q)grep -v -e "dlopen' in statically linked" -e "requires at runtime the shared libraries" -e "in function" $(BUILD)/link-guestbench.log || true

# --------------------------------------------------------------- tests --
# tests/unit/test_X.c -> build/tests/test_X, static like the binaries.
TEST_SRC  := $(wildcard tests/unit/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)
TEST_LIBS := -ljansson -luring

# A unit test named test_<bench>* may test that benchmark's own functions:
# it is linked with the benchmark's objects (they hold no main) and libs.
test_bench = $(firstword $(foreach b,$(BENCHES) $(TOOLS),$(if $(filter test_$(b)%,$(1)),$(b))))
.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$($$(call test_bench,$$*)_OBJ) $(LIBGB) $(BUILD)/common/udev_stub.o | $(NEED_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -Itests/unit $(APPS:%=-I%) $(LDFLAGS) -o $@ $< $($(call test_bench,$*)_OBJ) $(LIBGB) \
	    $(TEST_LIBS) $(LIBS_$(call test_bench,$*)) $(COMMON_LIBS) 2>$@.log || { cat $@.log; exit 1; }

$(BUILD)/tests/%: tests/tools/%.c | $(NEED_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< -ljansson

test: all $(TEST_BIN) $(TOOL_BIN) | $(NEED_DEPS)
	$(Q)scripts/test-deps.sh
	$(Q)tests/run

# The unit tests under AddressSanitizer + UBSan: a separate, dynamically
# linked build (the sanitizer runtimes are shared libraries) in build/asan.
ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: | $(NEED_DEPS)
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan LIBGB=build/asan/libgbcommon.a SAN="$(ASAN)" \
	    STATIC= OPT="-O1 -g" $(TEST_SRC:tests/unit/%.c=build/asan/tests/%)
	$(Q)fail=0; for t in build/asan/tests/test_*; do case $$t in *.log|*.d) continue;; esac; \
	    GB_ROOT=$$PWD ASAN_OPTIONS=detect_leaks=0 $$t > $$t.log 2>&1 || { echo "FAIL $$t"; tail -20 $$t.log; fail=1; }; \
	    done; [ $$fail = 0 ] && echo "asan: all unit tests clean"

# The quick suite: every benchmark's --quick run as one document,
# results/$(LABEL).json (what gb-compare reads), and the summary table.
run: all
	$(Q)mkdir -p results
	$(Q)bin/guestbench suite --quick --label $(LABEL) -o results/$(LABEL).json

# An initramfs whose /init is guestbench (PID-1 mode, init/init.c):
# boot any x86-64 kernel with it, e.g. (docs/startup.md)
#   qemu-system-x86_64 -M microvm -kernel /boot/vmlinuz-... -initrd build/initramfs.cpio \
#     -nographic -serial stdio -append 'console=ttyS0 quiet guestbench.run="suite --quick --format json"'
INITRAMFS ?= $(BUILD)/initramfs.cpio
initramfs: bin/guestbench
	$(Q)command -v cpio >/dev/null || GB_EXTRA_DEPS=cpio:/usr/bin/cpio scripts/deps.sh
	$(Q)scripts/initramfs.sh $(INITRAMFS) bin/guestbench

# An OCI image holding only bin/guestbench, its gb-* links and /tmp
# (scripts/image.sh, docs/image.md): an OCI archive and a docker-archive,
# reproducible (timestamps from the git commit), built with umoci and skopeo.
IMAGE_DIR ?= $(BUILD)/image
image: bin/guestbench
	$(Q)command -v umoci >/dev/null && command -v skopeo >/dev/null || \
	    GB_EXTRA_DEPS="umoci:/usr/bin/umoci skopeo:/usr/bin/skopeo" scripts/deps.sh
	$(Q)scripts/image.sh $(IMAGE_DIR) bin/guestbench

# The benchmark list, for tests that must cover every one of them.
list-benches:
	@echo $(BENCHES)

check-static: all
	$(Q)for b in bin/gb-* bin/guestbench; do file $$b | grep -q 'statically linked' || { echo "$$b is not static"; exit 1; }; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BENCHES:%=bin/gb-%) $(TOOLS:%=bin/gb-%) bin/guestbench $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf $(BUILD) bin $(LIBGB)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
