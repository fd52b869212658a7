/* cmdline.c - what the kernel command line asks of guestbench's init.
 *
 * The kernel keeps double quotes in /proc/cmdline and passes parameters
 * with a dot in their name to nobody (they look like module options), so
 * init reads /proc/cmdline itself rather than its argv or environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"
#include "parse.h"
#include "util.h"

/* guestbench.timeout's largest value, seconds (the suite's --timeout
 * bound): init waits in poll(), whose timeout is an int of milliseconds
 * (24.8 days at most), and inf or 1e300 would become 0 there - PID 1
 * spinning a CPU for the whole run. */
#define MAX_TIMEOUT 1000000

/* Copy the next blank-separated word of *p into out, removing the quote
 * characters 'q' and keeping blanks inside them; *p moves past it.
 * Returns 1 for a word, 0 at the end, -1 for an unterminated quote. */
static int next_word(const char **p, char q, char *out)
{
	const char *s = *p;
	int quoted = 0;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return 0;
	for (; *s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n')); s++) {
		if (*s == q)
			quoted = !quoted;
		else
			*out++ = *s;
	}
	*out = 0;
	*p = s;
	return quoted ? -1 : 1;
}

static int split_run(init_conf *c, const char *value, char *why, size_t len)
{
	size_t n = strlen(value) + 1;
	char *w = c->words = gb_xmalloc(2 * n);	/* words and their NULs fit */
	const char *p = value;
	int r;
	c->argc = 0;
	while ((r = next_word(&p, '\'', w)) == 1) {
		if (c->argc == GB_INIT_MAX_ARGS) {
			snprintf(why, len, "guestbench.run has more than %d words", GB_INIT_MAX_ARGS);
			return -1;
		}
		c->argv[c->argc++] = w;
		w += strlen(w) + 1;
	}
	c->argv[c->argc] = NULL;
	if (r < 0) {
		snprintf(why, len, "guestbench.run has an unterminated single quote: %s", value);
		return -1;
	}
	if (c->argc == 0) {
		snprintf(why, len, "guestbench.run is empty");
		return -1;
	}
	return 0;
}

/* A string parameter: copied, or refused when it does not fit. */
static int set_str(char *dst, size_t size, const char *key, const char *v, char *why, size_t len)
{
	if (strlen(v) >= size) {
		snprintf(why, len, "%s is too long (at most %zu characters)", key, size - 1);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

int init_parse(const char *cmdline, init_conf *c, char *why, size_t len)
{
	char *word = gb_xmalloc(strlen(cmdline) + 1);
	const char *p = cmdline, *run = GB_INIT_DEFAULT_RUN;
	char *run_copy = NULL;
	int r, rc = 0;

	memset(c, 0, sizeof *c);
	strcpy(c->dev, "eth0");
	strcpy(c->shutdown, "poweroff");
	while (rc == 0 && (r = next_word(&p, '"', word)) == 1) {
		char *eq = strchr(word, '=');
		if (strncmp(word, "guestbench.", 11) != 0 || !eq)
			continue;	/* the kernel's, or another program's */
		*eq = 0;
		const char *key = word, *v = eq + 1;
		if (strcmp(key, "guestbench.run") == 0) {
			free(run_copy);
			run = run_copy = gb_xstrdup(v);
		} else if (strcmp(key, "guestbench.ip") == 0) {
			rc = set_str(c->ip, sizeof c->ip, key, v, why, len);
		} else if (strcmp(key, "guestbench.gw") == 0) {
			rc = set_str(c->gw, sizeof c->gw, key, v, why, len);
		} else if (strcmp(key, "guestbench.dev") == 0) {
			rc = set_str(c->dev, sizeof c->dev, key, v, why, len);
		} else if (strcmp(key, "guestbench.timeout") == 0) {
			if (gb_parse_double(v, &c->timeout) != 0 || !(c->timeout >= 0 && c->timeout <= MAX_TIMEOUT)) {
				snprintf(why, len, "guestbench.timeout=%s: expected seconds from 0 (none) to %d", v,
					 MAX_TIMEOUT);
				rc = -1;
			}
		} else if (strcmp(key, "guestbench.shutdown") == 0) {
			if (strcmp(v, "poweroff") && strcmp(v, "reboot") && strcmp(v, "halt")) {
				snprintf(why, len, "guestbench.shutdown=%s: expected poweroff, reboot or halt", v);
				rc = -1;
			} else {
				strcpy(c->shutdown, v);
			}
		} else {
			snprintf(why, len, "unknown parameter %s (known: guestbench.run, .ip, .gw, .dev, "
				 ".timeout, .shutdown)", key);
			rc = -1;
		}
	}
	if (rc == 0 && r < 0) {
		snprintf(why, len, "the kernel command line has an unterminated double quote");
		rc = -1;
	}
	if (rc == 0)
		rc = split_run(c, run, why, len);
	free(run_copy);
	free(word);
	return rc;
}
