/* line.c - spotting launch --ready line:TEXT in CMD's output. */
#include <string.h>

#include "startup.h"

void su_liner_init(su_liner *l, const char *text)
{
	l->text = text;
	l->tlen = strlen(text);
	l->used = 0;
}

int su_liner_feed(su_liner *l, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\n' || c == '\r') {	/* a console ends lines with \r\n */
			l->used = 0;
			continue;
		}
		if (l->used == sizeof l->line) {
			/* a very long line: keep only the tail that could still
			 * be the start of TEXT */
			size_t keep = l->tlen - 1;
			memmove(l->line, l->line + l->used - keep, keep);
			l->used = keep;
		}
		l->line[l->used++] = c;
		/* only the last tlen bytes can complete a new match */
		if (l->used >= l->tlen && memcmp(l->line + l->used - l->tlen, l->text, l->tlen) == 0)
			return 1;
	}
	return 0;
}
