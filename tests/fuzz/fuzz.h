/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz.h — what every fuzz target in tests/fuzz shares.
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput(). It is linked two
 * ways: with clang's libFuzzer (-fsanitize=fuzzer, `make fuzz`) to search
 * for inputs, and with replay.c (any compiler, `make check`) to feed it
 * every file of tests/fuzz/corpus/<name>/ once. A broken property is a
 * crash: FUZZ_CHECK prints what failed and aborts, which both drivers
 * report with the input that did it.
 */
#ifndef XDPSERVE_TEST_FUZZ_H
#define XDPSERVE_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property broken: %s: ", __FILE__, __LINE__,        \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A cursor over the fuzzer's bytes: reads past the end give zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t len, off;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return in->off < in->len ? in->p[in->off++] : 0;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

/* The next n bytes (fewer at the end); *got says how many. */
static inline const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p + in->off;

	if (n > in->len - in->off)
		n = in->len - in->off;
	in->off += n;
	*got = n;
	return p;
}

static inline size_t fuzz_left(const struct fuzz_in *in)
{
	return in->len - in->off;
}

#endif /* XDPSERVE_TEST_FUZZ_H */
