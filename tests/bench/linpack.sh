#!/usr/bin/env bash
# gb-linpack: the JSON contract, validation (residual, singular matrix),
# the OpenBLAS core choice and its re-execution, refusals, exit statuses.
# Small N only: speed is never asserted.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-linpack
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the tests decide the core type themselves; an inherited one is tested below
unset OPENBLAS_CORETYPE GB_LINPACK_REEXEC GB_ISA

# --- a quick run, JSON to a file, table on stdout
"$B" --quick --label ci -o "$tmp/q.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick -o FILE.json exits 0"
check "the file is JSON" jget "$tmp/q.json"
is "$(jget "$tmp/q.json" schema)" "guestbench/1" "schema"
is "$(jget "$tmp/q.json" bench)" "linpack" "bench"
is "$(jget "$tmp/q.json" valid)" "true" "valid"
for key in version started env config results unavailable warnings invalid_reasons env.cpu.flags \
	config.n config.n_source config.threads config.repeat config.time_limit config.blas_core \
	config.blas_core_library config.blas_core_used config.blas_core_reason config.blas_reexec \
	config.isa_flags config.isa_level config.isa_tier config.openblas_config config.residual_threshold \
	config.pages_used config.numa_used config.nb \
	'results[name=gflops].unit' 'results[name=gflops].median' 'results[name=gflops].samples' \
	'results[name=gflops].n' 'results[name=gflops].scaled_residual' 'results[name=gflops].seconds'; do
	jget "$tmp/q.json" "$key" >/dev/null
	ok $? "key $key present"
done
n=$(jget "$tmp/q.json" config.n)
[ "$n" -ge 500 ] && [ "$n" -le 2000 ]; ok $? "--quick: N about 2000 ($n)"
is "$(jget "$tmp/q.json" 'results[name=gflops].unit')" "Gflop/s" "unit Gflop/s"
is "$(jget "$tmp/q.json" 'results[name=gflops].better')" "higher" "higher is better"
is "$(jget "$tmp/q.json" 'results[name=gflops].n')" "3" "--quick keeps 3 samples"
is "$(jget "$tmp/q.json" config.threads)" "$(jget "$tmp/q.json" env.effective.cpus)" "threads = effective CPUs"
res=$(jget "$tmp/q.json" 'results[name=gflops].scaled_residual')
awk -v r="$res" 'BEGIN { exit !(r > 0 && r < 16) }'; ok $? "scaled residual in (0, 16): $res"
jget "$tmp/q.json" 'results[name=peak_gflops]' >/dev/null 2>&1
ok $((!$?)) "--quick: no dgemm peak by default"
grep -q "^gflops " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "summary table on stdout"
[ ! -s "$tmp/err.txt" ]; ok $? "nothing on stderr when all is well (not a terminal)"
[ -s "$tmp/err.txt" ] && sed 's/^/#   /' "$tmp/err.txt" | head -5

# --- a sweep, the peak, the efficiency
"$B" --quick --n 200,320 -r 2 --warmup 0 --peak --format json >"$tmp/s.json" 2>"$tmp/err.txt"
ok $? "--n 200,320 --peak runs"
is "$(jget "$tmp/s.json" config.n)" "200,320" "config.n is the sweep"
is "$(jget "$tmp/s.json" 'results[name=gflops].n')" "2" "-r 2 --warmup 0: 2 samples"
is "$(jget "$tmp/s.json" 'results[name=gflops_200].unit')" "Gflop/s" "smaller N of a sweep: gflops_200"
is "$(jget "$tmp/s.json" 'results[name=gflops].order')" "320" "gflops is the largest N"
jget "$tmp/s.json" 'results[name=peak_gflops].dgemm_n' >/dev/null; ok $? "peak_gflops with its dgemm order"
e=$(jget "$tmp/s.json" 'results[name=efficiency].median')
g=$(jget "$tmp/s.json" 'results[name=gflops].samples[0]')
p=$(jget "$tmp/s.json" 'results[name=peak_gflops].best')
e0=$(jget "$tmp/s.json" 'results[name=efficiency].samples[0]')
awk -v e="$e0" -v g="$g" -v p="$p" 'BEGIN { d = e - g / p; exit !(d < 1e-9 && d > -1e-9) }'
ok $? "efficiency = gflops / best dgemm peak ($e)"
jget "$tmp/s.json" 'results[name=efficiency_200]' >/dev/null; ok $? "efficiency_200 for the sweep"
"$B" --n 300 -r 1 --no-peak --format json >"$tmp/np.json"
jget "$tmp/np.json" 'results[name=peak_gflops]' >/dev/null 2>&1; ok $((!$?)) "--no-peak: no peak"

# --- validation: a singular matrix (test hook) is invalid, exit 1
GB_FAULT=linpack.singular "$B" --no-peak --n 300 -r 2 --format json >"$tmp/sg.json" 2>"$tmp/sg.err"
is "$?" "1" "singular matrix exits 1"
is "$(jget "$tmp/sg.json" valid)" "false" "valid: false"
jget "$tmp/sg.json" 'invalid_reasons[0]' | grep -q "singular: U(300,300) is exactly zero"
ok $? "the reason says singular and names the zero pivot"
grep -q "invalid" "$tmp/sg.err"; ok $? "and stderr says so"
GB_FAULT=stream.singular "$B" --no-peak --n 100 -r 1 -q; is "$?" "0" "another benchmark's fault is not linpack's"

# --- refusals before allocating, usage errors
echo "precious" >"$tmp/keep.json"
"$B" --n 1000000 -o "$tmp/keep.json" 2>"$tmp/e"; is "$?" "3" "N too large for the effective memory exits 3"
grep -q "effective memory" "$tmp/e"; ok $? "and says why"
is "$(cat "$tmp/keep.json")" "precious" "the -o file is untouched"
"$B" --size 1T 2>/dev/null; is "$?" "3" "--size 1T exits 3"
for bad in "--n 0" "--n abc" "--n 100,100" "--n 100," "--blas-core Bogus" "--blas-core Zen" \
	"--peak --no-peak" "--n 100 --size 1M" "--cpus 0" "stray"; do
	# shellcheck disable=SC2086
	"$B" $bad 2>"$tmp/e"; is "$?" "2" "usage error: $bad"
done
"$B" --blas-core Bogus 2>&1 | grep -q "SkylakeX"; ok $? "--blas-core error lists the core types"
"$B" --help | grep -q -- "--blas-core"; ok $? "--help shows --blas-core"

# --- time limit: one sample per N is always kept
"$B" --no-peak --n 200,300 -r 50 --time-limit 1ns --format json >"$tmp/t.json"
is "$(jget "$tmp/t.json" 'results[name=gflops].n')" "1" "--time-limit 1ns keeps one sample"
jget "$tmp/t.json" warnings | grep -q "time-limit cut"; ok $? "and warns"

# --- the core: library, forced, auto (with re-execution), the loop guard
tier=$(jget "$tmp/q.json" config.isa_tier)
case $tier in avx512) best=SkylakeX ;; avx2) best=Haswell ;; avx) best=Sandybridge ;; *) best="" ;; esac
"$B" --no-peak --n 200 -r 1 --blas-core library --format json >"$tmp/l.json"
is "$(jget "$tmp/l.json" config.blas_core_used)" "$(jget "$tmp/l.json" config.blas_core_library)" \
	"--blas-core library runs the library's choice"
is "$(jget "$tmp/l.json" config.blas_reexec)" "false" "... without re-executing"
OPENBLAS_CORETYPE=Prescott "$B" --no-peak --n 200 -r 1 --blas-core Prescott --format json >"$tmp/p.json"
is "$(jget "$tmp/p.json" config.blas_core_used)" "Prescott" "--blas-core Prescott"
if [ -n "$best" ]; then
	OPENBLAS_CORETYPE=Prescott "$B" --no-peak --n 200 -r 1 --format json >"$tmp/a.json" 2>"$tmp/a.err"
	ok $? "auto over an inherited OPENBLAS_CORETYPE=Prescott exits 0"
	is "$(jget "$tmp/a.json" config.blas_core_library)" "Prescott" "library choice reported: Prescott"
	is "$(jget "$tmp/a.json" config.blas_core_used)" "$best" "auto raised it to $best ($tier)"
	is "$(jget "$tmp/a.json" config.blas_reexec)" "true" "by re-executing"
	jget "$tmp/a.json" config.blas_core_reason | grep -q "Prescott.*$best"; ok $? "the reason names both"
	[ ! -s "$tmp/a.err" ]; ok $? "nothing on stderr"
	is "$(jget "$tmp/a.json" valid)" "true" "valid"
	"$B" --no-peak --n 200 -r 1 --blas-core Prescott --format json >"$tmp/f.json"
	is "$(jget "$tmp/f.json" config.blas_core_used)" "Prescott" "--blas-core Prescott re-executes onto Prescott"
	GB_FAULT=linpack.reexec_fail OPENBLAS_CORETYPE=Prescott "$B" --no-peak --n 200 -r 1 --format json >"$tmp/rf.json"
	is "$?" "0" "re-execution failing: still runs"
	is "$(jget "$tmp/rf.json" config.blas_core_used)" "Prescott" "... on the library's kernels"
	jget "$tmp/rf.json" warnings | grep -q "kept the library's core Prescott instead of $best"
	ok $? "... with a warning"
	GB_ISA=baseline "$B" --no-peak --n 200 -r 1 --format json >"$tmp/g.json"
	jget "$tmp/g.json" config.blas_core_used | grep -qE "^(Nehalem|Core2|Prescott)$"
	ok $? "GB_ISA=baseline: an SSE core ($(jget "$tmp/g.json" config.blas_core_used))"
	# a marker from another CPU: the loop guard never executes again
	GB_LINPACK_REEXEC="Prescott;0;Other.1.2.3;execve" OPENBLAS_CORETYPE=Prescott \
		timeout 60 "$B" --no-peak --n 100 -r 1 2>"$tmp/e"
	is "$?" "3" "a re-exec marker from another CPU: exit 3, no exec loop"
	grep -q "another CPU" "$tmp/e"; ok $? "and says why"
	empty() { bwrap --unshare-all --die-with-parent --tmpfs / --ro-bind "$B" /gb-linpack --chdir / "$@"; }
	if command -v bwrap >/dev/null && empty /gb-linpack --version >/dev/null 2>&1; then
		OPENBLAS_CORETYPE=Prescott empty /gb-linpack --no-peak --n 200 -r 1 --format json >"$tmp/b.json"
		ok $? "no /proc (empty root): exits 0"
		is "$(jget "$tmp/b.json" config.blas_core_used)" "$best" "no /proc: re-executed onto $best"
	else
		skip "bubblewrap missing or no namespaces" "re-exec without /proc"
	fi
else
	skip "no AVX on this CPU" "auto raising the core"
fi

# --- same work everywhere (issue 17): for one CPU and the same options the
# core does not depend on an inherited OPENBLAS_CORETYPE (this session
# exports Haswell; a container usually exports nothing)
used=$(jget "$tmp/q.json" config.blas_core_used)
is "$(jget "$tmp/q.json" config.blas_core_env)" "null" "no OPENBLAS_CORETYPE: config.blas_core_env null"
OPENBLAS_CORETYPE=Haswell "$B" --quick --format json >"$tmp/qh.json" 2>"$tmp/qh.err"
ok $? "--quick with OPENBLAS_CORETYPE=Haswell exits 0"
is "$(jget "$tmp/qh.json" config.blas_core_used)" "$used" "--quick: the same core with and without OPENBLAS_CORETYPE=Haswell"
is "$(jget "$tmp/qh.json" config.n)" "$(jget "$tmp/q.json" config.n)" "... and the same N"
[ ! -s "$tmp/qh.err" ]; ok $? "... and nothing on stderr"
for v in Haswell Cooperlake SkylakeX Sandybridge Nehalem Penryn Core2 Prescott; do
	OPENBLAS_CORETYPE=$v "$B" --no-peak --n 200 -r 1 --format json >"$tmp/ev.json" 2>/dev/null
	got=$(jget "$tmp/ev.json" config.blas_core_used)
	is "$got" "$used" "OPENBLAS_CORETYPE=$v: runs $used, as without it"
	is "$(jget "$tmp/ev.json" config.blas_core_env)" "$v" "... config.blas_core_env records $v"
	if [ "$got" != "$v" ] && jget "$tmp/ev.json" warnings | grep -q "OPENBLAS_CORETYPE=$v ignored"; then
		ok 0 "... $v cannot run here: the warning says it was ignored"
	elif [ "$got" != "$v" ]; then
		jget "$tmp/ev.json" warnings | grep "OPENBLAS_CORETYPE=$v in the environment was overridden" |
			grep -q -- "--blas-core $v"
		ok $? "... a warning says $v was overridden and how to force it (--blas-core $v)"
	else
		jget "$tmp/ev.json" warnings | grep -q "overridden"; ok $((!$?)) "... $v is the choice: no warning"
	fi
done
# --blas-core: valid names run whatever the environment says, invalid
# ones are usage errors that list the cores
OPENBLAS_CORETYPE=Cooperlake "$B" --no-peak --n 200 -r 1 --blas-core Nehalem --format json >"$tmp/bn.json"
is "$?.$(jget "$tmp/bn.json" config.blas_core_used)" "0.Nehalem" "--blas-core Nehalem over OPENBLAS_CORETYPE=Cooperlake"
jget "$tmp/bn.json" warnings | grep -q "OPENBLAS_CORETYPE=Cooperlake in the environment was overridden by --blas-core Nehalem"
ok $? "... and says so"
"$B" --no-peak --n 200 -r 1 --blas-core nehalem --format json >"$tmp/bl.json"
is "$(jget "$tmp/bl.json" config.blas_core_used)" "Nehalem" "--blas-core names are case-insensitive"
OPENBLAS_CORETYPE=Haswell "$B" --no-peak --n 200 -r 1 --blas-core Sky --format json >"$tmp/bx.json" 2>"$tmp/e"
is "$?" "2" "--blas-core Sky (not a core of this OpenBLAS): usage error"
grep -q "blas-core.*Cooperlake" "$tmp/e"; ok $? "... naming the valid cores"
[ ! -s "$tmp/bx.json" ]; ok $? "... and no document"

# --- a CPU without AVX (qemu-user): no SIGILL, an SSE core, even when an
# inherited OPENBLAS_CORETYPE names AVX2 kernels
Q=$(command -v qemu-x86_64 || command -v qemu-x86_64-static)
if [ -n "$Q" ]; then
	OPENBLAS_CORETYPE=Haswell "$Q" -cpu Nehalem "$B" --quick --format json >"$tmp/o.json" 2>"$tmp/o.err"
	is "$?" "0" "Nehalem CPU model with OPENBLAS_CORETYPE=Haswell: exit 0, no SIGILL"
	is "$(jget "$tmp/o.json" config.blas_core_used)" "Nehalem" "runs OpenBLAS's Nehalem kernels"
	is "$(jget "$tmp/o.json" config.isa_tier)" "sse" "sees no AVX"
	jget "$tmp/o.json" warnings | grep -q "OPENBLAS_CORETYPE=Haswell ignored"; ok $? "warns of the ignored variable"
	is "$(jget "$tmp/o.json" valid)" "true" "valid"
	"$Q" -cpu Nehalem "$B" --no-peak --n 100 -r 1 --blas-core SkylakeX 2>"$tmp/e"
	is "$?" "3" "--blas-core SkylakeX on a CPU without AVX-512: exit 3"
	grep -q "does not offer" "$tmp/e"; ok $? "and says why"
else
	skip "qemu-user is not installed" "old CPU model"
fi
done_testing
