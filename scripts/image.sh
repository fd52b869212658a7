#!/bin/sh
# image.sh OUTDIR GUESTBENCH - an OCI image holding only the static
# multi-call binary (/bin/guestbench), a /bin/gb-<bench> symlink to it for
# every benchmark it holds, and an empty /tmp (1777), entrypoint
# /bin/guestbench; written as OUTDIR/guestbench-oci.tar (an OCI layout in
# a tar: podman load, skopeo, ctr import) and OUTDIR/guestbench-docker.tar
# (docker load, podman load).  `make image` runs it; docs/image.md.
#
# Built with GNU tar (the layer), umoci (the OCI layout: config, labels,
# manifest) and skopeo (the two archives): plain files, no daemon, no
# storage driver, no mount, no network, no root.  Reproducible: every
# timestamp is SOURCE_DATE_EPOCH (default: the time of the git commit),
# entries are sorted, owners 0:0, modes fixed; the same binary and the same
# commit give the same digests.  tests/build/image.sh builds twice.
#
# Labels: IMAGE_SOURCE overrides org.opencontainers.image.source (default:
# the git remote's URL).  Exit status 2 for bad arguments, 3 when a tool
# is missing.
set -eu
me=image.sh
die() { echo "$me: $2" >&2; exit "$1"; }
[ $# -eq 2 ] || die 2 "usage: image.sh OUTDIR GUESTBENCH"
out=$1 bin=$2
[ -f "$bin" ] && [ -x "$bin" ] || die 2 "$bin is not an executable file"
# the image has no libc and no loader: only a static binary can run in it
file -L "$bin" | grep -qE 'statically linked|static-pie linked' ||
	die 2 "$bin is not statically linked: the image has no shared libraries"
for t in umoci skopeo; do
	command -v $t >/dev/null || die 3 "$t is missing (apt-get install $t; make image installs it)"
done
tar --help | grep -q -- '--sort' || die 3 "this tar cannot sort entries (GNU tar >= 1.28 needed)"

here=$(cd "$(dirname "$0")/.." && pwd)
git_() { git -C "$here" "$@" 2>/dev/null; }
version=$("$bin" --version | awk '{ print $2; exit }')
[ -n "$version" ] || die 2 "$bin --version printed no version: is it guestbench?"
revision=$(git_ rev-parse HEAD || echo unknown)
# a build from a changed tree says so: its revision alone would not
# describe what is in the image
[ "$revision" != unknown ] && [ -n "$(git_ status --porcelain --untracked-files=no)" ] && revision=$revision-dirty
source=${IMAGE_SOURCE:-$(git_ config --get remote.origin.url || echo unknown)}
sde=${SOURCE_DATE_EPOCH:-$(git_ log -1 --format=%ct || true)}
if [ -z "$sde" ]; then
	echo "$me: no SOURCE_DATE_EPOCH and no git commit: timestamps are 1970-01-01" >&2
	sde=0
fi
case $sde in *[!0-9]*) die 2 "SOURCE_DATE_EPOCH=$sde is not a number of seconds" ;; esac
created=$(date -u -d "@$sde" +%Y-%m-%dT%H:%M:%SZ)

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# --- the root filesystem, then one layer made of it
mkdir -p "$w/root/bin" "$w/root/tmp"
cp "$bin" "$w/root/bin/guestbench"
chmod 0755 "$w/root/bin" "$w/root/bin/guestbench"
chmod 1777 "$w/root/tmp"
# symlinks, not hard links: exec keeps the link's name as argv[0], which
# is how guestbench dispatches (registry/dispatch.c); a symlink is one tar
# header whatever the binary's size, and no importer can turn it into a
# second 28 MB copy (some do with hard links across layers and copies)
for b in $("$bin" --list); do ln -s guestbench "$w/root/bin/gb-$b"; done
tar_() {	# DIR ARGS...: a tar whose bytes depend only on the files' contents
	d=$1; shift
	tar --sort=name --mtime="@$sde" --owner=0 --group=0 --numeric-owner \
	    --format=ustar --no-acls --no-xattrs --no-selinux -C "$d" "$@"
}
tar_ "$w/root" -cf "$w/layer.tar" bin tmp

# --- the OCI layout: umoci adds the layer (gzip), the config and labels
L="$w/layout"
ref=$L:$version
umoci init --layout "$L"
umoci new --image "$ref"
umoci raw add-layer --image "$ref" --history.created "$created" \
	--history.created_by "scripts/image.sh (make image): guestbench $version" "$w/layer.tar"
umoci config --image "$ref" --no-history --created "$created" --os linux --architecture amd64 \
	--config.entrypoint /bin/guestbench --config.cmd --help --config.env PATH=/bin \
	--config.label "org.opencontainers.image.title=guestbench" \
	--config.label "org.opencontainers.image.version=$version" \
	--config.label "org.opencontainers.image.revision=$revision" \
	--config.label "org.opencontainers.image.source=$source" \
	--config.label "org.opencontainers.image.created=$created"
umoci gc --layout "$L"

# --- the archives.  skopeo names the image guestbench:VERSION in both and
# keeps every blob as it is.  The OCI layout is tarred here (skopeo's own
# oci-archive would carry the files' times); skopeo's docker-archive
# already has fixed times and order.
mkdir -p "$out"
rm -f "$out/guestbench-oci.tar" "$out/guestbench-docker.tar"
skopeo copy -q "oci:$ref" "oci:$w/named:guestbench:$version"
tar_ "$w/named" --mode=u+rw,go+r,go-w -cf "$out/guestbench-oci.tar" oci-layout index.json blobs
skopeo copy -q "oci:$ref" "docker-archive:$out/guestbench-docker.tar:guestbench:$version"

# --- what was built: digests and sizes.  The manifest digest names the
# image in a registry; the config digest is the image ID docker and
# podman show.  Compressed = what a pull transfers (the gzip layer, the
# config, the manifest); uncompressed = the layer as unpacked (podman
# images' SIZE).
blob() { echo "$w/named/blobs/sha256/${1#sha256:}"; }
digests() { grep -o '"digest":"sha256:[0-9a-f]*"' "$1" | cut -d'"' -f4; }
manifest=$(digests "$w/named/index.json")
config=$(digests "$(blob "$manifest")" | head -1)
layer=$(digests "$(blob "$manifest")" | tail -1)
size() { stat -c %s "$@" | awk '{ s += $1 } END { print s }'; }
compressed=$(size "$(blob "$manifest")" "$(blob "$config")" "$(blob "$layer")")
uncompressed=$(size "$w/layer.tar")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
{
	echo "image guestbench:$version"
	echo "digest $manifest"
	echo "id $config"
	echo "created $created"
	echo "revision $revision"
	echo "compressed_bytes $compressed"
	echo "uncompressed_bytes $uncompressed"
} >"$out/guestbench-image.txt"
echo "  IMAGE   $out/guestbench-oci.tar, $out/guestbench-docker.tar (guestbench:$version)"
echo "image guestbench:$version  digest $manifest  id $(echo "$config" | cut -c8-19)"
# the base image a Dockerfile would start from, measured once (docs/image.md)
echo "size: $(mb "$compressed") compressed (pulled), $(mb "$uncompressed") uncompressed;" \
	"a Debian 12 base: 48.7 MB / 121.4 MB (minbase), 28.2 MB / 76.8 MB (slim)"
