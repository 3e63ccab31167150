// SPDX-License-Identifier: GPL-2.0-only
/*
 * jailhouse-rs driver: module entry, the /dev/jailhouse misc device and its
 * ioctl dispatch. The hypervisor itself is entered through the Linux
 * hyp-stub (see ARCHITECTURE.md section 3); nothing of it runs at EL1.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "jailhouse.h"

DEFINE_MUTEX(jailhouse_lock);
bool jailhouse_enabled;
struct device *jailhouse_dev;

static long jailhouse_ioctl(struct file *file, unsigned int ioctl,
			    unsigned long arg)
{
	/*
	 * Enabling the hypervisor and managing cells come with the
	 * hypervisor's root-cell support; until then every request is
	 * unknown, as upstream answers for ioctls it does not implement.
	 */
	return -EINVAL;
}

static const struct file_operations jailhouse_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = jailhouse_ioctl,
	.compat_ioctl = jailhouse_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice jailhouse_misc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "jailhouse",
	.fops = &jailhouse_fops,
};

static int __init jailhouse_init(void)
{
	int err;

	jailhouse_dev = root_device_register("jailhouse");
	if (IS_ERR(jailhouse_dev))
		return PTR_ERR(jailhouse_dev);

	err = jailhouse_sysfs_init(jailhouse_dev);
	if (err)
		goto unreg_dev;

	err = misc_register(&jailhouse_misc_dev);
	if (err)
		goto exit_sysfs;

	return 0;

exit_sysfs:
	jailhouse_sysfs_exit(jailhouse_dev);
unreg_dev:
	root_device_unregister(jailhouse_dev);
	return err;
}

static void __exit jailhouse_exit(void)
{
	misc_deregister(&jailhouse_misc_dev);
	jailhouse_sysfs_exit(jailhouse_dev);
	root_device_unregister(jailhouse_dev);
}

module_init(jailhouse_init);
module_exit(jailhouse_exit);

MODULE_DESCRIPTION("Loader for the jailhouse-rs partitioning hypervisor");
MODULE_LICENSE("GPL");
MODULE_FIRMWARE("jailhouse.bin");
MODULE_VERSION("0.1.0");
