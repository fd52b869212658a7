/* parse.c - text to values, strictly: every number, size, duration, CPU
 * list and memory mode a user or a /proc file gives goes through here
 * (the whole string must be consumed; junk, empty input and overflow are
 * errors, never a silent 0). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

int gb_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int gb_parse_i64(const char *s, int64_t *out)
{
	if (!s || !*s || *s == ' ')
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int gb_parse_double(const char *s, double *out)
{
	if (!s || !*s || *s == ' ')
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || v != v)
		return -1;
	*out = v;
	return 0;
}

/* Split "12.5G" into a number and a suffix multiplier from 'units'. */
struct unit {
	const char *name;
	double mult;	/* value = number * mult, or number / -mult when mult < 0 */
};

static int parse_with_units(const char *s, const struct unit *units, double *out)
{
	/* plain decimal only: no sign, exponent, hex, inf or nan */
	size_t digits = s ? strspn(s, "0123456789.") : 0;
	if (!digits || strspn(s, ".") == digits)
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || end != s + digits || !isfinite(v))
		return -1;
	if (!*end) {
		*out = v;
		return 0;
	}
	for (const struct unit *u = units; u->name; u++)
		if (strcmp(end, u->name) == 0) {
			/* dividing keeps 5ms exactly 0.005 (5 * 1e-3 is not) */
			*out = u->mult < 0 ? v / -u->mult : v * u->mult;
			return 0;
		}
	return -1;
}

int gb_parse_size(const char *s, uint64_t *out)
{
	/* binary multiples, as fio and dd read them: 1k = 1024 */
	static const struct unit units[] = {
		{ "k", 0x1p10 }, { "K", 0x1p10 }, { "KB", 0x1p10 }, { "KiB", 0x1p10 },
		{ "m", 0x1p20 }, { "M", 0x1p20 }, { "MB", 0x1p20 }, { "MiB", 0x1p20 },
		{ "g", 0x1p30 }, { "G", 0x1p30 }, { "GB", 0x1p30 }, { "GiB", 0x1p30 },
		{ "t", 0x1p40 }, { "T", 0x1p40 }, { "TB", 0x1p40 }, { "TiB", 0x1p40 },
		{ "B", 1 }, { NULL, 0 },
	};
	double v;
	if (parse_with_units(s, units, &v) < 0 || v >= 0x1p64)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int gb_parse_duration(const char *s, double *seconds)
{
	static const struct unit units[] = {
		{ "ns", -1e9 }, { "us", -1e6 }, { "ms", -1e3 }, { "s", 1 },
		{ "m", 60 }, { "min", 60 }, { "h", 3600 }, { NULL, 0 },
	};
	return parse_with_units(s, units, seconds);
}

/* A decimal CPU number; fails on no digits or a number >= CPU_SETSIZE. */
static int cpu_number(const char **pp, const char *end, unsigned *out)
{
	const char *p = *pp;
	unsigned v = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return -1;
	for (; p < end && isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v >= CPU_SETSIZE)
			return -1;
	}
	*pp = p;
	*out = v;
	return 0;
}

int gb_parse_cpulist(const char *text, cpu_set_t *set)
{
	cpu_set_t s;

	if (!text)
		return -1;
	while (isspace((unsigned char)*text))
		text++;
	const char *end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	if (end == text)
		return -1;	/* an empty list gives no CPU to run on */

	CPU_ZERO(&s);
	for (const char *p = text;;) {
		unsigned a, b;
		if (cpu_number(&p, end, &a) < 0)
			return -1;
		b = a;
		if (p < end && *p == '-') {
			p++;
			if (cpu_number(&p, end, &b) < 0 || b < a)
				return -1;
		}
		for (unsigned c = a; c <= b; c++)
			CPU_SET(c, &s);
		if (p == end)
			break;
		if (*p != ',' || ++p == end)
			return -1;
	}
	*set = s;
	return 0;
}

int gb_parse_pages(const char *s, gb_pages *out)
{
	if (!s)
		return -1;
	for (gb_pages p = GB_PAGES_AUTO; p <= GB_PAGES_1G; p++) {
		if (!strcasecmp(s, gb_pages_name(p))) {
			*out = p;
			return 0;
		}
	}
	return -1;
}

int gb_parse_numa(const char *s, gb_numa *out)
{
	uint64_t n;

	if (!s)
		return -1;
	if (!strcmp(s, "local")) {
		*out = (gb_numa){ GB_NUMA_LOCAL, 0 };
	} else if (!strcmp(s, "interleave")) {
		*out = (gb_numa){ GB_NUMA_INTERLEAVE, 0 };
	} else if (!strcmp(s, "cross")) {
		*out = (gb_numa){ GB_NUMA_CROSS, 0 };
	} else if (!strncmp(s, "node:", 5)) {
		/* digits only: gb_parse_u64 already refuses signs and blanks */
		if (gb_parse_u64(s + 5, &n) < 0 || n > 4095)
			return -1;
		*out = (gb_numa){ GB_NUMA_NODE, (int)n };
	} else {
		return -1;
	}
	return 0;
}


int gb_parse_neighbors(const char *s, int *count, int *kind)
{
	static const char *const kinds[] = { [GB_NB_CPU] = "cpu", [GB_NB_MEM] = "mem" };
	const char *colon = s ? strchr(s, ':') : NULL;
	char num[8];
	size_t len = colon ? (size_t)(colon - s) : (s ? strlen(s) : 0);
	uint64_t n;
	if (!s || len == 0 || len >= sizeof num || strspn(s, "0123456789") != len)
		return -1;
	memcpy(num, s, len);
	num[len] = 0;
	if (gb_parse_u64(num, &n) < 0 || n > GB_NEIGHBORS_MAX)
		return -1;
	int k = GB_NB_CPU;
	if (colon) {
		for (k = 0; k < (int)(sizeof kinds / sizeof kinds[0]); k++)
			if (strcmp(colon + 1, kinds[k]) == 0)
				break;
		if (k == (int)(sizeof kinds / sizeof kinds[0]))
			return -1;
	}
	*count = (int)n;
	*kind = k;
	return 0;
}
