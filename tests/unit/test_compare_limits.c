/* test_compare_limits - gb-compare on hostile and huge inputs (issue 15):
 * the size, depth, value-count, metric-count and name-length limits
 * refuse with a message naming the file and what was wrong; pairing many
 * metrics pairs each with its own (the n log n index, checked for
 * correctness, not speed); names with control characters or '|' cannot
 * break a table. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../compare/compare.h"
#include "tap.h"

/* A guestbench/1 document of metrics m<first>..m<first+n-1> (every step-th
 * one), metric i with samples {i, i + 1} times 'scale'. */
static char *doc(const char *label, size_t first, size_t n, size_t step, double scale, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	fprintf(f, "{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"label\":\"%s\",\"results\":[", label);
	for (size_t i = first, k = 0; i < first + n; i += step, k++)
		fprintf(f, "%s{\"name\":\"m%zu\",\"better\":\"lower\",\"samples\":[%g,%g]}", k ? "," : "", i,
			(double)(i + 1) * scale, (double)(i + 2) * scale);
	fprintf(f, "]}");
	fclose(f);
	return buf;
}

static void test_many_metrics(void)
{
	/* base m0..m19999; other m10..m20009 scaled by 2, so m0..m9 are
	 * missing and m20000..m20009 extra */
	const size_t n = 20000;
	size_t la, lb;
	char *a = doc("n", 0, n, 1, 1, &la), *b = doc("o", 10, n, 1, 2, &lb), err[512];
	cmp_env ea, eb;
	int rc = cmp_parse(&ea, "a.json", a, la, err, sizeof err) | cmp_parse(&eb, "b.json", b, lb, err, sizeof err);
	if (ok(rc == 0, "20000-metric documents load (%s)", rc ? err : "ok")) {
		cmp_result r;
		cmp_match(&r, &ea, &eb, 1, 0.05, 0.03);
		const cmp_side *s = &r.side[0];
		is_int((long long)s->np, (long long)(n - 10), "19990 pairs");
		is_int((long long)s->missing.n, 10, "10 missing");
		is_int((long long)s->extra.n, 10, "10 extra");
		size_t right = 0, ordered = 1;
		for (size_t i = 0; i < s->np; i++) {
			const cmp_pair *p = &s->p[i];
			right += strcmp(p->b->name, p->o->name) == 0 && p->ratio == 2;
			if (i && !(atoi(p->b->name + 1) > atoi(s->p[i - 1].b->name + 1)))
				ordered = 0;
		}
		is_int((long long)right, (long long)s->np, "every pair holds the same metric on both sides (ratio 2)");
		ok(ordered, "pairs in the base's document order");
		ok(s->missing.n && strcmp(s->missing.v[0], "b/m0 (o: not in the results)") == 0,
		   "first missing is m0 (%s)", s->missing.n ? s->missing.v[0] : "-");
		ok(s->extra.n && strcmp(s->extra.v[9], "b/m20009 (n: not in the results)") == 0,
		   "last extra is m20009 (%s)", s->extra.n ? s->extra.v[9] : "-");
		cmp_result_free(&r);
	}
	cmp_env_free(&ea);
	cmp_env_free(&eb);
	free(a);
	free(b);

	/* a duplicate among many is still found, and names that sort
	 * together without being equal are not taken for one */
	char *d = doc("n", 0, 5000, 1, 1, &la);
	char *t = gb_xasprintf("%.*s,{\"name\":\"m0012\",\"better\":\"lower\"}]}", (int)(la - 2), d);
	rc = cmp_parse(&ea, "d.json", t, strlen(t), err, sizeof err);
	ok(rc == 0, "m0012 beside m12 is no duplicate (%s)", rc ? err : "ok");
	cmp_env_free(&ea);
	free(t);
	t = gb_xasprintf("%.*s,{\"name\":\"m3\",\"better\":\"lower\"}]}", (int)(la - 2), d);
	rc = cmp_parse(&ea, "d.json", t, strlen(t), err, sizeof err);
	ok(rc < 0 && strstr(err, "metric \"m3\" appears twice"), "duplicate among 5000 found (%s)", err);
	cmp_env_free(&ea);
	free(t);
	free(d);
}

static void test_refusals(void)
{
	char err[512];
	cmp_env e;
	size_t len;

	/* too many metrics: one past the limit */
	char *d = doc("n", 0, CMP_MAX_METRICS + 1, 1, 1, &len);
	int rc = cmp_parse(&e, "big.json", d, len, err, sizeof err);
	ok(rc < 0 && strstr(err, "big.json: more than 100000 results"), "too many metrics refused (%s)", err);
	cmp_env_free(&e);
	free(d);

	/* too deep: 65 levels of arrays in config */
	char deep[400];
	int k = snprintf(deep, sizeof deep, "{\"schema\":\"guestbench/1\",\"config\":");
	for (int i = 0; i < 64; i++)
		deep[k++] = '[';
	for (int i = 0; i < 64; i++)
		deep[k++] = ']';
	deep[k++] = '}';
	deep[k] = 0;
	rc = cmp_parse(&e, "deep.json", deep, strlen(deep), err, sizeof err);
	ok(rc < 0 && strstr(err, "deep.json:1: nested more than 64 deep"), "65 levels refused (%s)", err);
	cmp_env_free(&e);
	/* brackets inside strings are text, not nesting */
	char str[400];
	snprintf(str, sizeof str, "{\"schema\":\"guestbench/1\",\"bench\":\"%.*s\\\"[[\",\"results\":[]}", 120,
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	rc = cmp_parse(&e, "str.json", str, strlen(str), err, sizeof err);
	ok(rc == 0, "brackets and escaped quotes inside a string do not count (%s)", rc ? err : "ok");
	cmp_env_free(&e);

	/* too many values, refused before the parser sees them */
	size_t n = CMP_MAX_VALUES + 1;
	char *many = malloc(2 * n + 2);
	many[0] = '[';
	for (size_t i = 0; i < n; i++)
		many[1 + 2 * i] = '0', many[2 + 2 * i] = ',';
	many[2 * n] = ']';
	many[2 * n + 1] = 0;
	rc = cmp_parse(&e, "values.json", many, 2 * n + 1, err, sizeof err);
	ok(rc < 0 && strstr(err, "values.json:1: more than 8388608 JSON values"), "too many values refused (%s)", err);
	cmp_env_free(&e);
	free(many);

	/* names and reasons longer than the limits */
	char big[2048];
	memset(big, 'x', sizeof big);
	big[sizeof big - 1] = 0;
	char *t = gb_xasprintf("{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"results\":[{\"name\":\"%.257s\","
			       "\"better\":\"lower\"}]}", big);
	rc = cmp_parse(&e, "n.json", t, strlen(t), err, sizeof err);
	ok(rc < 0 && strstr(err, "longer than 256 bytes (at the top.results[0])"), "257-byte name refused (%s)", err);
	cmp_env_free(&e);
	free(t);
	t = gb_xasprintf("{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"results\":[{\"name\":\"%.256s\","
			 "\"better\":\"lower\"}]}", big);
	rc = cmp_parse(&e, "n.json", t, strlen(t), err, sizeof err);
	ok(rc == 0, "256-byte name accepted (%s)", rc ? err : "ok");
	cmp_env_free(&e);
	free(t);
	t = gb_xasprintf("{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"results\":[],\"unavailable\":[{\"name\":"
			 "\"m\",\"reason\":\"%.1025s\"}]}", big);
	rc = cmp_parse(&e, "r.json", t, strlen(t), err, sizeof err);
	ok(rc < 0 && strstr(err, "reason longer than 1024 bytes (at the top.unavailable[0])"),
	   "1025-byte reason refused (%s)", err);
	cmp_env_free(&e);
	free(t);
	t = gb_xasprintf("{\"schema\":\"guestbench-suite/1\",\"label\":\"%.257s\",\"runs\":[]}", big);
	rc = cmp_parse(&e, "l.json", t, strlen(t), err, sizeof err);
	ok(rc < 0 && strstr(err, "l.json: \"label\" longer than 256 bytes"), "257-byte label refused (%s)", err);
	cmp_env_free(&e);
	free(t);
}

static void test_files(void)
{
	char err[512];
	size_t len;
	char dir[] = "/tmp/gb-cmp-limits-XXXXXX";
	if (!ok(mkdtemp(dir) != NULL, "temporary directory"))
		return;
	ok(cmp_read_input(dir, &len, err, sizeof err) == NULL && strstr(err, "is a directory"),
	   "a directory is refused (%s)", err);
	char *path = gb_xasprintf("%s/sparse.json", dir);
	FILE *f = fopen(path, "w");
	int made = f && ftruncate(fileno(f), (off_t)CMP_MAX_FILE + 1) == 0;
	if (f)
		fclose(f);
	if (ok(made, "a sparse file one byte over the limit")) {
		ok(cmp_read_input(path, &len, err, sizeof err) == NULL && strstr(err, "268435457 bytes, more than"),
		   "refused by its size before reading (%s)", err);
	}
	unlink(path);
	free(path);
	rmdir(dir);
	/* a device with no end stops at the cap */
	char *buf = cmp_read_input("/dev/zero", &len, err, sizeof err);
	ok(buf == NULL && strstr(err, "/dev/zero: more than 256 MiB"), "/dev/zero stops at the cap (%s)", err);
	free(buf);
	buf = cmp_read_input("/dev/null", &len, err, sizeof err);
	ok(buf && len == 0, "/dev/null reads as empty");
	free(buf);

	/* the reader under it (common/util.c): at most max + 1 bytes */
	int fd[2];
	if (ok(pipe(fd) == 0, "a pipe")) {
		char data[100];
		memset(data, 'a', sizeof data);
		ok(write(fd[1], data, sizeof data) == 100, "100 bytes in it");
		close(fd[1]);
		buf = gb_read_fd(fd[0], 10, &len);
		ok(buf && len == 11 && buf[11] == 0, "gb_read_fd(max 10) stops at 11 bytes, NUL-terminated (%zu)", len);
		free(buf);
		buf = gb_read_fd(fd[0], 1000, &len);
		ok(buf && len == 89, "and the rest is still there to read (%zu)", len);
		free(buf);
		close(fd[0]);
	}
}

static void test_clip(void)
{
	char out[64];
	cmp_clip(out, sizeof out, "a\x1b[2Jb\nc|d", 0);
	is_str(out, "a?[2Jb?c|d", "table: control characters replaced");
	cmp_clip(out, sizeof out, "a|b", 1);
	is_str(out, "a\\|b", "markdown: | escaped");
	size_t used = cmp_clip(out, 5, "ab\xc3\xa9\xc3\xa9", 0);
	is_str(out, "ab\xc3\xa9", "cut between UTF-8 characters, never inside one");
	is_int((long long)used, 4, "and says how much of the input it used");
}

int main(void)
{
	test_many_metrics();
	test_refusals();
	test_files();
	test_clip();
	return tap_done();
}
