/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State shared between the files of the jailhouse-rs driver. Only the
 * driver's own bookkeeping lives here; the ABI towards user space and the
 * hypervisor is in include/jailhouse/.
 */
#ifndef JAILHOUSE_DRIVER_H
#define JAILHOUSE_DRIVER_H

#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <jailhouse/cell-config.h>

struct jailhouse_cell_create;
struct jailhouse_cell_id;
struct jailhouse_cell_load;
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

/*
 * A cell as the driver knows it. Its kobject is the sysfs directory
 * cells/<id> and owns the structure: the last kobject_put() frees it
 * (jailhouse_cell_release()).
 */
struct jailhouse_cell {
	struct kobject kobj;
	struct list_head entry;		/* in cell.c's list; jailhouse_lock */
	unsigned int id;
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];
	/*
	 * Changed under jailhouse_lock and cell.c's CPU lock; sysfs show()
	 * reads it through jailhouse_cell_get_cpus().
	 */
	struct cpumask cpus_assigned;
	/* CPUs this driver took from Linux for the cell; jailhouse_lock. */
	struct cpumask cpus_offlined;
	/* The config's memory regions: where CELL_LOAD may write. */
	unsigned int num_memory_regions;
	struct jailhouse_memory *memory_regions;
	u64 cpu_reset_address;
	/* sysfs.c's: statistics/ and its cpu<n> directories. */
	struct kobject *stats_kobj;
	struct list_head cpu_kobjs;
};

/* The root cell while the hypervisor runs; under jailhouse_lock. */
extern struct jailhouse_cell *jailhouse_root_cell;

/* main.c: cache maintenance for memory another CPU reads uncached */
void jailhouse_clean_dcache_poc(void *addr, size_t size);
void jailhouse_invalidate_icache(void *addr, size_t size);

/* cell.c: cell lifecycle */
u64 jailhouse_cell_desc_size(const struct jailhouse_cell_desc *desc);
int jailhouse_cell_create_root(const struct jailhouse_system *config,
			       const struct cpumask *cpus);
void jailhouse_cell_delete_root(void);
int jailhouse_cmd_cell_create(struct jailhouse_cell_create __user *arg);
int jailhouse_cmd_cell_load(struct jailhouse_cell_load __user *arg);
int jailhouse_cmd_cell_start(struct jailhouse_cell_id __user *arg);
int jailhouse_cmd_cell_destroy(struct jailhouse_cell_id __user *arg);
int jailhouse_cell_destroy_non_root(void);
void jailhouse_cell_get_cpus(const struct jailhouse_cell *cell,
			     struct cpumask *cpus);
void jailhouse_cell_release(struct kobject *kobj);

/* sysfs.c: /sys/devices/jailhouse and its cells/ directory */
int jailhouse_sysfs_init(struct device *dev);
void jailhouse_sysfs_exit(struct device *dev);
int jailhouse_sysfs_cell_create(struct jailhouse_cell *cell);
int jailhouse_sysfs_cell_add_cpu(struct jailhouse_cell *cell,
				 unsigned int cpu);
int jailhouse_sysfs_cell_take_cpu(struct jailhouse_cell *cell,
				  struct jailhouse_cell *from, unsigned int cpu);
void jailhouse_sysfs_cell_return_cpus(struct jailhouse_cell *cell,
				      struct jailhouse_cell *to);
void jailhouse_sysfs_cell_register(struct jailhouse_cell *cell);
void jailhouse_sysfs_cell_delete(struct jailhouse_cell *cell);

/* console.c: the console as /dev/jailhouse and sysfs show it */
int jailhouse_console_open(struct inode *inode, struct file *file);
int jailhouse_console_release(struct inode *inode, struct file *file);
ssize_t jailhouse_console_read(struct file *file, char __user *out,
			       size_t size, loff_t *off);
ssize_t jailhouse_console_dump(char *buf);
void jailhouse_console_save(const struct jailhouse_virt_console *con);

#endif /* JAILHOUSE_DRIVER_H */
