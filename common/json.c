/* json.c - streaming JSON writer (see json.h). */
#include "format.h"
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void gb_json_init(gb_json *j, FILE *f, int pretty)
{
	memset(j, 0, sizeof *j);
	j->f = f;
	j->pretty = pretty;
	j->first[0] = 1;
}

static void indent(gb_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
 */
static int utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	int n;
	unsigned char lo = 0x80, hi = 0xbf;	/* allowed range of the 2nd byte */

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Strings come from the system (cgroup names, DMI, PID 1's environment)
 * and may hold any bytes: a byte that is not part of valid UTF-8 becomes
 * U+FFFD, so the document always parses. */
static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			int n = utf8_len(p);
			if (n) {
				fwrite(p, 1, (size_t)n, f);
				p += n - 1;
			} else {
				fputs("\\ufffd", f);
			}
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Separator, indentation and "key": before any value. */
static void member(gb_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		j->first[j->depth] = 0;
		indent(j);
	}
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_(gb_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < (int)sizeof j->first - 1)
		j->depth++;
	j->first[j->depth] = 1;
}

static void close_(gb_json *j, char c)
{
	int empty = j->first[j->depth];
	j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void gb_json_obj_begin(gb_json *j, const char *key) { open_(j, key, '{'); }
void gb_json_obj_end(gb_json *j) { close_(j, '}'); }
void gb_json_arr_begin(gb_json *j, const char *key) { open_(j, key, '['); }
void gb_json_arr_end(gb_json *j) { close_(j, ']'); }

void gb_json_str(gb_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		put_string(j->f, val);
	else
		fputs("null", j->f);
}

void gb_json_num(gb_json *j, const char *key, double val)
{
	member(j, key);
	if (!isfinite(val)) {
		fputs("null", j->f);
		return;
	}
	char buf[40];
	gb_fmt_double(buf, sizeof buf, val);
	fputs(buf, j->f);
}

void gb_json_int(gb_json *j, const char *key, long long val)
{
	member(j, key);
	fprintf(j->f, "%lld", val);
}

void gb_json_bool(gb_json *j, const char *key, int val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void gb_json_null(gb_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void gb_json_end(gb_json *j)
{
	fputc('\n', j->f);
}
