/* envcmd.c - an environment is a command prefix: --env NAME=COMMAND.
 *
 * COMMAND is split into words the way a shell would for quoting only
 * ('...', "...", \x) and executed directly - no shell between guestbench
 * and the environment, so nothing is expanded twice and a timeout kills
 * the launcher itself.  A command that holds syntax only a shell
 * understands ($VAR, $(...), pipes, ;, &&, redirections, globs, a leading
 * VAR=value) is run as /bin/sh -c COMMAND instead, with the benchmark's
 * words quoted for that shell.
 *
 * The benchmark's words (BENCH ... -o -) are appended, or put where the
 * command says {args}: a word that is exactly {args} becomes the words
 * themselves; {args} inside a longer word (a remote command for ssh,
 * 'cd /gb && ./guestbench {args}') or in a shell command becomes the words
 * quoted for a shell and joined by spaces. */
#include <stdlib.h>
#include <string.h>

#include "rounds.h"
#include "util.h"

#define ARGS_MARK "{args}"

void rd_words_free(char **words, int n)
{
	for (int i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

/* Unquoted characters that only a shell gives a meaning to. */
static int shell_char(char ch, int word_start)
{
	if (strchr("|&;<>()$`*?[", ch))
		return 1;
	return word_start && (ch == '#' || ch == '~');
}

int rd_split(const char *text, char ***out, int *shell, char *msg, size_t len)
{
	size_t tl = strlen(text);
	char *buf = gb_xmalloc(tl + 1);
	char **w = NULL;
	size_t cap = 0;
	int n = 0;
	const char *p = text;

	*shell = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		size_t k = 0;
		int start = 1, eq_unquoted = 0, slash = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			char ch = *p++;
			if (ch == '\'') {
				const char *e = strchr(p, '\'');
				if (!e)
					goto unterminated;
				memcpy(buf + k, p, (size_t)(e - p));
				k += (size_t)(e - p);
				p = e + 1;
			} else if (ch == '"') {
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					else if (*p == '$' || *p == '`')
						*shell = 1;	/* expansion inside "..." */
					buf[k++] = *p++;
				}
				if (!*p)
					goto unterminated;
				p++;
			} else if (ch == '\\') {
				if (*p)
					buf[k++] = *p++;
			} else {
				if (shell_char(ch, start))
					*shell = 1;
				if (ch == '=' && !slash)
					eq_unquoted = 1;
				if (ch == '/')
					slash = 1;
				buf[k++] = ch;
			}
			start = 0;
		}
		/* VAR=value cmd: an assignment only a shell makes */
		if (n == 0 && eq_unquoted)
			*shell = 1;
		buf[k] = 0;
		w = gb_grow(w, (size_t)n, &cap, sizeof *w);
		w[n++] = gb_xstrdup(buf);
	}
	free(buf);
	*out = w;
	return n;
unterminated:
	snprintf(msg, len, "unterminated quote in '%s'", text);
	free(buf);
	rd_words_free(w, n);
	*out = NULL;
	return -1;
}

/* Is c a letter, digit or one of the characters a shell leaves alone? */
static int plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_./:=,+-@%", c);
}

/* Append word to s (a malloc'd string), quoted for a POSIX shell. */
static char *append_quoted(char *s, const char *word)
{
	size_t n = strlen(s), need = n + 4 * strlen(word) + 4;
	s = gb_xrealloc(s, need);
	char *o = s + n;
	int bare = *word != 0;
	for (const char *q = word; *q; q++)
		bare &= plain(*q);
	if (bare) {
		strcpy(o, word);
		return s;
	}
	*o++ = '\'';
	for (const char *q = word; *q; q++) {
		if (*q == '\'') {
			memcpy(o, "'\\''", 4);	/* end the quote, an escaped ', reopen */
			o += 4;
		} else {
			*o++ = *q;
		}
	}
	*o++ = '\'';
	*o = 0;
	return s;
}

static char *joined(char *const words[], int n)
{
	char *s = gb_xstrdup("");
	for (int i = 0; i < n; i++) {
		if (i) {
			s = gb_xrealloc(s, strlen(s) + 2);
			strcat(s, " ");
		}
		s = append_quoted(s, words[i]);
	}
	return s;
}

/* text with its first {args} replaced by 'with', or with ' ' + 'with'
 * appended when it has none. */
static char *substitute(const char *text, const char *with)
{
	const char *m = strstr(text, ARGS_MARK);
	if (!m)
		return gb_xasprintf("%s %s", text, with);
	return gb_xasprintf("%.*s%s%s", (int)(m - text), text, with, m + strlen(ARGS_MARK));
}

int rd_env_parse(rd_env *e, const char *arg, char *msg, size_t len)
{
	const char *eq = strchr(arg, '=');
	memset(e, 0, sizeof *e);
	if (!eq || eq == arg) {
		snprintf(msg, len, "NAME=COMMAND, e.g. native=bin/guestbench or runc='runc exec ID /guestbench'");
		return -1;
	}
	/* the name becomes every launch's --label: the benchmarks' rule */
	size_t n = (size_t)(eq - arg);
	if (n > 64 || strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") < n ||
	    arg[0] == '.' || arg[0] == '-') {
		snprintf(msg, len, "NAME=COMMAND with NAME 1 to 64 of letters, digits, '.', '_', '+', '-', "
			 "not starting with '.' or '-' (it becomes the launches' --label)");
		return -1;
	}
	e->name = gb_xasprintf("%.*s", (int)n, arg);
	e->command = eq + 1;
	e->nwords = rd_split(e->command, &e->words, &e->shell, msg, len);
	if (e->nwords <= 0) {
		if (e->nwords == 0)
			snprintf(msg, len, "NAME=COMMAND: the command of %s is empty", e->name);
		free((char *)e->name);
		e->name = NULL;
		return -1;
	}
	/* suite_child_run searches $PATH for a name without a '/' */
	gb_strlcpy(e->path, e->shell ? "/bin/sh" : e->words[0], sizeof e->path);
	return 0;
}

char **rd_argv(const rd_env *e, char *const words[], int nwords)
{
	char **argv = gb_xcalloc((size_t)(e->nwords + nwords + 4), sizeof *argv);
	int n = 0;
	char *q = joined(words, nwords);
	if (e->shell) {
		argv[n++] = gb_xstrdup("sh");
		argv[n++] = gb_xstrdup("-c");
		argv[n++] = substitute(e->command, q);
	} else {
		int placed = 0;
		for (int i = 0; i < e->nwords; i++) {
			if (!placed && strcmp(e->words[i], ARGS_MARK) == 0) {
				for (int k = 0; k < nwords; k++)
					argv[n++] = gb_xstrdup(words[k]);
				placed = 1;
			} else if (!placed && strstr(e->words[i], ARGS_MARK)) {
				argv[n++] = substitute(e->words[i], q);
				placed = 1;
			} else {
				argv[n++] = gb_xstrdup(e->words[i]);
			}
		}
		if (!placed)
			for (int k = 0; k < nwords; k++)
				argv[n++] = gb_xstrdup(words[k]);
	}
	argv[n] = NULL;
	free(q);
	return argv;
}

void rd_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}
