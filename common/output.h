/* output.h - the one way every binary writes a result file (-o FILE).
 *
 * Rules (the hardening issue's, kept here next to the code that keeps them):
 *  - the format is --format when given, else the file's extension, else a
 *    default: the same -o name gives the same format from every binary;
 *  - a regular file is written whole or not at all: a temporary file made
 *    with mkstemp beside it (a name nobody can plant a symlink at, nor
 *    collide with after a killed run), fsync, rename over the target;
 *  - a symlink to a regular file replaces its target, never the link;
 *  - a FIFO, a character device (/dev/stdout, /dev/null) or "-" is written
 *    through, never replaced;
 *  - SIGINT/SIGTERM/SIGHUP are held while the temporary file exists, so a
 *    signal can never leave one behind (it acts right after);
 *  - a directory, a missing or unwritable folder is refused before
 *    anything runs (gb_output_check: exit 2).
 */
#ifndef GB_OUTPUT_H
#define GB_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

/* Render a document to f.  The document type is the caller's. */
typedef void (*gb_render_fn)(const void *doc, FILE *f);

/* One row of a binary's format table: --format NAME, extensions, renderer. */
typedef struct gb_format {
	const char *name;	/* "json" */
	const char *ext;	/* ".json" (a second one in ext2, may be NULL) */
	const char *ext2;
	gb_render_fn render;
} gb_format;

/* Where -o goes and how: what a report needs, without the parser. */
typedef struct gb_output {
	const char *path;	/* NULL: no file; "-": stdout */
	const gb_format *fmt;
} gb_output;

/*
 * The format of -o FILE: 'given' (--format, NULL when not given) if set,
 * else the one whose extension ends 'path', else 'def'.  Returns NULL only
 * when 'given' names no row (the parser already refuses that).
 */
const gb_format *gb_format_pick(const gb_format *tab, size_t n, const char *given,
				const char *path, const gb_format *def);

/* Find a row by name; NULL if none. */
const gb_format *gb_format_find(const gb_format *tab, size_t n, const char *name);

/*
 * Can 'path' be written as an output?  Called before anything runs.
 * 0, or -1 with a message in msg naming the path and what is wrong (a
 * directory, a missing folder, a folder without write permission, a
 * dangling symlink).  "-" and NULL are fine.
 */
int gb_output_check(const char *path, char *msg, size_t len);

/*
 * Write one document to 'path' by the rules above ("-" = stdout).
 * Returns 0, or -1 with errno set and nothing changed at 'path'.
 */
int gb_output_write(const char *path, gb_render_fn render, const void *doc);

/*
 * What every binary does with its result, by one rule: 'tab' is its
 * format table, tab[0] the human table.
 *   no -o       stdout gets --format (else the table), unless quiet
 *   -o -        stdout gets the document: --format, else "json"
 *   -o FILE     FILE gets --format, else its extension's, else the table;
 *               stdout still gets the table, unless quiet
 * 'given' is --format as given (NULL when not).  Returns 0, or -1 after
 * an error message (the file or stdout could not be written).
 */
int gb_output_emit(const gb_format *tab, size_t n, const char *given, const char *path, int quiet,
		   const void *doc);

#endif
