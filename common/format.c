/* format.c - values to text for people and files: every human table,
 * CSV field, byte count, CPU list and timestamp is written through here,
 * so the same value reads the same everywhere. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"

void gb_utc_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void gb_fmt_bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v == (double)(uint64_t)v)
		snprintf(buf, size, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

/* Four significant figures, whole numbers from 1000 up: tables are read
 * by people. */
void gb_fmt_num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1000)
		snprintf(buf, len, "%.0f", v);	/* 6610, 40457: the last digits are noise */
	else
		snprintf(buf, len, "%.4g", v);	/* 107.5, 10.24, 0.4321 */
}

/* RFC 4180: a field with a comma, quote or line break is quoted, its
 * quotes doubled. */
void gb_csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

void gb_fmt_double(char *buf, unsigned size, double v)
{
	/* the shortest of %.15g/%.16g/%.17g that reads back exactly */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

void gb_fmt_cpulist(const cpu_set_t *set, char *buf, unsigned size)
{
	size_t len = 0;

	if (!size)
		return;
	buf[0] = 0;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		int last = c;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		char tok[32];
		int n = last == c ? snprintf(tok, sizeof tok, "%s%d", len ? "," : "", c)
				  : snprintf(tok, sizeof tok, "%s%d-%d", len ? "," : "", c, last);
		/* a list cut inside a number would name the wrong CPUs */
		if (len + (size_t)n + 1 > size)
			break;
		memcpy(buf + len, tok, (size_t)n + 1);
		len += (size_t)n;
		c = last;
	}
}
