/* self.c - which file to execute again (the no-op child), and whether a
 * program is static or dynamic (the label of a spawn result). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "startup.h"

const char *st_self_path(char *why, size_t len)
{
	static char path[4096];
	/* resolved once: executing the /proc/self/exe link itself would make
	 * the kernel resolve it again in every timed round */
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	int proc_errno = errno;
	if (n > 0) {
		path[n] = 0;
		if (access(path, X_OK) == 0)
			return path;
		proc_errno = errno;
	}
	/* AT_EXECFN is the name this process was executed by: works with no
	 * /proc (a VM's initramfs before mounting it) as long as the cwd
	 * has not changed */
	const char *fn = (const char *)getauxval(AT_EXECFN);
	if (fn && access(fn, X_OK) == 0)
		return fn;
	snprintf(why, len, "cannot find this program to execute it again: /proc/self/exe: %s; "
		 "AT_EXECFN %s: %s", strerror(proc_errno), fn ? fn : "(none)", strerror(errno));
	return NULL;
}

const char *st_elf_linkage(const char *path)
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
