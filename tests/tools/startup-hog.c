/* startup-hog MiB [TEXT] - a known footprint for gb-startup launch
 * --footprint: allocate MiB mebibytes, write every page (so they are
 * private and dirty), print TEXT (default "hog ready") and wait to be
 * killed.  The test expects private_dirty >= MiB and well under 2 x. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 0;
	if (mib <= 0) {
		fprintf(stderr, "usage: startup-hog MiB [TEXT]\n");
		return 2;
	}
	size_t len = (size_t)mib << 20;
	/* mmap, not malloc: no allocator slack in the figure */
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("startup-hog: mmap");
		return 1;
	}
	for (size_t i = 0; i < len; i += 4096)
		p[i] = (char)(i >> 12 | 1);	/* non-zero: a dirty private page each */
	printf("%s\n", argc > 2 ? argv[2] : "hog ready");
	fflush(stdout);
	for (;;)
		pause();
}
