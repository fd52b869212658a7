# shellcheck shell=bash
# tests/lib/containers.sh - run container tools (podman, skopeo) so that
# they leave nothing of theirs on the machine (source it).  As root they
# keep state in fixed places whatever --root says: podman's run-time state
# and network database in /run (libpod, containers/networks, netns, runc),
# and containers/image's blob-info cache in /var/lib/containers/cache.
#
#   ctr_hide_state       in a mount namespace of our own (unshare --mount
#                        --propagation private): a fresh tmpfs over /run and
#                        over /var/lib/containers (over /var/lib when that
#                        does not exist: creating it would be a trace)
#   ctr_run CMD...       CMD with that done first (root), or with HOME in a
#                        temporary directory (a user's tools write under ~)

ctr_hide_state() {
	mount -t tmpfs -o mode=0755 gb-run /run || return 1
	if [ -d /var/lib/containers ]; then
		mount -t tmpfs -o mode=0700 gb-containers /var/lib/containers
	else
		mount -t tmpfs -o mode=0755 gb-varlib /var/lib
	fi
}

ctr_run() {
	if [ "$(id -u)" = 0 ]; then
		unshare --mount --propagation private bash -c \
			". '$GB_ROOT/tests/lib/containers.sh' && ctr_hide_state && exec \"\$@\"" ctr_run "$@"
	else
		local h rc
		h=$(mktemp -d)
		HOME=$h "$@"; rc=$?
		rm -rf "$h"
		return $rc
	fi
}
