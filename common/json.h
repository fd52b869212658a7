/* json.h - a small streaming JSON writer.
 *
 * Results are written, never read, by the benchmarks, so a writer that
 * escapes strings correctly, prints numbers so they read back exactly and
 * turns NaN/inf into null is all that is needed here (gb-compare and the
 * tests parse with jansson). */
#ifndef GB_JSON_H
#define GB_JSON_H

#include <stdio.h>

typedef struct gb_json {
	FILE *f;
	int pretty;
	int depth;
	unsigned char first[64];	/* per level: no member written yet */
} gb_json;

void gb_json_init(gb_json *j, FILE *f, int pretty);
/* 'key' names the member inside an object; pass NULL inside arrays and
 * for the top-level value. */
void gb_json_obj_begin(gb_json *j, const char *key);
void gb_json_obj_end(gb_json *j);
void gb_json_arr_begin(gb_json *j, const char *key);
void gb_json_arr_end(gb_json *j);
void gb_json_str(gb_json *j, const char *key, const char *val);	/* NULL -> null */
void gb_json_num(gb_json *j, const char *key, double val);	/* non-finite -> null */
void gb_json_int(gb_json *j, const char *key, long long val);
void gb_json_bool(gb_json *j, const char *key, int val);
void gb_json_null(gb_json *j, const char *key);
void gb_json_end(gb_json *j);	/* final newline */


#endif
