/* filter_fuzz.c: libFuzzer target for the picture metadata-removal filters (media/filter.h), which are written here because no Debian library removes metadata losslessly in a stream; this fuzzes them. */
/*
 * Input: byte 0 picks the filter (& 3: JPEG, PNG, WebP, GIF), byte 1 seeds the piece sizes,
 * the rest is the file; the checks are those of fuzz/filter_run.h (the output may exceed the
 * input only by one added orientation block).
 *   make build/fuzz/filter     (the Makefile's fuzz rule: clang, libFuzzer, ASan, UBSan)
 *   build/fuzz/filter -max_total_time=240 fuzz/corpus/filter/
 * Seeds in fuzz/corpus/filter/: pictures with metadata, from scripts/make-test-media and
 * built like those of tests/unit/test_filter.c, each after its two leading bytes. */
#include "filter_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum media_type types[4] = {MT_JPEG, MT_PNG, MT_WEBP, MT_GIF};
	if (size < 2)
		return 0;
	return fuzz_filter(types[data[0] & 3], data[1], data + 2, size - 2, 64);
}
