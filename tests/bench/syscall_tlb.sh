#!/usr/bin/env bash
# gb-syscall's TLB shootdown operations: each one a result or unavailable
# with its reason, placed on the CPUs it says, refused on one CPU.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-syscall
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
TLB="tlb_munmap_1cpu tlb_munmap_2cpu tlb_munmap_4cpu tlb_munmap_allcpu
tlb_mprotect_1cpu tlb_mprotect_2cpu tlb_mprotect_4cpu tlb_mprotect_allcpu"
only=$(echo $TLB | tr ' ' ,)
# the effective CPUs as gb-syscall sees them (affinity, cpuset, quota)
eff=$("$B" --plan --format json | "$GB_TOOLS/jget" /dev/stdin env.effective.cpus 2>/dev/null)
[ -n "$eff" ] || eff=$(nproc)

"$B" --only "$only" --quick --format json >"$tmp/t.json" 2>"$tmp/err"
ok $? "the tlb operations run (--quick), exit 0"
is "$(jget "$tmp/t.json" valid)" "true" "valid"
missing=""
for op in $TLB; do
	jget "$tmp/t.json" "results[name=$op].median" >/dev/null ||
		jget "$tmp/t.json" "unavailable[name=$op].reason" >/dev/null || missing="$missing $op"
done
is "$missing" "" "every tlb operation is a result or unavailable with a reason"
for op in tlb_munmap_1cpu tlb_mprotect_1cpu; do
	c=$(jget "$tmp/t.json" "results[name=$op].cpus")
	[[ $c =~ ^[0-9]+$ ]]; ok $? "$op: measured on one CPU ($c)"
	is "$(jget "$tmp/t.json" "results[name=$op].unit")" "ns" "$op: ns"
done
for k in 2 4; do
	for op in tlb_munmap_${k}cpu tlb_mprotect_${k}cpu; do
		if [ "$eff" -ge "$k" ]; then
			c=$(jget "$tmp/t.json" "results[name=$op].cpus")
			is "$(echo "$c" | tr , '\n' | sort -u | wc -l)" "$k" "$op: on $k distinct CPUs ($c)"
		else
			jget "$tmp/t.json" "unavailable[name=$op].reason" | grep -q "needs $k CPUs; this environment allows $eff"
			ok $? "$op: unavailable here, needs $k CPUs of $eff"
		fi
	done
done
for op in tlb_munmap_allcpu tlb_mprotect_allcpu; do
	if [ "$eff" -ge 2 ]; then
		c=$(jget "$tmp/t.json" "results[name=$op].cpus")
		is "$(echo "$c" | tr , '\n' | sort -u | wc -l)" "$eff" "$op: on all $eff effective CPUs"
	else
		jget "$tmp/t.json" "unavailable[name=$op].reason" | grep -q "needs 2 CPUs"
		ok $? "$op: unavailable on one CPU"
	fi
done
[ ! -s "$tmp/err" ]; ok $? "nothing on stderr"

# one CPU: the shootdown figures are refused with the reason, the local ones measured
if command -v taskset >/dev/null; then
	taskset -c 0 "$B" --only "$only" --quick --format json >"$tmp/one.json" 2>/dev/null
	ok $? "pinned to one CPU: exits 0"
	jget "$tmp/one.json" 'results[name=tlb_munmap_1cpu].median' >/dev/null; ok $? "tlb_munmap_1cpu measured"
	for op in tlb_munmap_2cpu tlb_mprotect_allcpu; do
		jget "$tmp/one.json" "unavailable[name=$op].reason" | grep -q "needs 2 CPUs; this environment allows 1"
		ok $? "$op: unavailable on one CPU, saying why"
	done
else
	skip "taskset missing" "single-CPU refusal"
fi
"$B" --only tlb_mprotect_2cpu --quick --cpus 0 --format json >"$tmp/c0.json"
jget "$tmp/c0.json" 'unavailable[name=tlb_mprotect_2cpu].reason' | grep -q -- "--cpus allows 1"
ok $? "--cpus 0: the reason blames --cpus"

# a failed validation of a tlb operation is a failed run
GB_FAULT=syscall.fail=tlb_munmap_1cpu "$B" --only tlb_munmap_1cpu --quick --format json >"$tmp/f.json" 2>/dev/null
is "$?" "1" "GB_FAULT syscall.fail=tlb_munmap_1cpu exits 1"
jget "$tmp/f.json" 'invalid_reasons[0]' | grep -q "^tlb_munmap_1cpu: "; ok $? "naming the operation"
"$B" --help | grep -q "tlb_mprotect_allcpu"; ok $? "--help lists the tlb operations"
done_testing
