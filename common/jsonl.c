/* jsonl.c - one compact JSON line per metric (see jsonl.h, docs/json.md). */
#include "jsonl.h"

#include <math.h>
#include <string.h>

#include "json.h"
#include "topo.h"
#include "util.h"

/* The layer a loader filters on first: the innermost one the fingerprint
 * names.  A container in a VM is a container (its cost is measured from
 * inside it); the raw runtime and hypervisor are labels beside it. */
static const char *environment_of(const gb_env *e)
{
	if (e->gvisor == 1)
		return "gvisor";
	if (strcmp(e->container, "none") != 0 && strcmp(e->container, "unknown") != 0)
		return "container";
	if (strcmp(e->hypervisor, "none") != 0 && strcmp(e->hypervisor, "unknown") != 0)
		return "vm";
	if (strcmp(e->container, "unknown") == 0 || strcmp(e->hypervisor, "unknown") == 0)
		return "unknown";
	return "native";
}

void gb_jsonl_labels_of(gb_jsonl_labels *l, const gb_env *e, const char *label)
{
	memset(l, 0, sizeof *l);
	l->label = label;
	l->version = GB_VERSION;
	l->environment = environment_of(e);
	l->container = e->container;
	l->hypervisor = e->hypervisor;
	l->cpu_model = e->isa ? e->isa->brand : NULL;
	l->kernel = e->kernel;
	l->arch = e->arch;
	l->cpus = e->eff ? e->eff->ncpus : 0;
	l->cpu_quota = e->cgroup.cpu_quota > 0 ? e->cgroup.cpu_quota : NAN;
}

void gb_jsonl_write(FILE *f, const gb_jsonl_labels *l, const gb_jsonl_metric *m)
{
	gb_json j;
	gb_json_init(&j, f, 0);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "schema", "guestbench-metric/1");
	gb_json_str(&j, "timestamp", m->timestamp);
	gb_json_str(&j, "bench", m->bench);
	gb_json_str(&j, "name", m->name);
	gb_json_num(&j, "value", m->median);
	gb_json_str(&j, "stat", "median");
	gb_json_str(&j, "unit", m->unit);
	gb_json_str(&j, "better", m->lower ? "lower" : "higher");
	gb_json_int(&j, "n", m->n);
	gb_json_num(&j, "mean", m->mean);
	gb_json_num(&j, "cv", m->cv);
	gb_json_bool(&j, "valid", m->valid);
	gb_json_obj_begin(&j, "labels");
	gb_json_str(&j, "label", l->label);
	gb_json_str(&j, "version", l->version);
	gb_json_str(&j, "environment", l->environment);
	gb_json_str(&j, "container", l->container);
	gb_json_str(&j, "hypervisor", l->hypervisor);
	gb_json_str(&j, "cpu_model", l->cpu_model);
	gb_json_str(&j, "kernel", l->kernel);
	gb_json_str(&j, "arch", l->arch);
	if (l->cpus > 0)
		gb_json_int(&j, "cpus", l->cpus);
	else
		gb_json_null(&j, "cpus");
	gb_json_num(&j, "cpu_quota", l->cpu_quota);
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}
