// SPDX-License-Identifier: GPL-2.0-only
/*
 * The root cell's sysfs directory /sys/devices/jailhouse/cells/0: name,
 * state, CPUs and exit statistics, the latter read from the hypervisor
 * with hypercalls. Formats follow upstream Jailhouse's
 * Documentation/sysfs-entries.txt.
 *
 * The directory exists only while every online CPU runs on the
 * hypervisor: it is created after the last CPU entered and removed before
 * the first one leaves, and removing a kobject waits for show() calls in
 * progress. So show() may issue hypercalls on whatever CPU it runs on,
 * without jailhouse_lock (which the remover holds).
 */

#include <linux/cpumask.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <jailhouse/cell-config.h>
#include <jailhouse/hypercall.h>

#include "jailhouse.h"

#define JAILHOUSE_ROOT_CELL_ID	0

struct jailhouse_cell {
	struct kobject kobj;
	unsigned int id;
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];
	struct cpumask cpus_assigned;
	struct kobject *stats_kobj;
	struct list_head cpus;		/* struct jailhouse_cpu_kobj */
};

/* statistics/cpu<n> of a cell. */
struct jailhouse_cpu_kobj {
	struct kobject kobj;
	unsigned int cpu;
	struct list_head entry;
};

/* A statistics file: which CPU_GET_INFO statistic it shows. */
struct jailhouse_stat_attr {
	struct kobj_attribute kattr;
	unsigned int index;
};

/* /sys/devices/jailhouse/cells */
static struct kobject *cells_dir;
/* The root cell while the hypervisor runs; under jailhouse_lock. */
static struct jailhouse_cell *root_cell;

static struct jailhouse_cell *to_cell(struct kobject *kobj)
{
	return container_of(kobj, struct jailhouse_cell, kobj);
}

static unsigned int stat_code(struct kobj_attribute *attr)
{
	return JAILHOUSE_CPU_INFO_STAT_BASE +
	       container_of(attr, struct jailhouse_stat_attr, kattr)->index;
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

static ssize_t cpus_assigned_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%*pb\n",
			  cpumask_pr_args(&to_cell(kobj)->cpus_assigned));
}

static ssize_t cpus_assigned_list_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%*pbl\n",
			  cpumask_pr_args(&to_cell(kobj)->cpus_assigned));
}

/* The cell's CPUs that the hypervisor reports as failed, as "%*pb" or list. */
static ssize_t cpus_failed_emit(struct kobject *kobj, char *buf, bool list)
{
	struct jailhouse_cell *cell = to_cell(kobj);
	cpumask_var_t failed;
	unsigned int cpu;
	ssize_t len;

	if (!zalloc_cpumask_var(&failed, GFP_KERNEL))
		return -ENOMEM;
	for_each_cpu(cpu, &cell->cpus_assigned)
		if (jailhouse_call_arg2(JAILHOUSE_HC_CPU_GET_INFO, cpu,
					JAILHOUSE_CPU_INFO_STATE) ==
		    JAILHOUSE_CPU_FAILED)
			cpumask_set_cpu(cpu, failed);
	if (list)
		len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(failed));
	else
		len = sysfs_emit(buf, "%*pb\n", cpumask_pr_args(failed));
	free_cpumask_var(failed);
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
	/* The statistics kobject pins its parent, the cell. */
	struct jailhouse_cell *cell = to_cell(kobj->parent);
	unsigned int code = stat_code(attr);
	unsigned long sum = 0;
	unsigned int cpu;
	long value;

	for_each_cpu(cpu, &cell->cpus_assigned) {
		value = jailhouse_call_arg2(JAILHOUSE_HC_CPU_GET_INFO, cpu,
					    code);
		if (value > 0)
			sum += value;
	}
	return sysfs_emit(buf, "%lu\n", sum);
}

/* statistics/cpu<n>/<stat>: one CPU's counter. */
static ssize_t cpu_stat_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct jailhouse_cpu_kobj *c =
		container_of(kobj, struct jailhouse_cpu_kobj, kobj);
	long value;

	value = jailhouse_call_arg2(JAILHOUSE_HC_CPU_GET_INFO, c->cpu,
				    stat_code(attr));
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

static void jailhouse_cell_release(struct kobject *kobj)
{
	kfree(to_cell(kobj));
}

static void jailhouse_cpu_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct jailhouse_cpu_kobj, kobj));
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

/*
 * Remove a cell's directory, children first; kobject_del() waits for
 * show() calls in progress. Copes with a partly built cell.
 */
static void jailhouse_cell_delete(struct jailhouse_cell *cell)
{
	struct jailhouse_cpu_kobj *c, *tmp;

	list_for_each_entry_safe(c, tmp, &cell->cpus, entry) {
		list_del(&c->entry);
		kobject_del(&c->kobj);
		kobject_put(&c->kobj);
	}
	if (cell->stats_kobj) {
		kobject_del(cell->stats_kobj);
		kobject_put(cell->stats_kobj);
	}
	kobject_del(&cell->kobj);
	kobject_put(&cell->kobj);
}

static int jailhouse_cell_add_cpu(struct jailhouse_cell *cell, unsigned int cpu)
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
	list_add_tail(&c->entry, &cell->cpus);
	return 0;
}

/*
 * Create cells/0 for the root cell of @config. Called under
 * jailhouse_lock once every online CPU runs on the hypervisor.
 */
int jailhouse_cell_create_root(const struct jailhouse_system *config)
{
	const struct jailhouse_cell_desc *desc = &config->root_cell;
	const u8 *cpu_set = (const u8 *)(config + 1);
	struct jailhouse_cell *cell;
	unsigned int cpu;
	int err;

	cell = kzalloc(sizeof(*cell), GFP_KERNEL);
	if (!cell)
		return -ENOMEM;
	cell->id = JAILHOUSE_ROOT_CELL_ID;
	INIT_LIST_HEAD(&cell->cpus);
	/* The config's name need not be NUL-terminated. */
	memcpy(cell->name, desc->name, JAILHOUSE_CELL_NAME_MAXLEN);
	cell->name[JAILHOUSE_CELL_NAME_MAXLEN] = '\0';
	for (cpu = 0; cpu < desc->cpu_set_size * 8 && cpu < nr_cpu_ids; cpu++)
		if (cpu_set[cpu / 8] & (1 << (cpu % 8)))
			cpumask_set_cpu(cpu, &cell->cpus_assigned);

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
	for_each_cpu(cpu, &cell->cpus_assigned) {
		err = jailhouse_cell_add_cpu(cell, cpu);
		if (err)
			goto delete;
	}
	kobject_uevent(&cell->kobj, KOBJ_ADD);
	root_cell = cell;
	return 0;

delete:
	jailhouse_cell_delete(cell);
	return err;
}

/*
 * Remove cells/0; under jailhouse_lock while every online CPU still runs
 * on the hypervisor.
 */
void jailhouse_cell_delete_root(void)
{
	if (!root_cell)
		return;
	jailhouse_cell_delete(root_cell);
	root_cell = NULL;
}

int jailhouse_cells_init(struct device *dev)
{
	cells_dir = kobject_create_and_add("cells", &dev->kobj);
	return cells_dir ? 0 : -ENOMEM;
}

void jailhouse_cells_exit(void)
{
	kobject_put(cells_dir);
	cells_dir = NULL;
}
