#!/bin/sh
# deps.sh [--list|--missing] - install, with apt-get, the Debian packages
# the build needs that are missing.  `make` runs it when one is missing
# (it asks `deps.sh --missing`); `make deps` runs it on request.  Installs
# nothing that is already there.  --list prints every package it stands for
# (tests/build/link-deps.sh checks each library of the link lines against it).
set -eu
here=$(dirname "$0")

# -lgfortran (OpenBLAS's LAPACK part is Fortran) is GCC's own runtime: its
# static archive sits in GCC's library directory and comes with the -dev
# package of that GCC's version (gcc 12 -> libgfortran-12-dev), which
# build-essential does not install.  Ask gcc, never name a version.
gfortran=
if command -v gcc >/dev/null 2>&1; then
	gfortran="libgfortran-$(gcc -dumpversion | cut -d. -f1)-dev:$(dirname "$(gcc -print-libgcc-file-name)")/libgfortran.a"
elif [ $# -eq 0 ]; then
	sh "$here/apt-want.sh" gcc:/usr/bin/gcc	# the compiler first, then ask it
	exec sh "$0"
fi

# package: a file that proves it is installed
want="
libopenblas-dev:/usr/lib/x86_64-linux-gnu/libopenblas.a
$gfortran
libnuma-dev:/usr/lib/x86_64-linux-gnu/libnuma.a
libhwloc-dev:/usr/lib/x86_64-linux-gnu/libhwloc.a
liburing-dev:/usr/lib/x86_64-linux-gnu/liburing.a
libjansson-dev:/usr/lib/x86_64-linux-gnu/libjansson.a
libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a
gcc:/usr/bin/gcc
file:/usr/bin/file
${GB_EXTRA_DEPS:-}
"
# shellcheck disable=SC2086
exec sh "$here/apt-want.sh" "$@" $want
