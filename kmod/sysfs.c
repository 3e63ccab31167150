// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /sys/devices/jailhouse attributes. Formats follow upstream Jailhouse's
 * Documentation/sysfs-entries.txt so that existing tools keep working.
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include <jailhouse/header.h>
#include <jailhouse/hypercall.h>

#include "jailhouse.h"

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", jailhouse_enabled);
}

/* HYPERVISOR_GET_INFO of @type, or 0 while the hypervisor is not running. */
static ssize_t info_show(char *buf, unsigned long type)
{
	long val = 0;

	if (mutex_lock_interruptible(&jailhouse_lock) != 0)
		return -EINTR;
	if (jailhouse_enabled)
		val = jailhouse_call_arg1(JAILHOUSE_HC_HYPERVISOR_GET_INFO,
					  type);
	mutex_unlock(&jailhouse_lock);

	if (val < 0)
		return val;
	return sysfs_emit(buf, "%ld\n", val);
}

static ssize_t mem_pool_size_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return info_show(buf, JAILHOUSE_INFO_MEM_POOL_SIZE);
}

static ssize_t mem_pool_used_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return info_show(buf, JAILHOUSE_INFO_MEM_POOL_USED);
}

static ssize_t remap_pool_size_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return info_show(buf, JAILHOUSE_INFO_REMAP_POOL_SIZE);
}

static ssize_t remap_pool_used_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return info_show(buf, JAILHOUSE_INFO_REMAP_POOL_USED);
}

/*
 * The hypervisor's console ring, oldest byte first. Empty while the
 * hypervisor is not running or its virtual console is disabled.
 */
static ssize_t console_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return jailhouse_console_dump(buf);
}

static DEVICE_ATTR_RO(enabled);
static DEVICE_ATTR_RO(mem_pool_size);
static DEVICE_ATTR_RO(mem_pool_used);
static DEVICE_ATTR_RO(remap_pool_size);
static DEVICE_ATTR_RO(remap_pool_used);
static DEVICE_ATTR_RO(console);

static struct attribute *jailhouse_sysfs_entries[] = {
	&dev_attr_enabled.attr,
	&dev_attr_mem_pool_size.attr,
	&dev_attr_mem_pool_used.attr,
	&dev_attr_remap_pool_size.attr,
	&dev_attr_remap_pool_used.attr,
	&dev_attr_console.attr,
	NULL
};

static const struct attribute_group jailhouse_attribute_group = {
	.name = NULL,
	.attrs = jailhouse_sysfs_entries,
};

int jailhouse_sysfs_init(struct device *dev)
{
	int err;

	err = sysfs_create_group(&dev->kobj, &jailhouse_attribute_group);
	if (err)
		return err;
	err = jailhouse_cells_init(dev);
	if (err)
		sysfs_remove_group(&dev->kobj, &jailhouse_attribute_group);
	return err;
}

void jailhouse_sysfs_exit(struct device *dev)
{
	jailhouse_cells_exit();
	sysfs_remove_group(&dev->kobj, &jailhouse_attribute_group);
}
