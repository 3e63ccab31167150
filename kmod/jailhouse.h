/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State shared between the files of the jailhouse-rs driver. Only the
 * driver's own bookkeeping lives here; the ABI towards user space and the
 * hypervisor is in include/jailhouse/.
 */
#ifndef JAILHOUSE_DRIVER_H
#define JAILHOUSE_DRIVER_H

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mutex.h>

struct jailhouse_system;
struct jailhouse_virt_console;

/* Serialises every state change of the hypervisor and its cells. */
extern struct mutex jailhouse_lock;
/* True while the hypervisor runs; written under jailhouse_lock. */
extern bool jailhouse_enabled;
/* The root device behind /sys/devices/jailhouse. */
extern struct device *jailhouse_dev;
/*
 * The hypervisor's console ring while it runs, NULL if the system config
 * does not enable the virtual console; written under jailhouse_lock.
 */
extern struct jailhouse_virt_console *jailhouse_console_page;

int jailhouse_sysfs_init(struct device *dev);
void jailhouse_sysfs_exit(struct device *dev);

/* cell.c: /sys/devices/jailhouse/cells */
int jailhouse_cells_init(struct device *dev);
void jailhouse_cells_exit(void);
int jailhouse_cell_create_root(const struct jailhouse_system *config);
void jailhouse_cell_delete_root(void);

/* console.c: the console as /dev/jailhouse and sysfs show it */
int jailhouse_console_open(struct inode *inode, struct file *file);
int jailhouse_console_release(struct inode *inode, struct file *file);
ssize_t jailhouse_console_read(struct file *file, char __user *out,
			       size_t size, loff_t *off);
ssize_t jailhouse_console_dump(char *buf);
void jailhouse_console_save(const struct jailhouse_virt_console *con);

#endif /* JAILHOUSE_DRIVER_H */
