# morphogan — build.  `make` builds the library and the CLI; `make test` runs every test;
# `make demo` runs the main job (tools/demo.sh); `make asan` runs the tests under AddressSanitizer+UBSan; `make bench` runs the benchmarks.
CC      ?= gcc
BLAS_INC = /usr/include/x86_64-linux-gnu/openblas-openmp
BLAS_LIB = /usr/lib/x86_64-linux-gnu/openblas-openmp
OPT     ?= -O3 -march=native -ffp-contract=fast
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -fopenmp -Isrc -I$(BLAS_INC) $(OPT) $(EXTRA)
RSVG    := $(shell pkg-config --cflags librsvg-2.0 2>/dev/null)
LDLIBS  += -L$(BLAS_LIB) -Wl,-rpath,$(BLAS_LIB) -lopenblas -llinear -lcjson -lpng -ljpeg -ltiff -lz -lm -fopenmp \
           $(shell pkg-config --libs librsvg-2.0 2>/dev/null)
BUILD   ?= build

LIB_SRC  = $(filter-out src/cli/%,$(shell find src -name '*.c' | sort))
CLI_SRC  = $(shell find src/cli -name '*.c' | sort)
TEST_SRC = $(wildcard tests/test_*.c)
BENCH_SRC= $(wildcard bench/*.c)

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCHES  = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

all: $(BUILD)/morphogan $(TESTS) $(BENCHES)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/src/report/svg_png.o: CFLAGS += $(RSVG)     # librsvg's (and glib's, cairo's) headers: this file only
$(BUILD)/src/kernels/cpu/reduce.o: CFLAGS += -ffp-contract=off   # product reductions round as mul then sum
$(BUILD)/src/kernels/cpu/bias_act.o: CFLAGS += -ffp-contract=off # rounds as the separate ops

$(BUILD)/libmorphogan.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/morphogan: $(CLI_OBJ) $(BUILD)/libmorphogan.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)
	@ln -sf $(BUILD)/morphogan morphogan 2>/dev/null || true

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libmorphogan.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libmorphogan.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

test: $(TESTS) $(BUILD)/morphogan
	@BUILD=$(BUILD) sh tests/run.sh

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	        LDFLAGS="-fsanitize=address,undefined" EXTRA="-fsanitize=address,undefined" test

bench: $(BENCHES) $(BUILD)/morphogan
	@sh bench/run.sh

demo: $(BUILD)/morphogan
	@sh tools/demo.sh

clean:
	rm -rf build build-asan morphogan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.PHONY: all test asan bench clean demo
