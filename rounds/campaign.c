/* campaign.c - the guestbench-campaign/1 document (docs/json.md).
 *
 * Written after every launch, not only at the end: a campaign takes
 * hours, and one stopped by a reboot, a Ctrl-C or a full disk keeps the
 * launches it made ("complete": false).  Each write is whole - a
 * temporary file renamed over the last - so a reader never sees half a
 * document.  The launches' documents are written through common/json as
 * they came (doc.c), numbers unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "rounds.h"
#include "util.h"

void rd_print(const rd_campaign *c, int complete, FILE *f)
{
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
		gb_json_str(&j, NULL, c->benches[i].applet->name);
	gb_json_arr_end(&j);
	gb_json_bool(&j, "quick", c->quick);
	gb_json_num(&j, "timeout", c->timeout);
	gb_json_obj_begin(&j, "args");	/* every launch's words after BENCH, by benchmark */
	for (int i = 0; i < c->nbenches; i++) {
		const rd_bench *b = &c->benches[i];
		gb_json_arr_begin(&j, b->applet->name);
		if (c->quick)
			gb_json_str(&j, NULL, "--quick");
		for (int k = 0; k < b->nuser; k++)
			gb_json_str(&j, NULL, b->user[k]);
		for (int k = 0; k < b->nresolved; k++)
			gb_json_str(&j, NULL, b->resolved[k]);
		gb_json_arr_end(&j);
	}
	gb_json_obj_end(&j);
	gb_json_put(&j, "resolved_config", c->resolved);
	gb_json_put(&j, "plans", c->plans);
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
	gb_json_put(&j, "launches", c->launches);
	gb_json_put(&j, "warnings", c->warnings);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

int rd_write(const rd_campaign *c, int complete)
{
	if (strcmp(c->output, "-") == 0) {
		if (!complete)
			return 0;	/* stdout takes one document: the last */
		rd_print(c, complete, stdout);
		return fflush(stdout) != 0 || ferror(stdout) ? -1 : 0;
	}
	char *tmp = gb_xasprintf("%s.tmp.%d", c->output, (int)getpid());
	FILE *f = fopen(tmp, "w");
	int bad = !f;
	if (f) {
		rd_print(c, complete, f);
		bad = fflush(f) != 0 || ferror(f);
		bad |= fclose(f) != 0;
	}
	if (bad || rename(tmp, c->output) != 0) {
		gb_err("cannot write %s: %m", c->output);
		unlink(tmp);
		bad = 1;
	}
	free(tmp);
	return bad ? -1 : 0;
}
