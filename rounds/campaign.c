/* campaign.c - the guestbench-campaign/1 document (docs/json.md).
 *
 * Written after every launch, not only at the end: a campaign takes
 * hours, and one stopped by a reboot, a Ctrl-C or a full disk keeps the
 * launches it made ("complete": false).  Each write is whole
 * (common/output), so a reader never sees half a document.  The
 * launches' documents are written through common/json as they came
 * (suite/doc.c), numbers unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "output.h"
#include "rounds.h"
#include "util.h"

static void render_json(const void *doc, FILE *f)
{
	const rd_campaign *c = doc;
	int complete = c->complete;
	gb_json j;
	gb_json_init(&j, f, 1);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "schema", "guestbench-campaign/1");
	gb_json_str(&j, "version", GB_VERSION);
	gb_json_str(&j, "started", c->started);
	gb_json_str(&j, "finished", complete ? c->finished : NULL);
	gb_json_bool(&j, "complete", complete);

	gb_json_obj_begin(&j, "settings");
	gb_json_int(&j, "rounds", c->rounds);
	gb_json_str(&j, "order", c->order);
	if (strcmp(c->order, "random") == 0)
		gb_json_int(&j, "seed", (long long)c->seed);
	else
		gb_json_null(&j, "seed");
	gb_json_arr_begin(&j, "only");
	for (int i = 0; i < c->nbenches; i++)
		gb_json_str(&j, NULL, c->benches[i].reg->name);
	gb_json_arr_end(&j);
	gb_json_bool(&j, "quick", c->quick);
	gb_json_num(&j, "timeout", c->timeout);
	gb_json_obj_begin(&j, "args");	/* every launch's words after BENCH, by benchmark */
	for (int i = 0; i < c->nbenches; i++) {
		const rd_bench *b = &c->benches[i];
		gb_json_arr_begin(&j, b->reg->name);
		if (c->quick)
			gb_json_str(&j, NULL, "--quick");
		for (int k = 0; k < b->nuser; k++)
			gb_json_str(&j, NULL, b->user[k]);
		for (int k = 0; k < b->nresolved; k++)
			gb_json_str(&j, NULL, b->resolved[k]);
		gb_json_arr_end(&j);
	}
	gb_json_obj_end(&j);
	suite_json_put(&j, "resolved_config", c->resolved);
	suite_json_put(&j, "plans", c->plans);
	gb_json_obj_end(&j);

	gb_json_arr_begin(&j, "envs");
	for (int i = 0; i < c->nenvs; i++) {
		const rd_env *e = &c->envs[i];
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "name", e->name);
		gb_json_str(&j, "command", e->command);
		gb_json_str(&j, "exec", e->shell ? "sh -c" : "direct");
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	suite_json_put(&j, "launches", c->launches);
	suite_json_put(&j, "warnings", c->warnings);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

static void render_table(const void *doc, FILE *f)
{
	rd_table(doc, f);
}

/* The formats (common/output's rule picks one); the first is what a
 * person reads. */
static const gb_format formats[] = {
	{ .name = "table", .ext = ".txt", .render = render_table },
	{ .name = "json", .ext = ".json", .render = render_json },
};
#define NFORMATS (sizeof formats / sizeof formats[0])

void rd_save(const rd_campaign *c)
{
	struct stat st;
	if (!c->output || strcmp(c->output, "-") == 0 || (stat(c->output, &st) == 0 && !S_ISREG(st.st_mode)))
		return;
	const gb_format *f = gb_format_pick(formats, NFORMATS, c->format, c->output, &formats[0]);
	if (gb_output_write(c->output, f->render, c) != 0)
		gb_warnx("cannot write %s: %m (the campaign goes on)", c->output);
}

int rd_emit(const rd_campaign *c)
{
	/* no -o: only with --format json, the document on stdout */
	return gb_output_emit(formats, NFORMATS, c->format, c->output ? c->output : "-", c->quiet, c);
}
