#!/usr/bin/env bash
# `make image` (scripts/image.sh, docs/image.md): an OCI archive and a
# docker-archive holding only /bin/guestbench, a /bin/gb-<bench> symlink
# for every benchmark the binary lists, and an empty /tmp (1777); the
# labels, the entrypoint; reproducible: two builds of the same binary
# (copies with other mtimes, other output directories) have the same
# digests and byte-identical archives, another SOURCE_DATE_EPOCH another
# digest; the sizes make image prints are the archive's.  Running the
# image is tests/env/podman.sh.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/containers.sh"
cd "$GB_ROOT" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
S=scripts/image.sh G=$GB_BIN/guestbench

# --- bad arguments: exit 2, a message, nothing written
"$S" >/dev/null 2>"$tmp/err"; is "$?" 2 "no arguments: exit 2"
"$S" "$tmp/bad" "$tmp/nonexistent" >/dev/null 2>"$tmp/err"; is "$?" 2 "a missing binary: exit 2"
grep -q "nonexistent is not an executable file" "$tmp/err"; ok $? "and it is named"
"$S" "$tmp/bad" /bin/true >/dev/null 2>"$tmp/err"; is "$?" 2 "a dynamic binary: exit 2"
grep -q "not statically linked" "$tmp/err"; ok $? "saying the image has no shared libraries"
[ ! -e "$tmp/bad" ]; ok $? "nothing written for a refused build"

why=
for t in umoci skopeo; do
	command -v $t >/dev/null || why="$why$t "
done
if [ -n "$why" ]; then
	skip "${why}not installed (scripts/test-deps.sh installs them)" "image builds"
	done_testing; exit
fi

# --- two builds of the same input: copies with different mtimes, other
# directories, a second apart
version=$("$G" --version | awk '{ print $2 }')
cp "$G" "$tmp/g1"; cp "$G" "$tmp/g2"; touch -d 2001-02-03 "$tmp/g2"
ctr_run "$S" "$tmp/a" "$tmp/g1" >"$tmp/a.out" 2>"$tmp/a.err"; ok $? "scripts/image.sh builds an image"
sed 's/^/#   /' "$tmp/a.err" | head -5
sleep 1
ctr_run "$S" "$tmp/b" "$tmp/g2" >/dev/null 2>&1; ok $? "and again, from a copy with another mtime"
for f in guestbench-oci.tar guestbench-docker.tar; do
	[ -s "$tmp/a/$f" ]; ok $? "$f written"
	cmp -s "$tmp/a/$f" "$tmp/b/$f"; ok $? "$f: both builds byte-identical"
done
dig() { sed -n "s/^$2 //p" "$1/guestbench-image.txt"; }
[ -n "$(dig "$tmp/a" digest)" ] && is "$(dig "$tmp/a" digest)" "$(dig "$tmp/b" digest)" "same manifest digest ($(dig "$tmp/a" digest | cut -c1-19))"
SOURCE_DATE_EPOCH=1000000000 ctr_run "$S" "$tmp/c" "$tmp/g1" >/dev/null 2>&1
[ "$(dig "$tmp/c" digest)" != "$(dig "$tmp/a" digest)" ]; ok $? "another SOURCE_DATE_EPOCH: another digest"

# --- what is in the OCI archive
x=$tmp/x; mkdir "$x"; tar -xf "$tmp/a/guestbench-oci.tar" -C "$x"
blob() { echo "$x/blobs/sha256/${1#sha256:}"; }
is "$(grep -o '"org.opencontainers.image.ref.name":"[^"]*"' "$x/index.json" | cut -d'"' -f4)" \
	"guestbench:$version" "the OCI archive names guestbench:$version"
m=$(blob "$(grep -o '"digest":"[^"]*"' "$x/index.json" | head -1 | cut -d'"' -f4)")
is "$(jget "$m" 'layers#')" 1 "one layer"
cfg=$(blob "$(jget "$m" config.digest)")
layer=$(blob "$(jget "$m" 'layers[0].digest')")
is "$(jget "$cfg" config.Entrypoint)" '["/bin/guestbench"]' "entrypoint /bin/guestbench"
is "$(jget "$cfg" architecture).$(jget "$cfg" os)" "amd64.linux" "amd64, linux"
label() { jget "$cfg" "config.Labels" | grep -o "\"org.opencontainers.image.$1\": *\"[^\"]*\"" | sed 's/.*: *"//;s/"$//'; }
is "$(label title)" guestbench "label title"
is "$(label version)" "$version" "label version = the binary's"
if rev=$(git rev-parse HEAD 2>/dev/null); then
	label revision | grep -qE "^$rev(-dirty)?$"; ok $? "label revision = the commit ($(label revision))"
	sde=$(git log -1 --format=%ct)
	is "$(label created)" "$(date -u -d "@$sde" +%Y-%m-%dT%H:%M:%SZ)" "label created = the commit's time"
	is "$(jget "$cfg" created)" "$(label created)" "and so is the image's created"
else
	skip "not a git checkout" "revision and created from the commit"
	sde=$(date -u -d "$(label created)" +%s)
fi
[ -n "$(label source)" ]; ok $? "label source ($(label source))"
grep -q '^created 2001-09-09T01:46:40Z' "$tmp/c/guestbench-image.txt"; ok $? "SOURCE_DATE_EPOCH sets created"

# the layer: exactly bin/, the binary, a link per benchmark, tmp/
want=$( { echo "drwxr-xr-x 0/0 bin/"; echo "-rwxr-xr-x 0/0 bin/guestbench"
	for b in $("$G" --list); do echo "lrwxrwxrwx 0/0 bin/gb-$b -> guestbench"; done
	echo "drwxrwxrwt 0/0 tmp/"; } | sort)
got=$(tar -tvzf "$layer" --numeric-owner | awk '{ $3 = $4 = $5 = ""; print }' | tr -s ' ' | sort)
is "$got" "$want" "the layer holds the binary, one symlink per benchmark ($("$G" --list | wc -l)) and /tmp 1777, owned 0:0"
[ -n "$want" ] && [ "$(tar -tvzf "$layer" --full-time | awk '{ print $4 "T" $5 }' | sort -u)" = \
	"$(date -u -d "@$sde" +%Y-%m-%dT%H:%M:%S)" ]
ok $? "every entry's mtime is the commit's time"
tar -xzf "$layer" -C "$tmp" bin/guestbench -O | cmp -s - "$G"; ok $? "/bin/guestbench is bin/guestbench, byte for byte"
mkdir "$tmp/root"; tar -xzf "$layer" -C "$tmp/root"
"$tmp/root/bin/gb-syscall" --help 2>&1 | head -1 | grep -q "^gb-syscall "; ok $? "a link runs its benchmark (gb-syscall --help)"

# --- the docker-archive: the same layer and config, named guestbench:VERSION
d=$tmp/d2; mkdir "$d"; tar -xf "$tmp/a/guestbench-docker.tar" -C "$d"
# (docker.io/library/ is what docker itself writes for a bare name)
grep -qE "\"RepoTags\":\[\"(docker.io/library/)?guestbench:$version\"\]" "$d/manifest.json"
ok $? "docker-archive manifest.json names guestbench:$version"
dl=$(grep -o '"Layers":\["[^"]*"' "$d/manifest.json" | cut -d'"' -f4)
is "sha256:$(sha256sum <"$d/$dl" | cut -c1-64)" "$(jget "$cfg" 'rootfs.diff_ids[0]')" "its layer is the OCI layer, uncompressed (diff_id)"

# --- the sizes printed: the archive's own
size() { stat -c %s "$@" | awk '{ s += $1 } END { print s }'; }
is "$(dig "$tmp/a" compressed_bytes)" "$(size "$m" "$cfg" "$layer")" "compressed size = manifest + config + gzip layer"
is "$(dig "$tmp/a" uncompressed_bytes)" "$(gzip -dc "$layer" | wc -c)" "uncompressed size = the layer's tar"
out=$(ctr_run make -s image IMAGE_DIR="$tmp/m" 2>&1); ok $? "make image IMAGE_DIR=... succeeds"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
line=$(echo "$out" | grep '^size: ')
echo "# $line"
echo "$line" | grep -qF "$(mb "$(dig "$tmp/m" compressed_bytes)") compressed"; ok $? "make image prints the compressed size"
echo "$line" | grep -qF "$(mb "$(dig "$tmp/m" uncompressed_bytes)") uncompressed"; ok $? "and the uncompressed size"
echo "$line" | grep -q "Debian 12"; ok $? "next to a Debian base image's"
done_testing
