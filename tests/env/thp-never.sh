#!/usr/bin/env bash
# Matrix case 8: transparent huge pages "never" and no hugetlb pages (root:
# the host's settings are saved and put back on exit, whatever happens).
# Every binary runs and fingerprints THP as "never"; one that allocates
# large buffers (bench_meta pages) gets 4 KiB pages with --pages auto, a
# huge-page coverage of 0 and a warning; --pages thp and --pages 2m insist
# (docs/stream.md "Pages") and exit 3 with the reason.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
THP=/sys/kernel/mm/transparent_hugepage/enabled
HP=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
thp_old='' hp_old=''
restore() {
	[ -n "$thp_old" ] && echo "$thp_old" >"$THP"
	[ -n "$hp_old" ] && echo "$hp_old" >"$HP"
	rm -rf "$mx_tmp"
}
trap restore EXIT
trap 'exit 1' INT TERM	# through the EXIT trap

mx_case 8 "THP never, no hugetlb pages"
if [ "$(id -u)" -ne 0 ]; then
	mx_skip_case "needs root to set $THP"
elif [ ! -w "$THP" ]; then
	mx_skip_case "$THP is missing or read-only here"
else
	thp_old=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP")
	echo never >"$THP"
	if [ -w "$HP" ] && [ "$(cat "$HP")" != 0 ]; then hp_old=$(cat "$HP"); echo 0 >"$HP"; fi
	for b in $(bench_list); do
		mx_begin "$b" || continue
		mx_exec "$b"
		if mx_check_run "$b"; then
			mx_is env.kernel.thp_enabled never "gb-$b"
			mx_is env.kernel.hugepages_2m_free 0 "gb-$b"
			if key=$(bench_meta "$b" pages); then
				mx_is "$key" 4k "gb-$b"
				mx_is "$(bench_meta "$b" coverage)" 0 "gb-$b"
				jget "$MX_OUT" warnings | grep -q "4 KiB pages"
				ok $? "case 8 gb-$b: a warning says 4 KiB pages were used"
				for p in thp 2m; do
					MX_EXTRA="--pages $p"
					mx_exec "$b"
					is "$MX_RC" 3 "case 8 gb-$b --pages $p: exit 3, it insists"
					case $p in
					thp) grep -q '"never"' "$MX_ERR" ;;
					2m) grep -q "huge pages" "$MX_ERR" ;;
					esac
					ok $? "case 8 gb-$b --pages $p: the reason says what is missing"
					mx_show_err
				done
			fi
		fi
		mx_end "$b"
	done
fi
done_testing
