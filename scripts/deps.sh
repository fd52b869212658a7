#!/bin/sh
# deps.sh - install, with apt-get, the Debian packages the build needs that
# are missing.  `make` runs it when a header or static library is absent;
# `make deps` runs it on request.  Installs nothing that is already there.
set -eu

# package: a file that proves it is installed
want="
libopenblas-dev:/usr/lib/x86_64-linux-gnu/libopenblas.a
libnuma-dev:/usr/lib/x86_64-linux-gnu/libnuma.a
libhwloc-dev:/usr/lib/x86_64-linux-gnu/libhwloc.a
liburing-dev:/usr/lib/x86_64-linux-gnu/liburing.a
libjansson-dev:/usr/lib/x86_64-linux-gnu/libjansson.a
libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a
gcc:/usr/bin/gcc
file:/usr/bin/file
${GB_EXTRA_DEPS:-}
"
exec sh "$(dirname "$0")/apt-want.sh" $want
