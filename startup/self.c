/* self.c - whether a program is static or dynamic (the label of a spawn
 * result); the file to execute again is gb_self_path (common/util). */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "startup.h"

const char *su_elf_linkage(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "unknown";
	Elf64_Ehdr eh;
	const char *res = "unknown";
	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		goto out;
	res = "static";
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) != (ssize_t)sizeof ph) {
			res = "unknown";
			break;
		}
		/* the program interpreter (ld.so) is what makes it dynamic */
		if (ph.p_type == PT_INTERP) {
			res = "dynamic";
			break;
		}
	}
out:
	close(fd);
	return res;
}
