// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /sys/devices/jailhouse attributes and the cells/<id> directories of
 * all cells, root and non-root alike: name, state, CPUs and exit
 * statistics, the latter read from the hypervisor with hypercalls. Formats
 * follow upstream Jailhouse's Documentation/sysfs-entries.txt so that
 * existing tools keep working. Which cells exist, and when, is cell.c's
 * business.
 *
 * Cell directories exist only while every online CPU runs on the
 * hypervisor: the root's is created after the last CPU entered and removed
 * before the first one leaves, non-root cells are all destroyed before
 * that, and a CPU that comes back from a cell boots under the hypervisor.
 * Removing a kobject waits for show() calls in progress, so show() may
 * issue hypercalls on whatever CPU it runs on, without jailhouse_lock
 * (which the remover holds). A cell's CPU set changes while its directory
 * exists (the root lends CPUs to other cells), so show() reads a snapshot
 * of it.
 */

#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/slab.h>
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

/* statistics/cpu<n> of a cell. */
struct jailhouse_cpu_kobj {
	struct kobject kobj;
	unsigned int cpu;
	struct list_head entry;		/* in the owning cell's cpu_kobjs */
};

/* A statistics file: which CPU_GET_INFO statistic it shows. */
struct jailhouse_stat_attr {
	struct kobj_attribute kattr;
	unsigned int index;
};

/* /sys/devices/jailhouse/cells */
static struct kobject *cells_dir;

static struct jailhouse_cell *to_cell(struct kobject *kobj)
{
	return container_of(kobj, struct jailhouse_cell, kobj);
}

static struct jailhouse_cpu_kobj *to_cpu_kobj(struct kobject *kobj)
{
	return container_of(kobj, struct jailhouse_cpu_kobj, kobj);
}

static unsigned int stat_code(struct kobj_attribute *attr)
{
	return JAILHOUSE_CPU_INFO_STAT_BASE +
	       container_of(attr, struct jailhouse_stat_attr, kattr)->index;
}

/* A snapshot of the cell's CPUs in a new mask (free_cpumask_var). */
static bool cell_cpus(const struct jailhouse_cell *cell, cpumask_var_t *cpus)
{
	if (!alloc_cpumask_var(cpus, GFP_KERNEL))
		return false;
	jailhouse_cell_get_cpus(cell, *cpus);
	return true;
}

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_cell(kobj)->name);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	const char *state;

	switch (jailhouse_call_arg1(JAILHOUSE_HC_CELL_GET_STATE,
				    to_cell(kobj)->id)) {
	case JAILHOUSE_CELL_RUNNING:
		state = "running";
		break;
	case JAILHOUSE_CELL_RUNNING_LOCKED:
		state = "running/locked";
		break;
	case JAILHOUSE_CELL_SHUT_DOWN:
		state = "shut down";
		break;
	case JAILHOUSE_CELL_FAILED:
		state = "failed";
		break;
	case JAILHOUSE_CELL_FAILED_COMM_REV:
		state = "Comm ABI mismatch";
		break;
	default:
		state = "invalid";
		break;
	}
	return sysfs_emit(buf, "%s\n", state);
}

/* The cell's CPUs as "%*pb" or as a list. */
static ssize_t cpus_assigned_emit(struct kobject *kobj, char *buf, bool list)
{
	cpumask_var_t cpus;
	ssize_t len;

	if (!cell_cpus(to_cell(kobj), &cpus))
		return -ENOMEM;
	if (list)
		len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(cpus));
	else
		len = sysfs_emit(buf, "%*pb\n", cpumask_pr_args(cpus));
	free_cpumask_var(cpus);
	return len;
}

static ssize_t cpus_assigned_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return cpus_assigned_emit(kobj, buf, false);
}

static ssize_t cpus_assigned_list_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return cpus_assigned_emit(kobj, buf, true);
}

/* The cell's CPUs that the hypervisor reports as failed. */
static ssize_t cpus_failed_emit(struct kobject *kobj, char *buf, bool list)
{
	cpumask_var_t cpus, failed;
	unsigned int cpu;
	ssize_t len;

	if (!cell_cpus(to_cell(kobj), &cpus))
		return -ENOMEM;
	if (!zalloc_cpumask_var(&failed, GFP_KERNEL)) {
		free_cpumask_var(cpus);
		return -ENOMEM;
	}
	for_each_cpu(cpu, cpus)
		if (jailhouse_call_arg2(JAILHOUSE_HC_CPU_GET_INFO, cpu,
					JAILHOUSE_CPU_INFO_STATE) ==
		    JAILHOUSE_CPU_FAILED)
			cpumask_set_cpu(cpu, failed);
	if (list)
		len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(failed));
	else
		len = sysfs_emit(buf, "%*pb\n", cpumask_pr_args(failed));
	free_cpumask_var(failed);
	free_cpumask_var(cpus);
	return len;
}

static ssize_t cpus_failed_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return cpus_failed_emit(kobj, buf, false);
}

static ssize_t cpus_failed_list_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return cpus_failed_emit(kobj, buf, true);
}

/* statistics/<stat>: the sum over the cell's CPUs. */
static ssize_t cell_stat_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	unsigned int code = stat_code(attr);
	unsigned long sum = 0;
	cpumask_var_t cpus;
	unsigned int cpu;
	long value;

	/* The statistics kobject pins its parent, the cell. */
	if (!cell_cpus(to_cell(kobj->parent), &cpus))
		return -ENOMEM;
	for_each_cpu(cpu, cpus) {
		value = jailhouse_call_arg2(JAILHOUSE_HC_CPU_GET_INFO, cpu,
					    code);
		if (value > 0)
			sum += value;
	}
	free_cpumask_var(cpus);
	return sysfs_emit(buf, "%lu\n", sum);
}

/* statistics/cpu<n>/<stat>: one CPU's counter. */
static ssize_t cpu_stat_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	long value;

	value = jailhouse_call_arg2(JAILHOUSE_HC_CPU_GET_INFO,
				    to_cpu_kobj(kobj)->cpu, stat_code(attr));
	if (value < 0)
		value = 0;
	return sysfs_emit(buf, "%d\n", (int)value);
}

/* The arm64 statistics in CPU_GET_INFO order: X(sysfs name, index). */
#define JAILHOUSE_STATS(X)						\
	X(vmexits_total, JAILHOUSE_CPU_STAT_VMEXITS_TOTAL)		\
	X(vmexits_mmio, JAILHOUSE_CPU_STAT_VMEXITS_MMIO)		\
	X(vmexits_management, JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT)	\
	X(vmexits_hypercall, JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL)	\
	X(vmexits_maintenance, JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE)	\
	X(vmexits_virt_irq, JAILHOUSE_CPU_STAT_VMEXITS_VIRQ)		\
	X(vmexits_virt_sgi, JAILHOUSE_CPU_STAT_VMEXITS_VSGI)		\
	X(vmexits_psci, JAILHOUSE_CPU_STAT_VMEXITS_PSCI)		\
	X(vmexits_smccc, JAILHOUSE_CPU_STAT_VMEXITS_SMCCC)

#define JAILHOUSE_CELL_STAT(_name, _index)				\
	static struct jailhouse_stat_attr cell_stat_##_name = {	\
		.kattr = __ATTR(_name, 0444, cell_stat_show, NULL),	\
		.index = _index,					\
	};
#define JAILHOUSE_CPU_STAT(_name, _index)				\
	static struct jailhouse_stat_attr cpu_stat_##_name = {		\
		.kattr = __ATTR(_name, 0444, cpu_stat_show, NULL),	\
		.index = _index,					\
	};
#define JAILHOUSE_CELL_STAT_REF(_name, _index)	&cell_stat_##_name.kattr.attr,
#define JAILHOUSE_CPU_STAT_REF(_name, _index)	&cpu_stat_##_name.kattr.attr,

JAILHOUSE_STATS(JAILHOUSE_CELL_STAT)
JAILHOUSE_STATS(JAILHOUSE_CPU_STAT)

static struct attribute *cell_stats_attrs[] = {
	JAILHOUSE_STATS(JAILHOUSE_CELL_STAT_REF)
	NULL
};

static const struct attribute_group cell_stats_group = {
	.attrs = cell_stats_attrs,
};

static struct attribute *cpu_stats_attrs[] = {
	JAILHOUSE_STATS(JAILHOUSE_CPU_STAT_REF)
	NULL
};
ATTRIBUTE_GROUPS(cpu_stats);

static struct kobj_attribute cell_name_attr = __ATTR_RO(name);
static struct kobj_attribute cell_state_attr = __ATTR_RO(state);
static struct kobj_attribute cell_cpus_assigned_attr =
	__ATTR_RO(cpus_assigned);
static struct kobj_attribute cell_cpus_assigned_list_attr =
	__ATTR_RO(cpus_assigned_list);
static struct kobj_attribute cell_cpus_failed_attr = __ATTR_RO(cpus_failed);
static struct kobj_attribute cell_cpus_failed_list_attr =
	__ATTR_RO(cpus_failed_list);

static struct attribute *cell_attrs[] = {
	&cell_name_attr.attr,
	&cell_state_attr.attr,
	&cell_cpus_assigned_attr.attr,
	&cell_cpus_assigned_list_attr.attr,
	&cell_cpus_failed_attr.attr,
	&cell_cpus_failed_list_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(cell);

static void jailhouse_cpu_kobj_release(struct kobject *kobj)
{
	kfree(to_cpu_kobj(kobj));
}

/* Not const: kobject_init() takes a non-const pointer before Linux 6.2. */
static struct kobj_type jailhouse_cell_type = {
	.release = jailhouse_cell_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cell_groups,
};

static struct kobj_type jailhouse_cpu_kobj_type = {
	.release = jailhouse_cpu_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cpu_stats_groups,
};

static struct jailhouse_cpu_kobj *
jailhouse_cell_find_cpu(struct jailhouse_cell *cell, unsigned int cpu)
{
	struct jailhouse_cpu_kobj *c;

	list_for_each_entry(c, &cell->cpu_kobjs, entry)
		if (c->cpu == cpu)
			return c;
	return NULL;
}

/*
 * Remove a cell's directory, children first (kobject_del() waits for
 * show() calls in progress), and drop the reference that frees the cell.
 * Copes with a partly built cell. Called under jailhouse_lock.
 */
void jailhouse_sysfs_cell_delete(struct jailhouse_cell *cell)
{
	struct jailhouse_cpu_kobj *c, *tmp;

	list_for_each_entry_safe(c, tmp, &cell->cpu_kobjs, entry) {
		list_del(&c->entry);
		kobject_del(&c->kobj);
		kobject_put(&c->kobj);
	}
	if (cell->stats_kobj) {
		kobject_del(cell->stats_kobj);
		kobject_put(cell->stats_kobj);
		cell->stats_kobj = NULL;
	}
	kobject_del(&cell->kobj);
	kobject_put(&cell->kobj);
}

/*
 * Create cells/<id> and its statistics directory, without cpu<n>
 * directories, and without announcing it (jailhouse_sysfs_cell_register()
 * does that once the cell exists). On failure the cell has been freed.
 */
int jailhouse_sysfs_cell_create(struct jailhouse_cell *cell)
{
	int err;

	err = kobject_init_and_add(&cell->kobj, &jailhouse_cell_type, cells_dir,
				   "%u", cell->id);
	if (err) {
		kobject_put(&cell->kobj);
		return err;
	}
	cell->stats_kobj = kobject_create_and_add("statistics", &cell->kobj);
	if (!cell->stats_kobj) {
		err = -ENOMEM;
		goto delete;
	}
	err = sysfs_create_group(cell->stats_kobj, &cell_stats_group);
	if (err)
		goto delete;
	return 0;

delete:
	jailhouse_sysfs_cell_delete(cell);
	return err;
}

/* Add statistics/cpu<cpu> to the cell. */
int jailhouse_sysfs_cell_add_cpu(struct jailhouse_cell *cell, unsigned int cpu)
{
	struct jailhouse_cpu_kobj *c;
	int err;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->cpu = cpu;
	err = kobject_init_and_add(&c->kobj, &jailhouse_cpu_kobj_type,
				   cell->stats_kobj, "cpu%u", cpu);
	if (err) {
		kobject_put(&c->kobj);
		return err;
	}
	list_add_tail(&c->entry, &cell->cpu_kobjs);
	return 0;
}

/*
 * Give statistics/cpu<cpu> to @cell, which takes the CPU from @from: like
 * upstream, the directory itself moves. If @from lacks it (moving it back
 * failed once), @cell gets a new one. On failure nothing changed.
 */
int jailhouse_sysfs_cell_take_cpu(struct jailhouse_cell *cell,
				  struct jailhouse_cell *from, unsigned int cpu)
{
	struct jailhouse_cpu_kobj *c = jailhouse_cell_find_cpu(from, cpu);
	int err;

	if (!c)
		return jailhouse_sysfs_cell_add_cpu(cell, cpu);
	err = kobject_move(&c->kobj, cell->stats_kobj);
	if (err)
		return err;
	list_move_tail(&c->entry, &cell->cpu_kobjs);
	return 0;
}

/*
 * Move every cpu<n> directory of @cell to @to, which gets the CPUs back.
 * One that cannot move goes with @cell; @to's next lender recreates it.
 */
void jailhouse_sysfs_cell_return_cpus(struct jailhouse_cell *cell,
				      struct jailhouse_cell *to)
{
	struct jailhouse_cpu_kobj *c, *tmp;

	list_for_each_entry_safe(c, tmp, &cell->cpu_kobjs, entry) {
		if (kobject_move(&c->kobj, to->stats_kobj) == 0)
			list_move_tail(&c->entry, &to->cpu_kobjs);
		else
			pr_warn("jailhouse: cannot move statistics/cpu%u to cell \"%s\"\n",
				c->cpu, to->name);
	}
}

/* Announce a complete cell directory to user space. */
void jailhouse_sysfs_cell_register(struct jailhouse_cell *cell)
{
	kobject_uevent(&cell->kobj, KOBJ_ADD);
}

int jailhouse_sysfs_init(struct device *dev)
{
	int err;

	err = sysfs_create_group(&dev->kobj, &jailhouse_attribute_group);
	if (err)
		return err;
	cells_dir = kobject_create_and_add("cells", &dev->kobj);
	if (!cells_dir) {
		sysfs_remove_group(&dev->kobj, &jailhouse_attribute_group);
		return -ENOMEM;
	}
	return 0;
}

void jailhouse_sysfs_exit(struct device *dev)
{
	kobject_put(cells_dir);
	cells_dir = NULL;
	sysfs_remove_group(&dev->kobj, &jailhouse_attribute_group);
}
