// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cell lifecycle: the root cell while the hypervisor runs, and the
 * non-root cells behind the CELL_CREATE, CELL_LOAD, CELL_START and
 * CELL_DESTROY ioctls, with upstream Jailhouse's semantics (its
 * driver/cell.c). The sysfs side of a cell is sysfs.c's.
 *
 * Every change happens under jailhouse_lock. A non-root cell's CPUs are
 * taken from Linux with remove_cpu() while they still belong to the root
 * cell (Linux parks them in the hypervisor with PSCI CPU_OFF), then handed
 * over by the CELL_CREATE hypercall; after CELL_DESTROY the hypervisor
 * gives them back to the root, and add_cpu() boots Linux on them again
 * (PSCI CPU_ON, under the hypervisor). Cell images are written through
 * memremap() of the cell's loadable regions, which the hypervisor maps
 * into the root cell during CELL_SET_LOADABLE.
 *
 * Hypercalls go out on whatever CPU the ioctl runs on: every online CPU
 * is a root CPU running on the hypervisor.
 */

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <jailhouse/cell-config.h>
#include <jailhouse/hypercall.h>
#include <jailhouse/jailhouse-ioctl.h>

#include "jailhouse.h"

#define JAILHOUSE_ROOT_CELL_ID	0
/* A region CELL_LOAD may write: the cell may write it, and it says so. */
#define JAILHOUSE_LOAD_FLAGS	(JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_LOADABLE)

struct jailhouse_cell *jailhouse_root_cell;

/* Every cell, the root first; under jailhouse_lock. */
static LIST_HEAD(cells);

/*
 * Guards every cell's cpus_assigned for sysfs show(), which must not take
 * jailhouse_lock (sysfs.c explains why). Writers hold both locks, so
 * readers under jailhouse_lock need not take this one.
 */
static DEFINE_SPINLOCK(cpus_lock);

void jailhouse_cell_get_cpus(const struct jailhouse_cell *cell,
			     struct cpumask *cpus)
{
	spin_lock(&cpus_lock);
	cpumask_copy(cpus, &cell->cpus_assigned);
	spin_unlock(&cpus_lock);
}

/*
 * Bytes a cell descriptor and its arrays occupy. Unlike the 32-bit
 * jailhouse_cell_config_size(), no count can make it wrap around.
 */
u64 jailhouse_cell_desc_size(const struct jailhouse_cell_desc *desc)
{
	return sizeof(*desc) + (u64)desc->cpu_set_size +
		(u64)desc->num_memory_regions * sizeof(struct jailhouse_memory) +
		(u64)desc->num_cache_regions * sizeof(struct jailhouse_cache) +
		(u64)desc->num_irqchips * sizeof(struct jailhouse_irqchip) +
		(u64)desc->num_pio_regions * sizeof(struct jailhouse_pio) +
		(u64)desc->num_pci_devices * sizeof(struct jailhouse_pci_device) +
		(u64)desc->num_pci_caps *
			sizeof(struct jailhouse_pci_capability) +
		(u64)desc->num_stream_ids * sizeof(__u32);
}

/* A hypercall's negative result as an errno for user space. */
static int jailhouse_errno(long result)
{
	return result >= -MAX_ERRNO ? (int)result : -EIO;
}

static void jailhouse_cell_free(struct jailhouse_cell *cell)
{
	kfree(cell->memory_regions);
	kfree(cell);
}

/* The release of a cell's kobject: the cell's last reference is gone. */
void jailhouse_cell_release(struct kobject *kobj)
{
	jailhouse_cell_free(container_of(kobj, struct jailhouse_cell, kobj));
}

/*
 * A new cell from a descriptor whose arrays are in memory behind it, not
 * yet in sysfs nor in the cell list. *@foreign_cpus tells whether the
 * CPU set names CPUs beyond this kernel's (nr_cpu_ids), which no cell
 * can get from the root.
 */
static struct jailhouse_cell *
jailhouse_cell_alloc(const struct jailhouse_cell_desc *desc, unsigned int id,
		     bool *foreign_cpus)
{
	/* Bytes, little endian: bit n of byte b is CPU 8 * b + n. */
	const u8 *cpu_set = (const u8 *)jailhouse_cell_cpu_set(desc);
	struct jailhouse_cell *cell;
	unsigned int bit;
	u32 byte;
	u64 cpu;

	cell = kzalloc(sizeof(*cell), GFP_KERNEL);
	if (!cell)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&cell->entry);
	INIT_LIST_HEAD(&cell->cpu_kobjs);
	cell->id = id;
	/* The config's name need not be NUL-terminated. */
	memcpy(cell->name, desc->name, JAILHOUSE_CELL_NAME_MAXLEN);
	cell->name[JAILHOUSE_CELL_NAME_MAXLEN] = '\0';
	cell->cpu_reset_address = desc->cpu_reset_address;

	*foreign_cpus = false;
	for (byte = 0; byte < desc->cpu_set_size; byte++) {
		for (bit = 0; bit < 8 && cpu_set[byte]; bit++) {
			if (!(cpu_set[byte] & (1U << bit)))
				continue;
			cpu = (u64)byte * 8 + bit;
			if (cpu < nr_cpu_ids)
				cpumask_set_cpu(cpu, &cell->cpus_assigned);
			else
				*foreign_cpus = true;
		}
	}

	cell->num_memory_regions = desc->num_memory_regions;
	cell->memory_regions = kmemdup(jailhouse_cell_mem_regions(desc),
				       desc->num_memory_regions *
				       sizeof(struct jailhouse_memory),
				       GFP_KERNEL);
	if (!cell->memory_regions) {
		kfree(cell);
		return ERR_PTR(-ENOMEM);
	}
	return cell;
}

/* The cell @id names, by number or (JAILHOUSE_CELL_ID_UNUSED) by name. */
static struct jailhouse_cell *
jailhouse_cell_find(const struct jailhouse_cell_id *id)
{
	struct jailhouse_cell *cell;

	list_for_each_entry(cell, &cells, entry) {
		if (id->id == JAILHOUSE_CELL_ID_UNUSED ?
		    strcmp(cell->name, id->name) == 0 :
		    id->id >= 0 && (unsigned int)id->id == cell->id)
			return cell;
	}
	return NULL;
}

static struct jailhouse_cell *jailhouse_cell_find_name(const char *name)
{
	struct jailhouse_cell *cell;

	list_for_each_entry(cell, &cells, entry)
		if (strcmp(cell->name, name) == 0)
			return cell;
	return NULL;
}

/* The lowest id no cell holds; the root holds 0. */
static unsigned int jailhouse_cell_free_id(void)
{
	struct jailhouse_cell *cell;
	unsigned int id = JAILHOUSE_ROOT_CELL_ID + 1;

retry:
	list_for_each_entry(cell, &cells, entry) {
		if (cell->id == id) {
			id++;
			goto retry;
		}
	}
	return id;
}

/*
 * Create cells/0 for the root cell of @config, with the CPUs of its
 * config that entered the hypervisor (@cpus): like upstream v0.12, only
 * those are the root's to lend and to take out at disable. Called under
 * jailhouse_lock once every online CPU runs on the hypervisor.
 */
int jailhouse_cell_create_root(const struct jailhouse_system *config,
			       const struct cpumask *cpus)
{
	struct jailhouse_cell *cell;
	bool foreign_cpus;
	unsigned int cpu;
	int err;

	cell = jailhouse_cell_alloc(&config->root_cell, JAILHOUSE_ROOT_CELL_ID,
				    &foreign_cpus);
	if (IS_ERR(cell))
		return PTR_ERR(cell);
	cpumask_and(&cell->cpus_assigned, &cell->cpus_assigned, cpus);

	err = jailhouse_sysfs_cell_create(cell);
	if (err)
		return err;
	for_each_cpu(cpu, &cell->cpus_assigned) {
		err = jailhouse_sysfs_cell_add_cpu(cell, cpu);
		if (err) {
			jailhouse_sysfs_cell_delete(cell);
			return err;
		}
	}
	list_add(&cell->entry, &cells);
	jailhouse_sysfs_cell_register(cell);
	jailhouse_root_cell = cell;
	return 0;
}

/*
 * Remove the root cell; under jailhouse_lock, after every non-root cell is
 * gone and while every online CPU still runs on the hypervisor.
 */
void jailhouse_cell_delete_root(void)
{
	if (!jailhouse_root_cell)
		return;
	list_del(&jailhouse_root_cell->entry);
	jailhouse_sysfs_cell_delete(jailhouse_root_cell);
	jailhouse_root_cell = NULL;
}

/*
 * Give the cell's cpu<n> statistics back to the root and remove the
 * cell's directory, which frees the cell.
 */
static void jailhouse_cell_delete(struct jailhouse_cell *cell)
{
	list_del(&cell->entry);
	jailhouse_sysfs_cell_return_cpus(cell, jailhouse_root_cell);
	jailhouse_sysfs_cell_delete(cell);
}

/* Boot Linux again on the CPUs it gave up for the cell. */
static void jailhouse_cell_online_cpus(struct jailhouse_cell *cell)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cell->cpus_offlined) {
		if (add_cpu(cpu) < 0)
			pr_err("Jailhouse: failed to bring CPU %u back online\n",
			       cpu);
		cpumask_clear_cpu(cpu, &cell->cpus_offlined);
	}
}

/* Move the cell's CPUs between the root's set and the cell's. */
static void jailhouse_cell_take_cpus(struct jailhouse_cell *cell)
{
	spin_lock(&cpus_lock);
	cpumask_andnot(&jailhouse_root_cell->cpus_assigned,
		       &jailhouse_root_cell->cpus_assigned,
		       &cell->cpus_assigned);
	spin_unlock(&cpus_lock);
}

static void jailhouse_cell_return_cpus(struct jailhouse_cell *cell)
{
	spin_lock(&cpus_lock);
	cpumask_or(&jailhouse_root_cell->cpus_assigned,
		   &jailhouse_root_cell->cpus_assigned, &cell->cpus_assigned);
	spin_unlock(&cpus_lock);
}

/* Check a cell config of @size bytes as upstream does, and its size. */
static int jailhouse_cell_config_check(const struct jailhouse_cell_desc *config,
				       u32 size)
{
	u64 needed;

	if (memcmp(config->signature, JAILHOUSE_CELL_DESC_SIGNATURE,
		   sizeof(config->signature)) != 0) {
		pr_err("jailhouse: Not a cell configuration\n");
		return -EINVAL;
	}
	if (config->revision != JAILHOUSE_CONFIG_REVISION) {
		pr_err("jailhouse: Configuration revision mismatch\n");
		return -EINVAL;
	}
	/* The hypervisor reads as much as the descriptor announces. */
	needed = jailhouse_cell_desc_size(config);
	if (needed > size) {
		pr_err("jailhouse: Cell configuration truncated (%u bytes, descriptor needs %llu)\n",
		       size, needed);
		return -EINVAL;
	}
	return 0;
}

int jailhouse_cmd_cell_create(struct jailhouse_cell_create __user *arg)
{
	struct jailhouse_cell_create params;
	struct jailhouse_cell_desc *config;
	struct jailhouse_cell *cell;
	bool foreign_cpus;
	unsigned int cpu;
	long result;
	int err;

	if (copy_from_user(&params, arg, sizeof(params)))
		return -EFAULT;
	if (params.config_size < sizeof(*config)) {
		pr_err("jailhouse: Not a cell configuration\n");
		return -EINVAL;
	}
	/*
	 * memdup_user() allocates with kmalloc(): physically contiguous, so
	 * the hypervisor can read the whole config at its __pa(). It copies
	 * the config during the hypercall; this copy goes afterwards.
	 */
	config = memdup_user(u64_to_user_ptr(params.config_address),
			     params.config_size);
	if (IS_ERR(config))
		return PTR_ERR(config);
	err = jailhouse_cell_config_check(config, params.config_size);
	if (err)
		goto free_config;
	config->name[JAILHOUSE_CELL_NAME_MAXLEN] = '\0';
	/* A cell that is to use the console must be allowed to. */
	if (config->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
		config->flags |= JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED;

	if (mutex_lock_interruptible(&jailhouse_lock) != 0) {
		err = -EINTR;
		goto free_config;
	}
	err = -EINVAL;
	if (!jailhouse_enabled)
		goto unlock;
	err = -EEXIST;
	if (jailhouse_cell_find_name(config->name))
		goto unlock;

	cell = jailhouse_cell_alloc(config, jailhouse_cell_free_id(),
				    &foreign_cpus);
	if (IS_ERR(cell)) {
		err = PTR_ERR(cell);
		goto unlock;
	}
	/* Only the root's CPUs can be given, and a cell needs one. */
	if (foreign_cpus || !cpumask_subset(&cell->cpus_assigned,
					    &jailhouse_root_cell->cpus_assigned))
		err = -EBUSY;
	else if (cpumask_empty(&cell->cpus_assigned))
		err = -EINVAL;
	else
		err = 0;
	if (err) {
		jailhouse_cell_free(cell);
		goto unlock;
	}
	config->id = cell->id;

	err = jailhouse_sysfs_cell_create(cell);
	if (err)
		goto unlock;	/* the cell is gone with its kobject */
	for_each_cpu(cpu, &cell->cpus_assigned) {
		err = jailhouse_sysfs_cell_take_cpu(cell, jailhouse_root_cell,
						    cpu);
		if (err)
			goto delete_cell;
	}

	/*
	 * A CPU the user took offline is parked in the hypervisor already;
	 * it comes back offline when the cell goes. remove_cpu() returns 1
	 * if the CPU went offline meanwhile.
	 */
	for_each_cpu(cpu, &cell->cpus_assigned) {
		if (!cpu_online(cpu))
			continue;
		err = remove_cpu(cpu);
		if (err < 0)
			goto online_cpus;
		if (err == 0)
			cpumask_set_cpu(cpu, &cell->cpus_offlined);
	}
	jailhouse_cell_take_cpus(cell);

	result = jailhouse_call_arg1(JAILHOUSE_HC_CELL_CREATE, __pa(config));
	if (result < 0) {
		err = jailhouse_errno(result);
		goto return_cpus;
	}

	list_add_tail(&cell->entry, &cells);
	jailhouse_sysfs_cell_register(cell);
	pr_info("Created Jailhouse cell \"%s\"\n", config->name);
	err = 0;

unlock:
	mutex_unlock(&jailhouse_lock);
free_config:
	kfree(config);
	return err;

return_cpus:
	jailhouse_cell_return_cpus(cell);
online_cpus:
	jailhouse_cell_online_cpus(cell);
delete_cell:
	jailhouse_cell_delete(cell);
	goto unlock;
}

/*
 * Take jailhouse_lock and look up the non-root cell @id names. On success
 * the caller holds the lock.
 */
static int jailhouse_cell_get(struct jailhouse_cell_id *id,
			      struct jailhouse_cell **cellp)
{
	struct jailhouse_cell *cell;
	int err;

	id->name[JAILHOUSE_CELL_ID_NAMELEN - 1] = '\0';
	if (mutex_lock_interruptible(&jailhouse_lock) != 0)
		return -EINTR;
	if (!jailhouse_enabled) {
		err = -EINVAL;
		goto unlock;
	}
	cell = jailhouse_cell_find(id);
	if (!cell) {
		err = -ENOENT;
		goto unlock;
	}
	/* The root cell comes and goes with enable and disable only. */
	if (cell == jailhouse_root_cell) {
		err = -EINVAL;
		goto unlock;
	}
	*cellp = cell;
	return 0;

unlock:
	mutex_unlock(&jailhouse_lock);
	return err;
}

static int jailhouse_load_image(const struct jailhouse_cell *cell,
				const struct jailhouse_preload_image __user *uimage)
{
	const struct jailhouse_memory *mem = NULL, *region;
	struct jailhouse_preload_image image;
	u64 offset, phys, page_offs, map_size;
	unsigned int n;
	void *map;
	int err = 0;

	if (copy_from_user(&image, uimage, sizeof(image)))
		return -EFAULT;
	if (image.size == 0)
		return 0;

	/* As upstream: the first region holding the target address decides. */
	for (n = 0; n < cell->num_memory_regions && !mem; n++) {
		region = &cell->memory_regions[n];
		if (image.target_address >= region->virt_start &&
		    image.target_address - region->virt_start < region->size)
			mem = region;
	}
	if (!mem)
		return -EINVAL;
	offset = image.target_address - mem->virt_start;
	if (image.size > mem->size - offset ||
	    (mem->flags & JAILHOUSE_LOAD_FLAGS) != JAILHOUSE_LOAD_FLAGS)
		return -EINVAL;

	phys = mem->phys_start + offset;
	page_offs = offset_in_page(phys);
	map_size = PAGE_ALIGN(image.size + page_offs);
	/* Only a region the hypervisor should have refused gets here. */
	if (map_size < image.size)
		return -EINVAL;
	map = memremap(phys - page_offs, map_size, MEMREMAP_WB);
	if (!map) {
		pr_err("jailhouse: Unable to map cell RAM at %08llx for image loading\n",
		       phys);
		return -EBUSY;
	}
	if (copy_from_user(map + page_offs,
			   u64_to_user_ptr(image.source_address), image.size))
		err = -EFAULT;
	/*
	 * The cell starts with its MMU and caches off: what was written must
	 * be in memory, and no stale instructions may be cached for it.
	 */
	jailhouse_clean_dcache_poc(map + page_offs, image.size);
	jailhouse_invalidate_icache(map + page_offs, image.size);
	memunmap(map);
	return err;
}

int jailhouse_cmd_cell_load(struct jailhouse_cell_load __user *arg)
{
	const struct jailhouse_preload_image __user *image = arg->image;
	struct jailhouse_cell_load load;
	struct jailhouse_cell *cell;
	long result;
	u32 n;
	int err;

	if (copy_from_user(&load, arg, sizeof(load)))
		return -EFAULT;
	err = jailhouse_cell_get(&load.cell_id, &cell);
	if (err)
		return err;

	/* Stops the cell and lends its loadable regions to the root. */
	result = jailhouse_call_arg1(JAILHOUSE_HC_CELL_SET_LOADABLE, cell->id);
	if (result < 0) {
		err = jailhouse_errno(result);
		goto unlock;
	}
	/* No images: "jailhouse cell shutdown". */
	for (n = 0; n < load.num_preload_images; n++) {
		err = jailhouse_load_image(cell, &image[n]);
		if (err)
			break;
	}

unlock:
	mutex_unlock(&jailhouse_lock);
	return err;
}

int jailhouse_cmd_cell_start(struct jailhouse_cell_id __user *arg)
{
	struct jailhouse_cell_id id;
	struct jailhouse_cell *cell;
	long result;
	int err;

	if (copy_from_user(&id, arg, sizeof(id)))
		return -EFAULT;
	err = jailhouse_cell_get(&id, &cell);
	if (err)
		return err;
	result = jailhouse_call_arg1(JAILHOUSE_HC_CELL_START, cell->id);
	mutex_unlock(&jailhouse_lock);
	return result < 0 ? jailhouse_errno(result) : 0;
}

/*
 * Destroy a non-root cell in the hypervisor, then give its CPUs back to
 * Linux and the root cell. If the hypervisor refuses, nothing changes.
 */
static int jailhouse_cell_destroy(struct jailhouse_cell *cell)
{
	long result;

	result = jailhouse_call_arg1(JAILHOUSE_HC_CELL_DESTROY, cell->id);
	if (result < 0)
		return jailhouse_errno(result);

	jailhouse_cell_return_cpus(cell);
	jailhouse_cell_online_cpus(cell);
	pr_info("Destroyed Jailhouse cell \"%s\"\n", cell->name);
	jailhouse_cell_delete(cell);
	return 0;
}

int jailhouse_cmd_cell_destroy(struct jailhouse_cell_id __user *arg)
{
	struct jailhouse_cell_id id;
	struct jailhouse_cell *cell;
	int err;

	if (copy_from_user(&id, arg, sizeof(id)))
		return -EFAULT;
	err = jailhouse_cell_get(&id, &cell);
	if (err)
		return err;
	err = jailhouse_cell_destroy(cell);
	mutex_unlock(&jailhouse_lock);
	return err;
}

/* Destroy every non-root cell, for disable; under jailhouse_lock. */
int jailhouse_cell_destroy_non_root(void)
{
	struct jailhouse_cell *cell, *tmp;
	int err;

	list_for_each_entry_safe(cell, tmp, &cells, entry) {
		if (cell == jailhouse_root_cell)
			continue;
		err = jailhouse_cell_destroy(cell);
		if (err) {
			pr_err("Jailhouse: failed to destroy cell \"%s\"\n",
			       cell->name);
			return err;
		}
	}
	return 0;
}
