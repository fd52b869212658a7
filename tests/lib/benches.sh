# tests/lib/benches.sh - the benchmarks under test and how to run each one
# quickly (source it).  One place, so a new benchmark is covered by every
# environment test without editing them.
#   bench_list              the Makefile's BENCHES
#   quick_args BENCH DIR    its --quick arguments, writing only in DIR

bench_list() { make -s -C "$GB_ROOT" list-benches; }

quick_args() {
	case $1 in
	diskio) echo "--quick --format json --dir $2" ;;	# writes only where told
	*) echo "--quick --format json" ;;
	esac
}
