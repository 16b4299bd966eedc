/* pdf_fuzz.c: libFuzzer target for the PDF metadata-removal filter (src/media/pdf.c), written here because no Debian library removes metadata losslessly in a stream; this fuzzes it. */
/*
 * Input: byte 0 seeds the piece sizes, the rest is the file; the checks are those of
 * fuzz/filter_run.h (the output is never longer than the input).
 * Seeds in fuzz/corpus/pdf/: files with planted metadata from tests/data/, each after its
 * leading byte.
 */
#include "filter_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	return fuzz_filter(MT_PDF, data[0], data + 1, size - 1, 0);
}
