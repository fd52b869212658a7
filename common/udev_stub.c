/* udev_stub.c - the five libudev functions Debian's static libhwloc.a calls.
 *
 * Debian builds hwloc with libudev support but ships no libudev.a, so a
 * static link fails on these symbols.  hwloc uses udev only to look up
 * optional attributes of OS devices (disk serial numbers and the like),
 * and its Linux backend checks udev_new() for NULL and then reads /sys
 * itself.  Returning NULL here makes hwloc take that path: the CPU, cache
 * and NUMA topology benchmarks need are unaffected (tests/unit/test_topo
 * loads a topology through this stub).  Linked as a plain object, outside
 * libgbcommon.a, so it is present whenever -lhwloc is. */
#include <stddef.h>

struct udev;
struct udev_device;

struct udev *udev_new(void);
struct udev *udev_unref(struct udev *udev);
struct udev_device *udev_device_new_from_subsystem_sysname(struct udev *udev, const char *subsystem,
							  const char *sysname);
const char *udev_device_get_property_value(struct udev_device *dev, const char *key);
struct udev_device *udev_device_unref(struct udev_device *dev);

struct udev *udev_new(void) { return NULL; }
struct udev *udev_unref(struct udev *udev) { (void)udev; return NULL; }
struct udev_device *udev_device_new_from_subsystem_sysname(struct udev *udev, const char *subsystem,
							  const char *sysname)
{
	(void)udev; (void)subsystem; (void)sysname;
	return NULL;
}
const char *udev_device_get_property_value(struct udev_device *dev, const char *key)
{
	(void)dev; (void)key;
	return NULL;
}
struct udev_device *udev_device_unref(struct udev_device *dev) { (void)dev; return NULL; }
