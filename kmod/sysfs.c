// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /sys/devices/jailhouse attributes. Formats follow upstream Jailhouse's
 * Documentation/sysfs-entries.txt so that existing tools keep working.
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include "jailhouse.h"

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", jailhouse_enabled);
}

static DEVICE_ATTR_RO(enabled);

static struct attribute *jailhouse_sysfs_entries[] = {
	&dev_attr_enabled.attr,
	NULL
};

static const struct attribute_group jailhouse_attribute_group = {
	.name = NULL,
	.attrs = jailhouse_sysfs_entries,
};

int jailhouse_sysfs_init(struct device *dev)
{
	return sysfs_create_group(&dev->kobj, &jailhouse_attribute_group);
}

void jailhouse_sysfs_exit(struct device *dev)
{
	sysfs_remove_group(&dev->kobj, &jailhouse_attribute_group);
}
