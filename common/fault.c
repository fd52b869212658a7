/* fault.c - test-only fault injection (fault.h says the convention). */
#include <stdlib.h>
#include <string.h>

#include "fault.h"

const char *gb_fault_bench;

const char *gb_fault_for(const char *bench, const char *name)
{
	const char *list = getenv("GB_FAULT");
	if (!list || !bench || !name)
		return NULL;
	size_t bl = strlen(bench), nl = strlen(name);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		/* "<bench>.<name>" then the end of the entry or "=value" */
		if (len >= bl + 1 + nl && !strncmp(p, bench, bl) && p[bl] == '.' &&
		    !strncmp(p + bl + 1, name, nl) && (bl + 1 + nl == len || p[bl + 1 + nl] == '=')) {
			if (bl + 1 + nl == len)
				return "";
			/* the value, up to the entry's end (entries hold no commas) */
			static char val[256];
			size_t vl = len - (bl + 2 + nl);
			if (vl >= sizeof val)
				vl = sizeof val - 1;
			memcpy(val, p + bl + 2 + nl, vl);
			val[vl] = 0;
			return val;
		}
		p += len + (end != NULL);
	}
	return NULL;
}

const char *gb_fault(const char *name)
{
	return gb_fault_for(gb_fault_bench, name);
}
