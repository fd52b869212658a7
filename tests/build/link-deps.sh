#!/usr/bin/env bash
# A bare Debian has what the build and the tests use: every library of
# every link line (the binaries, the unit tests, the test tools, `make
# asan`, the fuzzers) and every program the tests run comes from a package
# that scripts/deps.sh or scripts/test-deps.sh installs, or that a minimal
# Debian (Priority required) or build-essential already holds.  A package
# that only happens to be on this machine (a CI image shipping gfortran)
# fails here, naming it, instead of on the first bare machine.
#
# The sets are dependency closures computed offline from dpkg's status:
# a package plus, recursively, its Depends and Pre-Depends, the first
# alternative installed here standing for "a | b", a virtual package for
# the one that provides it.
. "$(dirname "$0")/../lib/tap.sh"
cd "$GB_ROOT" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if ! command -v dpkg-query >/dev/null; then
	skip "no dpkg here: the package checks are for Debian" "link and tool packages"
	done_testing; exit
fi
if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' build-essential 2>/dev/null)" != "ii " ]; then
	skip "build-essential is not installed: its closure is what the bare machine has" "link and tool packages"
	done_testing; exit
fi

installed=$(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Provides}\t${Pre-Depends}, ${Depends}\t${Priority}\t${Essential}\n')
# closure SEED... - the seeds and all they depend on, one name a line
closure() {
	echo "$installed" | awk -F'\t' -v seeds="$*" '
	function want(p) { if (!(p in set)) { set[p] = 1; queue[qt++] = p } }
	function bare(s) { sub(/^ +/, "", s); sub(/[ (].*$/, "", s); sub(/:.*$/, "", s); return s }
	function pick(group,  alt, n, i, name, who) {	# "a (>= 1) | b" -> the one installed here
		n = split(group, alt, /\|/)
		for (i = 1; i <= n; i++) {
			name = bare(alt[i])
			if (name in inst) return name
			if (name in prov) { split(prov[name], who, " "); return who[1] }
		}
		return ""
	}
	$1 ~ /^ii/ {
		inst[$2] = 1; deps[$2] = $4
		n = split($3, v, /, */)
		for (i = 1; i <= n; i++) if (bare(v[i]) != "") prov[bare(v[i])] = prov[bare(v[i])] " " $2
	}
	END {
		n = split(seeds, s, " ")
		for (i = 1; i <= n; i++) want(s[i])
		while (qh < qt) {
			m = split(deps[queue[qh++]], g, /, */)
			for (j = 1; j <= m; j++) if ((c = pick(g[j])) != "") want(c)
		}
		for (p in set) print p
	}'
}
required=$(echo "$installed" | awk -F'\t' '$1 ~ /^ii/ && ($5 == "required" || $6 == "yes") { print $2 }')
deps_pkgs=$(sh scripts/deps.sh --list)
test_pkgs=$(sh scripts/test-deps.sh --list)
[ -n "$deps_pkgs" ] && [ -n "$test_pkgs" ]; ok $? "deps.sh and test-deps.sh list their packages"
declare -A from=()	# package -> who brings it (the first of these that does)
for p in $(closure "$deps_pkgs"); do from[$p]="deps.sh installs it"; done
for p in $(closure build-essential); do from[$p]=${from[$p]:-"build-essential pulls it in"}; done
declare -A from_tools=()
for p in $(closure "$required"); do from_tools[$p]="a minimal Debian has it"; done
for p in $(closure build-essential); do from_tools[$p]=${from_tools[$p]:-"build-essential pulls it in"}; done
for p in $(closure "$deps_pkgs"); do from_tools[$p]=${from_tools[$p]:-"deps.sh installs it"}; done
for p in $(closure "$test_pkgs"); do from_tools[$p]=${from_tools[$p]:-"test-deps.sh installs it"}; done

# The checks are queued (want_file WHAT PATH SET) and made at the end
# (check_files), after one dpkg-query for every file: it reads every
# package's file list, a second each time.
W_WHAT=() W_SET=() W_AS=() W_END=()	# W_AS: the path as named; W_END: where its symlinks lead
want_file() {
	W_WHAT+=("$1") W_SET+=("$3") W_AS+=("$(realpath -s "$2")") W_END+=("$(readlink -f "$2")")
}
declare -A owner=()	# path -> the packages owning it, space-separated
check_files() {
	local i line pk f
	# dpkg knows /bin/x as /bin/x even where /bin is /usr/bin: ask for
	# each path with and without /usr too
	while IFS= read -r line; do
		pk=${line%%: /*}; pk=${pk//,/ }
		owner[/${line#*: /}]=$(for p in $pk; do echo -n "${p%%:*} "; done)
	done < <(for f in "${W_AS[@]}" "${W_END[@]}"; do echo "$f"; echo "${f#/usr}"; echo "/usr$f"; done |
		sort -u | xargs dpkg-query -S 2>/dev/null | grep -v '^diversion')
	for i in "${!W_AS[@]}"; do check_file "$i"; done
}
owners() {	# PATH - the packages owning it (under any spelling), or nothing
	local p
	for p in "$1" "${1#/usr}" "/usr$1"; do [ -n "${owner[$p]:-}" ] && { echo "${owner[$p]}"; return; }; done
}
# check_file I - the I-th queued file, and what its symlinks lead to, come
# from packages in its set (an update-alternatives link belongs to no
# package: only its end counts)
check_file() {
	local i=$1 f pk why bad="" seen=""
	local -n known=${W_SET[$i]}
	local -a files=("${W_AS[$i]}")
	[ "${W_END[$i]}" != "${W_AS[$i]}" ] && files+=("${W_END[$i]}")
	for f in "${files[@]}"; do
		pk=$(owners "$f")
		if [ -z "$pk" ]; then
			[ "$f" = "${files[0]}" ] && [ ${#files[@]} -gt 1 ] && continue
			bad="$bad $f belongs to no package;"; continue
		fi
		for p in $pk; do
			why=${known[$p]:-}
			if [ -n "$why" ]; then seen="$seen $f: $p ($why);"
			else bad="$bad $f: $p, which nothing here installs or pulls in;"; fi
		done
	done
	[ -z "$bad" ]; ok $? "${W_WHAT[$i]}:${bad:-$seen}"
}

# --- libraries: every link line make would run, asked of make itself
links=$(make -s -n -B test asan 2>/dev/null | sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' |
	grep -E -e ' -o [^ ]' | grep -E -e '(^|[[:space:]])-l[^[:space:]]')
cc=$(echo "$links" | awk 'NR == 1 { print $1 }')
[ -n "$cc" ] && command -v "$cc" >/dev/null; ok $? "make -n shows the link lines (compiler: ${cc:-none})"
libs() {	# LINES - the -l words, sorted
	grep -oE '(^|[[:space:]])-l[A-Za-z0-9_+.-]+' | sed 's/^[[:space:]]*-l//' | sort -u
}
static_libs=$(echo "$links" | grep -e ' -static' | libs)
shared_libs=$(echo "$links" | grep -v -e ' -static' | libs)
[ -n "$static_libs" ] && [ -n "$shared_libs" ]; ok $? "static (the binaries) and shared (make asan) link lines found"
# the fuzzers link shared too, with the libraries listed in fuzz.sh
shared_libs=$(printf '%s\n%s\n' "$shared_libs" "$(grep -E '^[[:space:]]*\[fuzz_' tests/build/fuzz.sh | libs)" | sort -u)
# what the driver adds by itself: libc, libgcc, the start files
echo 'int main(void) { return 0; }' >"$tmp/x.c"; "$cc" -c "$tmp/x.c" -o "$tmp/x.o"
implicit() {	# FLAGS... - the -l and *.o the driver adds to a link command
	"$cc" "$@" -### "$tmp/x.o" -o "$tmp/x" 2>&1 | grep -E 'collect2|/ld ' | tr ' ' '\n' | tr -d '"' |
		grep -E '^-l[^ ]+$|^/.*\.o$' | grep -v "^$tmp/"
}
static_libs=$(printf '%s\n%s\n' "$static_libs" "$(implicit -static -pthread | libs)" | sort -u)
shared_libs=$(printf '%s\n%s\n' "$shared_libs" "$(implicit -pthread -fsanitize=address,undefined | libs)" | sort -u)
for l in $static_libs; do
	f=$("$cc" -print-file-name="lib$l.a")
	if [[ $f != /* ]]; then ok 1 "-l$l (static): lib$l.a not found: the link would fail"; continue; fi
	want_file "-l$l (static)" "$f" from
done
for l in $shared_libs; do
	f=$("$cc" -print-file-name="lib$l.so")
	[[ $f == /* ]] || f=$("$cc" -print-file-name="lib$l.a")	# -lgcc_s: a linker script or an archive
	if [[ $f != /* ]]; then ok 1 "-l$l (shared): lib$l.so not found: the link would fail"; continue; fi
	want_file "-l$l (shared)" "$f" from
done
for f in $( { implicit -static -pthread; implicit -pthread; } | grep '\.o$' | sort -u); do
	want_file "start file $(basename "$f")" "$f" from
done

# --- programs the tests run: the first word of each command in the test
# scripts, tests/run, scripts/ and the Makefile's recipes, plus absolute
# paths (/bin/true) anywhere in tests/.  Words that are no program here
# (shell functions, builtins, words of prose) drop out; a program not
# installed here at all is listed (its tests skip) but cannot be checked.
command_words() {
	{ cat tests/*/*.sh tests/run scripts/*.sh; sed -n 's/^\t[-@]*//p' Makefile; } |
	sed -E -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#[^"'\'']*$//' \
	    -e "s/'[^']*'/''/g" \
	    -e 's/^[[:space:]]*[^[:space:]()=$"]+([[:space:]]*\|[[:space:]]*[^[:space:]()=$"]+)*\)//' \
	    -e 's/(\$\(|`|\|\||&&|\||;|\)|^[[:space:]]*\(|\{[[:space:]]|![[:space:]])/\n/g' |
	sed -E -e 's/^[[:space:]]*((if|then|do|else|elif|while|until|time|exec|command( -v)?|sudo|\$SUDO)[[:space:]]+)*//' \
	       -e 's/^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*[[:space:]]+)*//' |
	awk '{ print $1 }' | grep -E '^[a-z][a-z0-9_.+-]*$'
	grep -rhoE '(^|[[:space:]"=])(/usr)?/s?bin/[a-z][a-z0-9_.+-]*' tests | grep -oE '/.*'
}
words=$(command_words | sort -u)
for w in $words; do
	if [[ $w == /* ]]; then
		[ -x "$w" ] && want_file "the tests run $w" "$w" from_tools
	elif [ "$(type -t "$w")" = file ]; then
		want_file "the tests run $w" "$(type -P "$w")" from_tools
	fi
done
check_files
# every program test-deps.sh installs is found by the scan: one it does
# not find is either run in a way the scan misses or no longer used
for t in $(grep -oE '^[a-z0-9.+-]+:/usr/s?bin/[^[:space:]]+' scripts/test-deps.sh | sed 's,.*/,,'); do
	echo "$words" | grep -qx -e "$t" -e "/usr/bin/$t" -e "/bin/$t"; ok $? "the scan finds $t (test-deps.sh installs it)"
done
done_testing
