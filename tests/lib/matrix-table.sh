#!/usr/bin/env bash
# tests/lib/matrix-table.sh DIR [NEWER-THAN-FILE] - print the environment
# matrix recorded by tests/lib/matrix.sh: one line per case, one column per
# binary (pass / pass* = passed, with a note / skip / FAIL), then the
# reason of every skip and failure and every note.
# Only row files newer than NEWER-THAN-FILE (tests/run: this run's start).
dir=$1 ref=${2:-}
files=()
for f in "$dir"/*.tsv; do
	[ -f "$f" ] || continue
	[ -n "$ref" ] && [ ! "$f" -nt "$ref" ] && continue
	files+=("$f")
done
[ ${#files[@]} -gt 0 ] || exit 0
cat "${files[@]}" | sort -t "$(printf '\t')" -k1,1V -s | awk -F'\t' '
{
	if (!($1 in title)) { cases[++nc] = $1; title[$1] = $2 }
	b = $3; sub(/^gb-/, "", b)
	if (!(b in seen)) { seen[b] = 1; benches[++nb] = b }
	st[$1, b] = $4
	if ($4 == "pass" && $5 != "") st[$1, b] = "pass*"
	if ($4 != "pass" || $5 != "") {	# one note per (case, status, reason)
		r = $5; if (length(r) > 110) r = substr(r, 1, 107) "..."
		k = $1 SUBSEP st[$1, b] SUBSEP r
		if (!(k in who)) { order[++nn] = k; who[k] = b; cnt[k] = 1 }
		else { who[k] = who[k] "," b; cnt[k]++ }
	}
	nrow[$1]++
}
END {
	printf "\nenvironment matrix (case x binary; pass* = passed with a note; notes below, details in build/test-logs/env-*.log)\n"
	printf "%-36s", "case"
	for (i = 1; i <= nb; i++) printf " %-*s", w(benches[i]), benches[i]
	printf "\n"
	for (c = 1; c <= nc; c++) {
		id = cases[c]
		printf "%-36s", substr(id " " title[id], 1, 36)
		for (i = 1; i <= nb; i++) {
			s = st[id, benches[i]]
			if (s == "") s = "-"
			if (s == "fail") s = "FAIL"
			printf " %-*s", w(benches[i]), s
		}
		printf "\n"
	}
	for (i = 1; i <= nn; i++) {
		split(order[i], f, SUBSEP)
		names = cnt[order[i]] == nrow[f[1]] && nrow[f[1]] > 1 ? "all" : who[order[i]]
		printf "  %-4s %-13s %s: %s\n", f[1], names, f[2], f[3]
	}
	printf "\n"
}
function w(name) { return length(name) < 5 ? 5 : length(name) }'
