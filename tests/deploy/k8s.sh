#!/usr/bin/env bash
# k8s.sh - deploy/k8s/ offline (docs/kubernetes.md): no cluster and no
# kubectl - Debian 12's kubernetes-client 1.20 (and later kubectl) cannot
# --dry-run=client without an API server to ask for the kinds - so:
#  - the manifests, as templates and rendered by render.sh, pass our own
#    schema check (deploy/k8s/check.pl), and each field that matters,
#    broken on purpose, makes it fail with the reason;
#  - render.sh refuses bad values with exit 2;
#  - the markers collect.sh cuts on are the ones the PID-1 mode prints;
#  - a "pod" - the container args of the rendered manifest, run as PID 1
#    of a new PID namespace with every capability dropped, as the
#    manifest's securityContext does - prints a document collect.sh finds;
#  - collect.sh, with a fake kubectl on PATH serving canned logs, writes
#    one NODE.json per node, names the pod whose log has no markers, the
#    one cut short and the one never scheduled, exits 1, and gb-compare
#    --fleet reads what it wrote.
. "$(dirname "$0")/../lib/tap.sh"
K=$GB_ROOT/deploy/k8s
G=$GB_BIN/guestbench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! perl -e 1 2>/dev/null; then
	skip "perl is not installed" "deploy/k8s"
	done_testing; exit
fi
chk() { perl "$K/check.pl" "$@"; }

# --- the templates and the rendered manifests
chk --template "$K/job.yaml" "$K/fleet.yaml" >"$tmp/out" 2>&1
ok $? "job.yaml and fleet.yaml pass the schema check as templates"
"$K/render.sh" --image registry.example/guestbench:0.1.0 job >"$tmp/job.yaml"
ok $? "render.sh job"
"$K/render.sh" --image registry.example/guestbench:0.1.0 --nodes 20 --cpu 4 --memory 4Gi fleet >"$tmp/fleet.yaml"
ok $? "render.sh fleet"
chk "$tmp/job.yaml" "$tmp/fleet.yaml" >"$tmp/out" 2>&1; ok $? "both rendered manifests pass"
grep -q '^          image: registry.example/guestbench:0.1.0$' "$tmp/fleet.yaml"; ok $? "the image is the one given"
grep -q '^  completions: 20$' "$tmp/fleet.yaml" && grep -q '^  parallelism: 20$' "$tmp/fleet.yaml"
ok $? "--nodes 20: completions and parallelism"
chk "$K/job.yaml" >"$tmp/out" 2>&1
is "$?" 1 "an unrendered template is not a manifest to apply"
grep -q "render the template" "$tmp/out"; ok $? "and the check says to render it"

# --- each field that matters, broken: the check fails and says why
# broken NAME FILE SED-SCRIPT WANT: the broken copy must fail with WANT
broken() {
	sed "$3" "$2" >"$tmp/broken.yaml"
	if cmp -s "$2" "$tmp/broken.yaml"; then ok 1 "$1: the edit changed nothing (test bug)"; return; fi
	chk "$tmp/broken.yaml" >"$tmp/out" 2>&1
	local rc=$?
	if [ $rc = 1 ] && grep -q -- "$4" "$tmp/out"; then ok 0 "$1: refused ($4)"
	else ok 1 "$1: refused ($4)"; echo "#   exit $rc: $(cat "$tmp/out")"; fi
}
broken "limits.cpu != requests.cpu" "$tmp/job.yaml" '0,/^ *limits:/!{0,/cpu: "2"/s/cpu: "2"/cpu: "1"/}' \
	'requests.cpu 2 != limits.cpu 1'
broken "memory limit missing" "$tmp/job.yaml" '0,/^ *limits:/!{/memory:/d}' 'requests.memory and limits.memory'
broken "half a CPU" "$tmp/job.yaml" 's/cpu: "2"/cpu: 500m/' 'not a whole number of CPUs'
broken "restartPolicy OnFailure" "$tmp/job.yaml" 's/restartPolicy: Never/restartPolicy: OnFailure/' 'must be Never'
broken "retries" "$tmp/job.yaml" 's/backoffLimit: 0/backoffLimit: 6/' 'must not be retried'
broken "no --label" "$tmp/job.yaml" 's/ --label $(NODE_NAME)//' 'label $(NODE_NAME) missing'
broken "not JSON" "$tmp/job.yaml" 's/ --format json//' 'as JSON'
broken "not the PID-1 mode" "$tmp/job.yaml" 's/^            - init$/            - suite/' "PID-1 mode"
broken "node name from the pod's name" "$tmp/job.yaml" 's/fieldPath: spec.nodeName/fieldPath: metadata.name/' \
	'downward API'
broken "a DaemonSet" "$tmp/job.yaml" 's|^apiVersion: batch/v1|apiVersion: apps/v1|; s/^kind: Job/kind: DaemonSet/' \
	'apps/v1/DaemonSet'
broken "shared PID namespace" "$tmp/job.yaml" 's/shareProcessNamespace: false/shareProcessNamespace: true/' \
	'own PID namespace'
broken "no /tmp" "$tmp/job.yaml" '/mountPath: \/tmp/d' 'volume at /tmp'
broken "image left out" "$tmp/job.yaml" 's|image: registry.example/guestbench:0.1.0|image: GUESTBENCH_IMAGE|' \
	'not an image reference'
broken "anti-affinity on zones" "$tmp/fleet.yaml" 's|topologyKey: kubernetes.io/hostname|topologyKey: topology.kubernetes.io/zone|' \
	'one per node'
broken "anti-affinity selecting other pods" "$tmp/fleet.yaml" \
	's|^                  app.kubernetes.io/instance: guestbench-fleet|                  app.kubernetes.io/instance: other|' 'one per node'
broken "completions != parallelism" "$tmp/fleet.yaml" 's/^  parallelism: 20/  parallelism: 5/' 'must be the same'
broken "per-index retries" "$tmp/fleet.yaml" 's/backoffLimitPerIndex: 0/backoffLimitPerIndex: 2/' 'must not be retried'
sed 's/^          resources:$/          resources: {}/' "$tmp/job.yaml" >"$tmp/flow.yaml"
chk "$tmp/flow.yaml" >"$tmp/out" 2>&1
is "$?" 2 "YAML outside the subset (a flow mapping): exit 2"
grep -q "flow.yaml:[0-9]*: unsupported value" "$tmp/out"; ok $? "with the file and line"

# --- render.sh refuses what would make a broken manifest
for bad in "job" "--image x --cpu 1.5 job" "--image x --memory 2GB job" "--image x fleet" \
	"--image x --nodes 3 job" "--image 'a b' job" "--image x job fleet"; do
	eval "\"$K/render.sh\" $bad" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] && grep -q "^render.sh: " "$tmp/err"; ok $? "render.sh $bad: exit 2 with a reason ($rc)"
done

# --- the markers: collect.sh cuts on what the PID-1 mode prints
b=$(sed -n 's/^#define MARK_BEGIN "\(.*\)"$/\1/p' "$GB_ROOT/init/init.c")
e=$(sed -n 's/^#define MARK_END "\(.*\)"$/\1/p' "$GB_ROOT/init/init.c")
grep -qxF "BEGIN_MARK='$b'" "$K/collect.sh" && grep -qxF "END_MARK='$e'" "$K/collect.sh"
ok $? "collect.sh's markers are init/init.c's ('$b', '$e...')"

# --- a pod, as the rendered manifest starts it: PID 1 of its own PID
# namespace, no capabilities, stdout and stderr in one log
mkdir -p "$tmp/logs"
mapfile -t podargs < <(chk --args "$tmp/fleet.yaml")
is "${podargs[0]} ${podargs[1]}" "init --cmdline" "the container runs guestbench's PID-1 mode"
pod() {	# NODE LOG: the manifest's args with $(NODE_NAME) expanded, the suite kept short
	local a=("${podargs[@]//\$(NODE_NAME)/$1}")
	a[2]=${a[2]/suite --format/suite --quick --only syscall --format}
	timeout 120 unshare --pid --fork --mount-proc setpriv --bounding-set=-all --inh-caps=-all -- \
		"$G" "${a[@]}" >"$2" 2>&1
}
if [ "$(id -u)" = 0 ] && unshare --pid --fork --mount-proc true 2>/dev/null && setpriv --bounding-set=-all true 2>/dev/null; then
	pod node-a "$tmp/logs/pod-a.log"
	is "$?" 0 "a pod's container exits with the suite's status (reboot refused without CAP_SYS_BOOT)"
	pod node-b "$tmp/logs/pod-b.log"
	grep -q "^guestbench-init: poweroff refused" "$tmp/logs/pod-a.log"; ok $? "init says it exits instead of powering off"
else
	skip "needs root, unshare --pid and setpriv" "a pod's container args run as PID 1"
	# the same shape by hand: a benchmark's document between the markers
	for n in a b; do
		{ echo "guestbench-init: ready 1.0"; echo "$b"
		  "$GB_BIN/gb-syscall" --quick --only getpid --label "node-$n" --format json
		  echo "$e: exit 0 (0.5 s) -----"; echo "guestbench-init: power off"; } >"$tmp/logs/pod-$n.log"
	done
fi
# pod-b's suite ended with status 1 (a run was invalid): still collected
sed -i "s/^$e: exit 0 /$e: exit 1 /" "$tmp/logs/pod-b.log"
printf 'exec /usr/local/bin/guestbench: exec format error\n' >"$tmp/logs/pod-c.log"
sed '/^-----.*end/,$d' "$tmp/logs/pod-a.log" >"$tmp/logs/pod-e.log"	# killed mid-way

# --- collect.sh with a fake kubectl serving those logs
mkdir -p "$tmp/bin"
cat >"$tmp/bin/kubectl" <<'EOF'
#!/bin/sh
# a fake kubectl: "get pods" prints $FAKE/pods; "logs POD" prints $FAKE/logs/POD.log
while [ "$1" = --namespace ]; do echo "$2" >"$FAKE/namespace"; shift 2; done
case $1 in
get) echo "$*" >"$FAKE/get-args"; cat "$FAKE/pods" ;;
logs) [ -f "$FAKE/logs/$2.log" ] || { echo "Error from server (NotFound): pods \"$2\" not found" >&2; exit 1; }
      cat "$FAKE/logs/$2.log" ;;
*) echo "fake kubectl: $*" >&2; exit 1 ;;
esac
EOF
chmod +x "$tmp/bin/kubectl"
printf 'pod-a|node-a|Succeeded\npod-b|node-b|Failed\npod-c|node-c|Failed\npod-d||Pending\npod-e|node-e|Running\n' >"$tmp/pods"
PATH=$tmp/bin:$PATH FAKE=$tmp "$K/collect.sh" --namespace bench "$tmp/out1" >"$tmp/c.out" 2>"$tmp/c.err"
is "$?" 1 "collect.sh: exit 1 when some pods could not be collected"
grep -q "collected 2 of 5 pods" "$tmp/c.out"; ok $? "it says how many were collected"
is "$(cat "$tmp/namespace")" bench "--namespace is passed to kubectl"
grep -q -- "--selector app.kubernetes.io/name=guestbench" "$tmp/get-args"; ok $? "the default selector"
for n in a b; do
	is "$(jget "$tmp/out1/node-$n.json" label)" "node-$n" "node-$n.json: the document between the markers, labelled node-$n"
done
grep -q "pod-b on node-b: collected, but the suite ended with 'exit 1" "$tmp/c.err"; ok $? "a suite that exited 1: collected, and said"
grep -q "pod-c on node-c: no '----- guestbench output begin -----' line" "$tmp/c.err"
ok $? "a log without markers: named, with the reason"
[ -s "$tmp/out1/logs/node-c.log" ] && [ ! -e "$tmp/out1/node-c.json" ]; ok $? "its log kept, no document made up"
grep -q "pod-d: never scheduled" "$tmp/c.err"; ok $? "a pod never scheduled: named"
grep -q "pod-e on node-e: the output was cut short" "$tmp/c.err"; ok $? "a log cut short: named"
"$GB_BIN/gb-compare" --fleet "$tmp/out1" >"$tmp/fleet.txt" 2>&1
is "$?" 0 "gb-compare --fleet reads the collected folder"
grep -q "^fleet of 2 hosts" "$tmp/fleet.txt"; ok $? "two hosts, named by node"

printf 'pod-a|node-a|Succeeded\npod-a2|node-a|Succeeded\n' >"$tmp/pods"
cp "$tmp/logs/pod-a.log" "$tmp/logs/pod-a2.log"
PATH=$tmp/bin:$PATH FAKE=$tmp "$K/collect.sh" "$tmp/out2" >/dev/null 2>&1
is "$?" 0 "every pod collected: exit 0"
[ -f "$tmp/out2/node-a.json" ] && [ -f "$tmp/out2/node-a.pod-a2.json" ]; ok $? "two pods on one node: two files, none overwritten"

: >"$tmp/pods"
PATH=$tmp/bin:$PATH FAKE=$tmp "$K/collect.sh" "$tmp/out3" >/dev/null 2>"$tmp/err"
is "$?" 3 "no pod matches: exit 3"
grep -q "no pod matches" "$tmp/err"; ok $? "and says so"
KUBECTL=$tmp/nothing "$K/collect.sh" "$tmp/out4" >/dev/null 2>"$tmp/err"
is "$?" 3 "no kubectl: exit 3"
"$K/collect.sh" >/dev/null 2>&1; is "$?" 2 "no OUTDIR: exit 2"

done_testing
