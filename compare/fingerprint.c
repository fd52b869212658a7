/* fingerprint.c - environment differences that move results.
 *
 * Each line names a fingerprint member that the studies found to change
 * figures by itself, so that a reader does not blame the isolation layer
 * for what a kernel setting did (e.g. THP "never" in a guest halves
 * GUPS; a seccomp filter adds to every system call; a clocksource without
 * vDSO makes every timestamp a system call; OpenBLAS picking its
 * Prescott kernels on an unknown CPU costs 5x in Linpack). */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *path;	/* dotted path under env */
	const char *what;
	const char *why;
} probes[] = {
	{ "kernel.thp_enabled", "THP", "moves STREAM, RandomAccess and page-walk latency" },
	{ "kernel.clocksource", "clocksource", "hpet/acpi_pm/xen make every timestamp a system call" },
	{ "kernel.seccomp", "seccomp", "a filter adds to the cost of every system call" },
	{ "kernel.mitigations", "CPU mitigations", "move system-call and context-switch costs" },
	{ "cpu.model", "CPU model", "a different CPU, not only a different layer" },
	{ "cpu.isa_best", "ISA level", "kernels run with other instruction sets (a hidden AVX)" },
	{ "virtualization.hypervisor", "hypervisor", "expected when VM vs native is what you compare" },
	{ "container.runtime", "container", "expected when containers are what you compare" },
	{ "container.gvisor", "gVisor", "system calls are served by the Sentry" },
	{ "effective.cpus", "effective CPUs", "default thread counts and sizes follow them" },
};

static json_t *get_path(json_t *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t k = strcspn(path, ".");
		if (k >= sizeof key)
			return NULL;
		memcpy(key, path, k);
		key[k] = 0;
		o = json_is_object(o) ? json_object_get(o, key) : NULL;
		path += k + (path[k] == '.');
	}
	return o;
}

/* A value as short text: strings bare, the rest as JSON. */
static char *text(const json_t *v)
{
	if (!v)
		return gb_xstrdup("(absent)");
	if (json_is_string(v))
		return gb_xstrdup(json_string_value(v));
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	char *r = gb_xstrdup(s ? s : "?");
	free(s);
	return r;
}

static json_t *blas_core(const cmp_env *e)
{
	for (size_t i = 0; i < e->nruns; i++)
		if (strcmp(e->runs[i].bench, "linpack") == 0)
			return e->runs[i].config ? json_object_get(e->runs[i].config, "blas_core_used") : NULL;
	return NULL;
}

static void diff(gb_strlist *out, const cmp_env *base, const cmp_env *other, const char *what,
		 json_t *a, json_t *b, const char *why)
{
	if (!a && !b)
		return;
	if (a && b && json_equal(a, b))
		return;
	char *ta = text(a), *tb = text(b);
	gb_strlist_addf(out, "%s differs: %s (%s) vs %s (%s): %s", what, ta, base->label, tb, other->label, why);
	free(ta);
	free(tb);
}

void cmp_fingerprint_diff(const cmp_env *base, const cmp_env *other, gb_strlist *out)
{
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
		diff(out, base, other, probes[i].what, get_path(base->env, probes[i].path),
		     get_path(other->env, probes[i].path), probes[i].why);
	/* only when both ran linpack: a missing run is reported elsewhere */
	json_t *a = blas_core(base), *b = blas_core(other);
	if (a && b)
		diff(out, base, other, "BLAS core (linpack config.blas_core_used)", a, b,
		     "OpenBLAS kernels differ: Gflop/s compare kernels, not layers");
}
