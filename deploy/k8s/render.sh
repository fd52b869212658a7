#!/bin/sh
# render.sh - fill in deploy/k8s's manifests: the image users pushed, the
# pod's size, and (fleet) the number of nodes; print the manifest for
# `kubectl apply -f -`.  The templates hold placeholders (GUESTBENCH_*)
# rather than a default image: applied unrendered, they fail at once
# (an invalid image name) instead of pulling something unintended.
#
#   render.sh --image REF [--cpu N] [--memory SIZE] [--quick] job
#   render.sh --image REF --nodes N [--cpu N] [--memory SIZE] [--quick] fleet
#
# Exit status: 0 printed; 2 usage (the message names the option).
set -eu
here=$(dirname "$0")
image='' nodes='' cpu=2 memory=2Gi quick=''
usage() {
	echo "render.sh: $1" >&2
	echo "usage: render.sh --image REF [--nodes N] [--cpu N] [--memory SIZE] [--quick] job|fleet" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--image) [ $# -ge 2 ] || usage "--image needs a value"; image=$2; shift 2 ;;
	--nodes) [ $# -ge 2 ] || usage "--nodes needs a value"; nodes=$2; shift 2 ;;
	--cpu) [ $# -ge 2 ] || usage "--cpu needs a value"; cpu=$2; shift 2 ;;
	--memory) [ $# -ge 2 ] || usage "--memory needs a value"; memory=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	-h|--help) sed -n '2,$ { /^#/!q; s/^# \{0,1\}//; p; }' "$0"; exit 0 ;;
	job|fleet) [ -z "${what:-}" ] || usage "one manifest at a time (job or fleet)"; what=$1; shift ;;
	*) usage "unknown argument '$1'" ;;
	esac
done
[ -n "${what:-}" ] || usage "which manifest: job (one node) or fleet (every node)"
# an image reference: no blanks, quotes or characters sed or YAML would read
echo "$image" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._/:@-]*$' ||
	usage "--image '$image': an image reference is required (REGISTRY/guestbench:VERSION, as built by make image)"
# whole CPUs: Guaranteed QoS needs requests = limits, and the static CPU
# manager gives a pod exclusive cores only for whole ones
echo "$cpu" | grep -Eq '^[1-9][0-9]{0,3}$' || usage "--cpu '$cpu': a whole number of CPUs (1-9999)"
echo "$memory" | grep -Eq '^[1-9][0-9]*(Ki|Mi|Gi|Ti)$' || usage "--memory '$memory': a size such as 512Mi or 4Gi"
if [ "$what" = fleet ]; then
	echo "$nodes" | grep -Eq '^[1-9][0-9]{0,4}$' || usage "--nodes '$nodes': the number of nodes to run on (fleet)"
elif [ -n "$nodes" ]; then
	usage "--nodes is for the fleet manifest; job runs on one node"
fi
sed -e "s|GUESTBENCH_IMAGE|$image|" -e "s|GUESTBENCH_CPU|$cpu|" -e "s|GUESTBENCH_MEMORY|$memory|" \
	-e "s|GUESTBENCH_NODES|${nodes:-1}|" \
	-e "${quick:+s|guestbench.run=\"suite --format|guestbench.run=\"suite --quick --format|}" \
	"$here/$what.yaml"
