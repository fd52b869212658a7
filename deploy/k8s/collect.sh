#!/bin/sh
# collect.sh - the pods' logs of a guestbench Job (deploy/k8s/job.yaml or
# fleet.yaml), one result document per node, ready for gb-compare:
#
#   collect.sh [--namespace NS] [--selector SELECTOR] OUTDIR
#   gb-compare --fleet OUTDIR
#
# For each pod the selector matches (default app.kubernetes.io/name=guestbench):
# `kubectl logs POD` is kept whole in OUTDIR/logs/NODE.log, and what
# guestbench's PID-1 mode printed between its marker lines
#   ----- guestbench output begin -----
#   ----- guestbench output end: exit N (S s) -----
# is written to OUTDIR/NODE.json (NODE.POD.json when a node ran two pods).
# A pod that never ran, whose log has no markers, or whose output between
# them is not a result document is named on stderr with the reason; the
# other pods are still collected.
#
# Exit status: 0 every pod collected; 1 some could not be (the rest are
# written); 2 usage; 3 kubectl missing or the pods could not be listed,
# or none matched.  KUBECTL=... overrides the kubectl command (tests).
set -u
kubectl=${KUBECTL:-kubectl}
ns='' selector=app.kubernetes.io/name=guestbench out=''
BEGIN_MARK='----- guestbench output begin -----'
END_MARK='----- guestbench output end'

say() { echo "collect.sh: $*" >&2; }
usage() {
	say "$1"
	echo "usage: collect.sh [--namespace NS] [--selector SELECTOR] OUTDIR" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	-n|--namespace) [ $# -ge 2 ] || usage "$1 needs a value"; ns=$2; shift 2 ;;
	-l|--selector) [ $# -ge 2 ] || usage "$1 needs a value"; selector=$2; shift 2 ;;
	-h|--help) sed -n '2,$ { /^#/!q; s/^# \{0,1\}//; p; }' "$0"; exit 0 ;;
	-*) usage "unknown option '$1'" ;;
	*) [ -z "$out" ] || usage "one OUTDIR only ('$out', then '$1')"; out=$1; shift ;;
	esac
done
[ -n "$out" ] || usage "no OUTDIR given"
if [ -e "$out" ] && [ ! -d "$out" ]; then usage "'$out' exists and is not a folder"; fi
command -v "$kubectl" >/dev/null 2>&1 || { say "'$kubectl' not found: install kubectl (Debian: kubernetes-client)"; exit 3; }
mkdir -p "$out/logs" || { say "cannot create $out/logs"; exit 2; }

# kubectl with the namespace, if one was given
k() { if [ -n "$ns" ]; then "$kubectl" --namespace "$ns" "$@"; else "$kubectl" "$@"; fi; }

list=$(mktemp) || exit 3
trap 'rm -f "$list" "$list.json"' EXIT
if ! k get pods --selector "$selector" \
	-o 'jsonpath={range .items[*]}{.metadata.name}{"|"}{.spec.nodeName}{"|"}{.status.phase}{"\n"}{end}' >"$list"; then
	say "could not list the pods (selector $selector${ns:+, namespace $ns})"
	exit 3
fi
total=$(grep -c . "$list")
if [ "$total" -eq 0 ]; then
	say "no pod matches the selector $selector${ns:+ in namespace $ns}: has the Job run (kubectl get jobs)?"
	exit 3
fi

# A node's name as a file name: DNS names are safe already; anything
# else (a hand-made selector) is made so.
fname() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }

# Is FILE a guestbench result document?  With perl's JSON::PP (part of
# every perl) it is parsed; without perl, its first character must be '{'.
is_document() {
	if command -v perl >/dev/null 2>&1 && perl -MJSON::PP -e 1 2>/dev/null; then
		perl -MJSON::PP -0777 -ne 'my $d = eval { JSON::PP->new->decode($_) };
			exit 1 unless ref $d eq "HASH" && ($d->{schema} // "") =~ m{^guestbench(-suite)?/1$}' "$1"
	else
		[ "$(head -c 1 "$1")" = "{" ]
	fi
}

ok=0 bad=0
while IFS="|" read -r pod node phase; do
	[ -n "$pod" ] || continue
	if [ -z "$node" ]; then
		say "$pod: never scheduled on a node (phase ${phase:-unknown}): nothing to collect"
		bad=$((bad + 1)); continue
	fi
	name=$(fname "$node")
	log=$out/logs/$name.log
	[ -e "$log" ] && log=$out/logs/$name.$(fname "$pod").log
	if ! k logs "$pod" </dev/null >"$log" 2>"$list.err"; then
		say "$pod on $node: kubectl logs failed: $(tail -n 1 "$list.err")"
		rm -f "$list.err"
		bad=$((bad + 1)); continue
	fi
	rm -f "$list.err"
	if ! grep -qxF -- "$BEGIN_MARK" "$log"; then
		say "$pod on $node: no '$BEGIN_MARK' line in its log ($log; phase ${phase:-unknown}): was it started with guestbench's PID-1 mode (args: init --cmdline ...)?"
		bad=$((bad + 1)); continue
	fi
	endline=$(grep -a -- "^$END_MARK" "$log" | tail -n 1)
	if [ -z "$endline" ]; then
		say "$pod on $node: the output was cut short (no end marker; phase ${phase:-unknown}): the pod was killed or is still running ($log)"
		bad=$((bad + 1)); continue
	fi
	# between the last begin marker and the end marker after it
	awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
		$0 == b { n = 0; inside = 1; next }
		inside && index($0, e) == 1 { inside = 0; next }
		inside { buf[n++] = $0 }
		END { for (i = 0; i < n; i++) print buf[i] }' "$log" >"$list.json"
	if ! [ -s "$list.json" ] || ! is_document "$list.json"; then
		say "$pod on $node: no result document between the markers ($endline; $log)"
		bad=$((bad + 1)); continue
	fi
	doc=$out/$name.json
	[ -e "$doc" ] && doc=$out/$name.$(fname "$pod").json
	mv "$list.json" "$doc"
	case $endline in
	*": exit 0 "*) ;;
	*) say "$pod on $node: collected, but the suite ended with '${endline#"$END_MARK": }' (its document says which run)" ;;
	esac
	ok=$((ok + 1))
done <"$list"

echo "collected $ok of $total pods into $out/ (one NODE.json each; logs in $out/logs/)"
[ "$bad" -eq 0 ] || { say "$bad of $total pods could not be collected (above)"; exit 1; }
exit 0
