#!/usr/bin/env bash
# Matrix case 3: a non-root user (nobody, 65534) on a read-only root.
# bubblewrap (as root, no user namespace) binds "/" read-only with every
# mount below it, and one writable directory, /srv, owned by nobody; the
# binaries run there with setpriv.  Nothing may be written: /srv must be
# exactly as before (names, sizes, mtimes, contents) after every run.  A
# benchmark that needs a directory (bench_meta dir) given a read-only one
# must refuse clearly (exit 3, the directory named); given /srv it runs and
# leaves nothing behind.  The suite, with only a read-only /tmp, skips it
# with the reason.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
w=$mx_tmp/w

listing() { (cd "$w" && find . -printf '%p %s %T@ %m\n' | sort && find . -type f -exec md5sum {} + | sort); }
jail() {	# the wrapper: read-only root, writable /srv, user nobody
	echo bwrap --ro-bind / / --proc /proc --dev /dev --bind "$w" /srv --chdir /srv \
		setpriv --reuid=65534 --regid=65534 --clear-groups
}

mx_case 3 "nobody, read-only root"
if [ "$(id -u)" -ne 0 ]; then
	mx_skip_case "needs root (bubblewrap binds / read-only without a user namespace, setpriv to nobody)"
elif ! command -v bwrap >/dev/null || ! command -v setpriv >/dev/null; then
	mx_skip_case "bubblewrap or setpriv missing (apt-get install bubblewrap util-linux)"
else
	mkdir -p "$w" && echo "a file that must stay as it is" >"$w/keep" && chown -R 65534:65534 "$w"
	listing >"$mx_tmp/before"
	# shellcheck disable=SC2046
	if ! $(jail) true 2>"$mx_tmp/e"; then
		mx_skip_case "bubblewrap cannot bind / read-only here: $(head -1 "$mx_tmp/e")"
	else
		for b in $(bench_list); do
			mx_begin "$b" || continue
			note=
			if bench_meta "$b" dir >/dev/null; then
				MX_SCRATCH=/usr	# exists, read-only, not nobody's
				# shellcheck disable=SC2046
				mx_exec "$b" $(jail)
				is "$MX_RC" 3 "case 3 gb-$b: a read-only --dir is refused with exit 3"
				grep -q "/usr" "$MX_ERR"; ok $? "case 3 gb-$b: the message names the directory"
				mx_show_err
				MX_SCRATCH=/srv note="read-only --dir refused (exit 3)"
			fi
			# shellcheck disable=SC2046
			mx_exec "$b" $(jail)
			if mx_check_run "$b"; then
				mx_is env.uid 65534 "gb-$b"
			fi
			listing >"$mx_tmp/after"
			if [ -n "$note" ]; then
				# told to write in /srv: it may have, but nothing is left
				# (the directory's own mtime changes, nothing else)
				grep -v '^\. ' "$mx_tmp/before" >"$mx_tmp/before.entries"
				grep -v '^\. ' "$mx_tmp/after" | diff "$mx_tmp/before.entries" - >"$mx_tmp/diff"
				ok $? "case 3 gb-$b: --dir /srv: nothing left behind, nothing else changed"
				cp "$mx_tmp/after" "$mx_tmp/before"
			else
				diff "$mx_tmp/before" "$mx_tmp/after" >"$mx_tmp/diff"
				ok $? "case 3 gb-$b: nothing written in the writable directory"
			fi
			sed 's/^/#   /' "$mx_tmp/diff" | head -5
			mx_end "$b" "$note"
		done
		# the suite: no TMPDIR, /tmp read-only -> the benchmarks that need
		# a directory are skipped with the reason, the rest run
		if [ -x "$GB_BIN/guestbench" ]; then
			# shellcheck disable=SC2046
			env -u TMPDIR $(jail) "$GB_BIN/guestbench" suite --quick --format json >"$mx_tmp/s.json" 2>"$mx_tmp/s.err"
			ok $? "case 3 guestbench suite: exit 0"
			for b in $(bench_list); do
				bench_meta "$b" dir >/dev/null || continue
				is "$(jget "$mx_tmp/s.json" "skipped[bench=$b].status")" unavailable "case 3 suite: $b skipped"
				jget "$mx_tmp/s.json" "skipped[bench=$b].reason" | grep -q "writable"
				ok $? "case 3 suite: $b's reason says there is no writable directory"
			done
			listing >"$mx_tmp/after"
			diff -q "$mx_tmp/before" "$mx_tmp/after" >/dev/null; ok $? "case 3 suite: nothing written"
		else
			ok 1 "case 3: bin/guestbench is built"
		fi
	fi
fi
done_testing
