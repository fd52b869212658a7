# shellcheck shell=bash
# tests/lib/benches.sh - the benchmarks under test and how to run each one
# quickly (source it).  One place, so a new benchmark is covered by every
# environment test without editing them: a word in the Makefile's BENCHES,
# and at most one line in BENCH_META below.
#   bench_list              the Makefile's BENCHES
#   quick_args BENCH DIR    its --quick arguments, writing only in DIR
#   bench_meta BENCH KEY    one fact about it from BENCH_META ("" if none)

bench_list() { make -s -C "$GB_ROOT" list-benches; }

quick_args() {
	case $1 in
	diskio) echo "--quick --format json --dir $2" ;;	# writes only where told
	*) echo "--quick --format json" ;;
	esac
}

# What the environment matrix (tests/lib/matrix.sh) checks per benchmark,
# as KEY=JSON-PATH words; a bare word is a flag.  A benchmark with no line
# gets the checks every binary gets (exit status, JSON, fingerprint).
#   memsize   the bytes it sized to the effective memory (case 7)
#   threads   the thread count it used: follows the effective CPUs (case 6)
#   numa      where it says how memory was placed: "unavailable: ..." (case 5)
#   pages     the page size it got, and coverage its huge-page share (case 8)
#   uring     where an io_uring refusal's errno is recorded (case 4)
#   dir       it needs a writable directory (quick_args gives it one)
#   net       it needs a network: with none (new network namespace), an
#             exit 3 with a reason on stderr is a correct answer
declare -A BENCH_META=(
	[syscall]="uring=unavailable[name=io_uring_nop].error"
	[stream]="memsize=config.size threads=config.threads numa=config.numa_placement pages=config.pages_used coverage=config.huge_coverage"
	[randomaccess]="memsize=config.size threads=config.threads numa=config.numa_used pages=config.pages_used coverage=config.huge_coverage"
	[linpack]="threads=config.threads numa=config.numa_used"
	[diskio]="dir uring=config.io_uring_error"
	[netlat]="net"
	[cpu]="threads=config.threads"
	[timer]="threads=config.threads"
)

bench_meta() {
	local w
	for w in ${BENCH_META[$1]:-}; do
		case $w in
		"$2"=*) echo "${w#*=}"; return 0 ;;
		"$2") echo yes; return 0 ;;
		esac
	done
	return 1
}
