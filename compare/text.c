/* text.c - names from the documents made safe for a person's screen.
 *
 * Bench and metric names, labels and reasons come from files other
 * people wrote.  Printed raw into a terminal table, a control character
 * (an escape sequence) would act on the terminal, a newline or a '|'
 * would break a table or a Markdown row, and a cut in the middle of a
 * UTF-8 sequence would print garbage.  CSV and JSON have their own
 * quoting (common/util.c, common/json.c); the SVG escapes for XML. */
#include "compare.h"

#include <string.h>

/* Bytes of the UTF-8 sequence starting with lead byte c (1 for junk). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

size_t cmp_clip(char *dst, size_t size, const char *src, int md)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)src;
	if (!size)
		return 0;
	while (*p) {
		size_t n = seq_len(*p);
		if (md && *p == '|') {
			if (o + 2 >= size)
				break;
			dst[o++] = '\\';
			dst[o++] = '|';
			p++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			if (o + 1 >= size)
				break;
			dst[o++] = '?';
			p++;
			continue;
		}
		if (o + n >= size || strnlen((const char *)p, n) < n)
			break;	/* never half a character */
		memcpy(dst + o, p, n);
		o += n;
		p += n;
	}
	dst[o] = 0;
	return (size_t)((const char *)p - src);
}

void cmp_put(FILE *f, const char *s, size_t max, int md)
{
	char buf[4096];
	if (max >= sizeof buf)
		max = sizeof buf - 1;
	size_t used = cmp_clip(buf, max + 1, s, md);
	fputs(buf, f);
	if (s[used])
		fputs("...", f);
}
