#!/usr/bin/env bash
# gb-cpu: the JSON contract, options, exit statuses, the validation of
# every prime event and of the chain (GB_FAULT), --plan, --preset li.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-cpu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ncpu=$(nproc)

# --- a quick run, JSON to a file, table on stdout
"$B" --quick --label ci -o "$tmp/c.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick -o FILE.json exits 0"
check "the file is JSON" jget "$tmp/c.json"
is "$(jget "$tmp/c.json" schema)" "guestbench/1" "schema"
is "$(jget "$tmp/c.json" bench)" "cpu" "bench"
is "$(jget "$tmp/c.json" valid)" "true" "valid"
for key in config.max_prime config.time config.threads config.cpus config.primes_per_event \
	config.prime_threads_pinned config.chain_threads_pinned config.division_bits config.sysbench_1t \
	disturbance env.effective.cpus; do
	jget "$tmp/c.json" "$key" >/dev/null
	ok $? "key $key present"
done
is "$(jget "$tmp/c.json" config.primes_per_event)" "2261" "2261 primes per event at 20000 (sysbench's count)"
is "$(jget "$tmp/c.json" config.prime_threads_pinned)" "false" "prime threads not pinned, as sysbench's"
is "$(jget "$tmp/c.json" config.sysbench_1t)" "sysbench cpu --cpu-max-prime=20000 --threads=1 --time=1 run" \
	"the sysbench command doing the same work"
missing=""
for m in prime_1t prime_latency_1t chain_1t; do
	for k in unit better n median min max cv samples; do
		jget "$tmp/c.json" "results[name=$m].$k" >/dev/null || missing="$missing $m.$k"
	done
done
for k in events_per_sec events seconds threads primes_per_event; do
	jget "$tmp/c.json" "results[name=prime_1t].$k" >/dev/null || missing="$missing prime_1t.$k"
done
for k in p50 p90 p99 p999; do
	jget "$tmp/c.json" "results[name=prime_latency_1t].$k" >/dev/null || missing="$missing prime_latency_1t.$k"
done
for k in ops_per_sec iterations_per_sample cpu; do
	jget "$tmp/c.json" "results[name=chain_1t].$k" >/dev/null || missing="$missing chain_1t.$k"
done
is "$missing" "" "every documented member of prime_1t, prime_latency_1t, chain_1t"
is "$(jget "$tmp/c.json" 'results[name=prime_1t].unit')/$(jget "$tmp/c.json" 'results[name=prime_1t].better')" \
	"events/s/higher" "prime: events/s, higher is better"
is "$(jget "$tmp/c.json" 'results[name=chain_1t].unit')/$(jget "$tmp/c.json" 'results[name=chain_1t].better')" \
	"ns/lower" "chain: ns, lower is better"
is "$(jget "$tmp/c.json" 'results[name=prime_1t].threads')" "1" "prime_1t ran one thread"
ev=$(jget "$tmp/c.json" 'results[name=prime_1t].events')
sec=$(jget "$tmp/c.json" 'results[name=prime_1t].seconds')
eps=$(jget "$tmp/c.json" 'results[name=prime_1t].events_per_sec')
awk -v e="$ev" -v s="$sec" -v r="$eps" 'BEGIN { d = e / s - r; exit !(e > 0 && d < 1e-6 * r && d > -1e-6 * r) }'
ok $? "events_per_sec = events / seconds, sysbench's figure ($ev / $sec)"
n=$(jget "$tmp/c.json" 'results[name=prime_1t].n')
[ "$n" -ge 1 ] && [ "$n" -le 10 ]
ok $? "prime_1t: one sample per slice, at most -r 10 ($n)"
if [ "$ncpu" -ge 2 ]; then
	t=$(jget "$tmp/c.json" config.threads)
	is "$(jget "$tmp/c.json" 'results[name=prime_all].threads')" "$t" "prime_all ran config.threads threads"
	for k in events_per_thread_min events_per_thread_max fairness; do
		jget "$tmp/c.json" "results[name=prime_all].$k" >/dev/null
		ok $? "prime_all.$k present"
	done
	is "$(jget "$tmp/c.json" 'results[name=chain_all].threads')" "$t" "chain_all ran config.threads threads"
	jget "$tmp/c.json" 'results[name=chain_all].slowest_cpu_ns' >/dev/null
	ok $? "chain_all names its slowest CPU"
else
	skip "one CPU here" "prime_all and chain_all measured on several CPUs"
fi
grep -q "^prime_1t " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "summary table on stdout alongside -o"

# --- one CPU: the all-CPU figures are unavailable, with the reason
if command -v taskset >/dev/null; then
	taskset -c 0 "$B" --quick --time 100ms -r 2 --format json >"$tmp/one.json" 2>/dev/null
	ok $? "pinned to one CPU: exits 0"
	jget "$tmp/one.json" 'unavailable[name=prime_all].reason' | grep -q "one effective CPU"
	ok $? "prime_all unavailable on one CPU, saying why"
	jget "$tmp/one.json" 'unavailable[name=chain_all].reason' | grep -q "one effective CPU"
	ok $? "chain_all unavailable on one CPU, saying why"
	is "$(jget "$tmp/one.json" config.threads)" "1" "config.threads follows the affinity mask"
else
	skip "taskset missing" "single-CPU run"
fi

# --- an event limit, as sysbench --events
"$B" --only prime --time 0 --events 40 --format json >"$tmp/ev.json"
ok $? "--time 0 --events 40 runs"
is "$(jget "$tmp/ev.json" 'results[name=prime_1t].events')" "40" "--events 40: exactly 40 events on one thread"
if [ "$ncpu" -ge 2 ]; then
	is "$(jget "$tmp/ev.json" 'results[name=prime_all].events')" "40" "--events 40: 40 events over all threads"
fi
jget "$tmp/ev.json" 'results[name=chain_1t]' >/dev/null 2>&1
ok $((!$?)) "--only prime runs no chain"

# --- the prime count is validated: one wrong event makes the run invalid
GB_FAULT=cpu.corrupt=prime "$B" --quick --time 100ms -r 2 --only prime --format json >"$tmp/f.json" 2>"$tmp/f.err"
is "$?" "1" "one event with a wrong count exits 1"
is "$(jget "$tmp/f.json" valid)" "false" "valid: false"
jget "$tmp/f.json" 'invalid_reasons[0]' | grep -q "^prime_1t: 1 of [0-9]* events counted 2262 primes below 20000, not the sieve's 2261"
ok $? "the reason names the run, the wrong count and the sieve's"
jget "$tmp/f.json" 'results[name=prime_1t].median' >/dev/null; ok $? "the results are still there"
grep -q "invalid result: prime_1t" "$tmp/f.err"; ok $? "and stderr says so"
GB_FAULT=cpu.corrupt=chain "$B" --quick --only chain -r 2 --format json >"$tmp/g.json" 2>/dev/null
is "$?" "1" "a chain that ends elsewhere than its closed form exits 1"
jget "$tmp/g.json" 'invalid_reasons[0]' | grep -q "^chain_1t: "; ok $? "the reason names chain_1t"
GB_FAULT=syscall.corrupt=prime "$B" --quick --time 100ms -r 2 --only prime -q
is "$?" "0" "another benchmark's fault does not touch gb-cpu"

# --- --plan resolves and measures nothing
"$B" --plan --format json >"$tmp/p.json"
ok $? "--plan exits 0"
is "$(jget "$tmp/p.json" plan)" "true" "the document says plan"
is "$(jget "$tmp/p.json" 'results#')" "0" "--plan: no results"
is "$(jget "$tmp/p.json" config.time)" "10" "--plan: the full run's 10 s"
is "$(jget "$tmp/p.json" config.max_prime)" "20000" "--plan: N 20000"
"$B" --preset li --plan --format json >"$tmp/li.json"
ok $? "--preset li --plan exits 0"
is "$(jget "$tmp/li.json" config.max_prime)/$(jget "$tmp/li.json" config.time)/$(jget "$tmp/li.json" config.threads)/$(jget "$tmp/li.json" config.only)" \
	"200000/600/1/prime" "--preset li: 200000, 600 s, 1 thread, prime only"
is "$(jget "$tmp/li.json" config.sysbench_1t)" "sysbench cpu --cpu-max-prime=200000 --threads=1 --time=600 run" \
	"--preset li: Li et al.'s sysbench command"
"$B" --preset li --time 300ms -r 2 --format json >"$tmp/li2.json" 2>/dev/null
ok $? "--preset li shortened by --time runs"
jget "$tmp/li2.json" warnings | grep -q "not Li et al.'s 600 s"; ok $? "and warns that it is not Li's run"
is "$(jget "$tmp/li2.json" config.primes_per_event)" "17983" "Li's N: 17983 primes per event (the sieve's)"
jget "$tmp/li2.json" 'unavailable[name=prime_all].reason' | grep -q "preset li"
ok $? "--preset li: no all-CPU run, and the reason says so"

# --- usage errors name the option; nothing written
echo "precious" >"$tmp/keep.json"
for bad in "--max-prime 0|--max-prime" "--max-prime abc|--max-prime" "--time -1s|--time" \
	"--only fft|--only" "--preset sysbench|--preset" "--preset li --threads 2|--threads" \
	"--time 0|--events" "--threads 0|--threads" "--events 0|--events" "--min-time 0|--min-time" \
	"--pages 2m|--pages"; do
	args=${bad%|*} name=${bad#*|}
	# shellcheck disable=SC2086
	"$B" $args -o "$tmp/keep.json" 2>"$tmp/e"
	is "$?" "2" "$args exits 2"
	grep -q -- "$name" "$tmp/e"; ok $? "$args: the message names $name"
done
is "$(cat "$tmp/keep.json")" "precious" "a usage error never touches the -o file"
"$B" --cpus 1000 2>"$tmp/e"; is "$?" "3" "--cpus outside the effective set exits 3"
grep -q "CPU 1000 not available here" "$tmp/e"; ok $? "and names the CPU"
"$B" --help >"$tmp/h"; is "$?" "0" "--help exits 0"
grep -q "prime_1t" "$tmp/h" && grep -q -- "--preset" "$tmp/h"; ok $? "--help lists the metrics and the preset"
"$B" --version | grep -q "^gb-cpu [0-9]"; ok $? "--version"
done_testing
