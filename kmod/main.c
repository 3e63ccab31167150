// SPDX-License-Identifier: GPL-2.0-only
/*
 * jailhouse-rs driver: module entry, the /dev/jailhouse misc device and its
 * ioctl dispatch, and enabling/disabling the hypervisor. Cells are cell.c's.
 *
 * The hypervisor is entered through the Linux hyp stub (ARCHITECTURE.md
 * section 3): HVC_SOFT_RESTART makes the stub branch to the image's entry
 * at EL2 with the MMU off. Nothing of the hypervisor runs at EL1, and only
 * exported kernel symbols are used. CPUs are entered one after the other;
 * the first one builds the hypervisor's shared translation tables.
 */

#include <linux/cpu.h>
#include <linux/firmware.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kprobes.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/cputype.h>
#include <asm/virt.h>

#include <jailhouse/cell-config.h>
#include <jailhouse/header.h>
#include <jailhouse/hypercall.h>
#include <jailhouse/jailhouse-ioctl.h>

#include "jailhouse.h"

#define JAILHOUSE_FW_NAME	"jailhouse.bin"
/* Larger system configs are refused before anything is allocated. */
#define JAILHOUSE_MAX_CONFIG	(1 << 20)
/* ID_AA64PFR0_EL1.EL2 (architectural; the macro name differs by kernel). */
#define JAILHOUSE_PFR0_EL2_SHIFT	8

DEFINE_MUTEX(jailhouse_lock);
bool jailhouse_enabled;
struct device *jailhouse_dev;
struct jailhouse_virt_console *jailhouse_console_page;

/* The running hypervisor's memory; valid while jailhouse_enabled. */
static void *hypervisor_mem;
static struct resource *hypervisor_mem_res;
/*
 * CPUs that entered the hypervisor during enable. Afterwards the root
 * cell's CPU set says which CPUs run Linux on the hypervisor.
 */
static struct cpumask entered_cpus;

struct jailhouse_entry_args {
	phys_addr_t entry;
	phys_addr_t hv_phys;
	u64 hv_size;
	long result[NR_CPUS];
};

static bool jailhouse_el2_verified;

/*
 * EL2 must be ours to take: the kernel does not run at EL2 itself (VHE),
 * and every CPU booted at EL2 so that Linux's hyp stub owns EL2. The
 * kernel's record of the boot mode (__boot_cpu_mode) is not exported; it
 * is looked up through kallsyms_lookup_name, found with a kprobe. Kernels
 * without CONFIG_KALLSYMS_ALL list no data symbols: there the hyp stub's
 * vectors (a text symbol) and an implemented EL2 must do, and the stub's
 * own answer (HVC_STUB_ERR) is checked on every CPU.
 */
static int jailhouse_check_el2(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long (*lookup)(const char *name);
	const u32 *boot_cpu_mode;
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);

	if (is_kernel_in_hyp_mode()) {
		pr_err("jailhouse: kernel runs at EL2 (VHE), EL2 is not available\n");
		return -ENODEV;
	}
	if (((pfr0 >> JAILHOUSE_PFR0_EL2_SHIFT) & 0xf) == 0) {
		pr_err("jailhouse: CPU implements no EL2\n");
		return -ENODEV;
	}
	if (register_kprobe(&kp) < 0) {
		pr_err("jailhouse: cannot find kallsyms_lookup_name (CONFIG_KPROBES?), cannot verify EL2\n");
		return -ENODEV;
	}
	lookup = (void *)kp.addr;
	unregister_kprobe(&kp);

	boot_cpu_mode = (const u32 *)lookup("__boot_cpu_mode");
	if (boot_cpu_mode) {
		/*
		 * A CPU that came online while the hypervisor ran booted at
		 * EL1 under it, and the record now says "EL1", although that
		 * CPU's EL2 still holds the hyp stub (the hypervisor puts it
		 * back on disable). So the record only counts until the
		 * first successful check.
		 */
		if (!jailhouse_el2_verified &&
		    (boot_cpu_mode[0] != BOOT_CPU_MODE_EL2 ||
		     boot_cpu_mode[1] != BOOT_CPU_MODE_EL2)) {
			pr_err("jailhouse: CPUs did not all boot at EL2, no hypervisor possible\n");
			return -ENODEV;
		}
		jailhouse_el2_verified = true;
		return 0;
	}
	if (!lookup("__hyp_stub_vectors")) {
		pr_err("jailhouse: no hyp stub in this kernel, cannot enter EL2\n");
		return -ENODEV;
	}
	return 0;
}

/*
 * Clean the data cache over [addr, addr + size) to the point of coherency,
 * for a reader with its caches off (the hypervisor at entry, a starting
 * cell). The kernel's PoC helpers are not exported on every kernel line.
 */
void jailhouse_clean_dcache_poc(void *addr, size_t size)
{
	unsigned long line = 4UL << ((read_cpuid_cachetype() >> 16) & 0xf);
	unsigned long p = (unsigned long)addr & ~(line - 1);
	unsigned long end = (unsigned long)addr + size;

	for (; p < end; p += line)
		asm volatile("dc cvac, %0" : : "r"(p) : "memory");
	dsb(sy);
}

/*
 * Invalidate the instruction caches of the inner shareable domain over
 * [addr, addr + size), after new code was written there and cleaned to
 * the point of coherency (upstream's flush_icache_range() does the same
 * for cell images).
 */
void jailhouse_invalidate_icache(void *addr, size_t size)
{
	unsigned long line = 4UL << (read_cpuid_cachetype() & 0xf);
	unsigned long p = (unsigned long)addr & ~(line - 1);
	unsigned long end = (unsigned long)addr + size;

	for (; p < end; p += line)
		asm volatile("ic ivau, %0" : : "r"(p) : "memory");
	dsb(ish);
	isb();
}

/* Runs on the CPU to enter, with interrupts off. */
static void jailhouse_enter_cpu(void *info)
{
	struct jailhouse_entry_args *args = info;
	register unsigned long x0 asm("x0") = HVC_SOFT_RESTART;
	register unsigned long x1 asm("x1") = args->entry;
	register unsigned long x2 asm("x2") = smp_processor_id();
	register unsigned long x3 asm("x3") = args->hv_phys;
	register unsigned long x4 asm("x4") = args->hv_size;

	/* The hypervisor preserves x18-x30 and returns its result in x0. */
	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
		     :
		     : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		       "x13", "x14", "x15", "x16", "x17", "memory", "cc");
	args->result[smp_processor_id()] = (long)x0;
}

static void jailhouse_leave_cpu(void *info)
{
	long *result = info;

	result[smp_processor_id()] = jailhouse_call(JAILHOUSE_HC_DISABLE);
}

/* DISABLE on every CPU in @cpus; returns the first error. */
static int jailhouse_leave_cpus(const struct cpumask *cpus, long *result)
{
	unsigned int cpu;
	int err = 0;

	for_each_cpu(cpu, cpus) {
		result[cpu] = -EIO;
		smp_call_function_single(cpu, jailhouse_leave_cpu, result, 1);
		if (result[cpu] != 0) {
			pr_err("jailhouse: CPU %u failed to leave the hypervisor: %ld\n",
			       cpu, result[cpu]);
			if (!err)
				err = result[cpu] < 0 && result[cpu] >= -4095 ?
				      result[cpu] : -EIO;
		}
	}
	return err;
}

/* Highest CPU in the root cell's CPU set + 1, or 0 if the set is empty. */
static unsigned int jailhouse_max_cpus(const u8 *cpu_set, u32 size)
{
	unsigned int max = 0, n;

	for (n = 0; n < size * 8; n++)
		if (cpu_set[n / 8] & (1 << (n % 8)))
			max = n + 1;
	return max;
}

/* Copy and check the system config; returns it (kvfree) or an ERR_PTR. */
static struct jailhouse_system *
jailhouse_get_config(struct jailhouse_system __user *arg, size_t *size)
{
	struct jailhouse_system header;
	struct jailhouse_system *config;
	const struct jailhouse_cell_desc *root = &header.root_cell;
	u64 config_size;

	if (copy_from_user(&header, arg, sizeof(header)))
		return ERR_PTR(-EFAULT);
	if (memcmp(header.signature, JAILHOUSE_SYSTEM_SIGNATURE,
		   sizeof(header.signature)) != 0) {
		pr_err("jailhouse: Not a system configuration\n");
		return ERR_PTR(-EINVAL);
	}
	if (header.revision != JAILHOUSE_CONFIG_REVISION) {
		pr_err("jailhouse: Configuration revision mismatch\n");
		return ERR_PTR(-EINVAL);
	}

	config_size = sizeof(header) - sizeof(header.root_cell) +
		      jailhouse_cell_desc_size(root);
	if (config_size > JAILHOUSE_MAX_CONFIG) {
		pr_err("jailhouse: Configuration too large (%llu bytes)\n",
		       config_size);
		return ERR_PTR(-EINVAL);
	}
	if (header.hypervisor_memory.size == 0 ||
	    !PAGE_ALIGNED(header.hypervisor_memory.phys_start) ||
	    !PAGE_ALIGNED(header.hypervisor_memory.size)) {
		pr_err("jailhouse: Hypervisor memory must be page aligned and not empty\n");
		return ERR_PTR(-EINVAL);
	}

	config = vmemdup_user(arg, config_size);
	if (IS_ERR(config))
		return config;
	/* User space may have changed the header between the two copies. */
	if (memcmp(config, &header, sizeof(header)) != 0) {
		kvfree(config);
		return ERR_PTR(-EINVAL);
	}
	*size = config_size;
	return config;
}

static int jailhouse_cmd_enable(struct jailhouse_system __user *arg)
{
	const struct jailhouse_header *fw_header;
	struct jailhouse_entry_args *args = NULL;
	struct jailhouse_header *header;
	struct jailhouse_virt_console *console_page;
	struct jailhouse_system *config;
	const struct firmware *fw = NULL;
	u64 hv_phys, hv_size, core_and_percpu;
	unsigned int max_cpus, cpu;
	size_t config_size;
	int err;

	config = jailhouse_get_config(arg, &config_size);
	if (IS_ERR(config))
		return PTR_ERR(config);

	max_cpus = jailhouse_max_cpus((const u8 *)(config + 1),
				      config->root_cell.cpu_set_size);
	if (max_cpus == 0) {
		pr_err("jailhouse: Root cell has no CPUs\n");
		err = -EINVAL;
		goto free_config;
	}
	hv_phys = config->hypervisor_memory.phys_start;
	hv_size = config->hypervisor_memory.size;

	if (mutex_lock_interruptible(&jailhouse_lock) != 0) {
		err = -EINTR;
		goto free_config;
	}
	err = -EBUSY;
	if (jailhouse_enabled || !try_module_get(THIS_MODULE))
		goto unlock;

	err = jailhouse_check_el2();
	if (err)
		goto put_module;

	err = request_firmware(&fw, JAILHOUSE_FW_NAME, jailhouse_dev);
	if (err) {
		pr_err("jailhouse: Missing hypervisor image %s\n",
		       JAILHOUSE_FW_NAME);
		goto put_module;
	}
	fw_header = (const struct jailhouse_header *)fw->data;
	err = -EINVAL;
	if (fw->size < sizeof(*fw_header) ||
	    memcmp(fw_header->signature, JAILHOUSE_SIGNATURE,
		   sizeof(fw_header->signature)) != 0 ||
	    !PAGE_ALIGNED(fw_header->core_size) ||
	    !PAGE_ALIGNED(fw_header->percpu_size) ||
	    fw_header->core_size < fw->size ||
	    fw_header->entry >= fw->size ||
	    fw_header->console_page + sizeof(struct jailhouse_virt_console) >
	    fw_header->core_size) {
		pr_err("jailhouse: Invalid hypervisor image %s\n",
		       JAILHOUSE_FW_NAME);
		goto release_fw;
	}
	core_and_percpu = fw_header->core_size +
			  (u64)max_cpus * fw_header->percpu_size;
	if (core_and_percpu + config_size > hv_size) {
		pr_err("jailhouse: Hypervisor memory too small (need %llu bytes + page pool)\n",
		       core_and_percpu + config_size);
		goto release_fw;
	}

	args = kzalloc(sizeof(*args), GFP_KERNEL);
	if (!args) {
		err = -ENOMEM;
		goto release_fw;
	}

	hypervisor_mem_res = request_mem_region(hv_phys, hv_size,
						"Jailhouse hypervisor");
	if (!hypervisor_mem_res) {
		pr_err("jailhouse: request_mem_region failed for hypervisor memory.\n");
		pr_notice("jailhouse: Did you reserve the memory with \"memmap=\" or \"mem=\"?\n");
		goto free_args;
	}
	hypervisor_mem = memremap(hv_phys, hv_size, MEMREMAP_WB);
	if (!hypervisor_mem) {
		pr_err("jailhouse: Unable to map RAM reserved for hypervisor at %08llx\n",
		       hv_phys);
		err = -ENOMEM;
		goto release_mem;
	}

	memcpy(hypervisor_mem, fw->data, fw->size);
	memset(hypervisor_mem + fw->size, 0, hv_size - fw->size);
	header = hypervisor_mem;
	header->max_cpus = max_cpus;
	header->arm_linux_hyp_abi = HYP_STUB_ABI_OPCODE;
	memcpy(hypervisor_mem + core_and_percpu, config, config_size);

	args->entry = hv_phys + header->entry;
	args->hv_phys = hv_phys;
	args->hv_size = hv_size;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (cpu >= max_cpus) {
			pr_err("jailhouse: CPU %u is online but not in the root cell\n",
			       cpu);
			cpus_read_unlock();
			goto unmap;
		}
	}
	header->online_cpus = num_online_cpus();
	/*
	 * Read the header now: once a CPU runs on the hypervisor, only the
	 * console page of the hypervisor memory is visible to Linux.
	 */
	console_page = hypervisor_mem + header->console_page;
	jailhouse_clean_dcache_poc(hypervisor_mem, hv_size);

	cpumask_clear(&entered_cpus);
	err = 0;
	for_each_online_cpu(cpu) {
		args->result[cpu] = -EIO;
		smp_call_function_single(cpu, jailhouse_enter_cpu, args, 1);
		if (args->result[cpu] != 0) {
			pr_err("jailhouse: CPU %u failed to enter the hypervisor: %ld\n",
			       cpu, args->result[cpu]);
			if (args->result[cpu] < 0 && args->result[cpu] >= -4095)
				err = args->result[cpu];
			else
				err = -ENODEV; /* e.g. HVC_STUB_ERR: no hyp stub */
			break;
		}
		cpumask_set_cpu(cpu, &entered_cpus);
	}
	/* Hypercalls from sysfs are safe now: every online CPU entered. */
	if (!err) {
		err = jailhouse_cell_create_root(config, &entered_cpus);
		if (err)
			pr_err("jailhouse: Cannot create the root cell's sysfs directory: %d\n",
			       err);
	}
	if (err) {
		/* All or nothing: take back the CPUs that did enter. */
		jailhouse_leave_cpus(&entered_cpus, args->result);
		cpumask_clear(&entered_cpus);
	}
	cpus_read_unlock();
	if (err) {
		/* Keep what the hypervisor said for `jailhouse console`. */
		if (config->flags & JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE)
			jailhouse_console_save(console_page);
		goto unmap;
	}

	if (config->flags & JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE)
		jailhouse_console_page = console_page;
	jailhouse_enabled = true;
	kfree(args);
	release_firmware(fw);
	mutex_unlock(&jailhouse_lock);
	kvfree(config);
	pr_info("The Jailhouse is opening.\n");
	return 0;

unmap:
	memunmap(hypervisor_mem);
	hypervisor_mem = NULL;
release_mem:
	release_mem_region(hv_phys, hv_size);
	hypervisor_mem_res = NULL;
free_args:
	kfree(args);
release_fw:
	release_firmware(fw);
put_module:
	module_put(THIS_MODULE);
unlock:
	mutex_unlock(&jailhouse_lock);
free_config:
	kvfree(config);
	return err;
}

static int jailhouse_cmd_disable(void)
{
	long *result;
	int err;

	result = kcalloc(nr_cpu_ids, sizeof(*result), GFP_KERNEL);
	if (!result)
		return -ENOMEM;

	if (mutex_lock_interruptible(&jailhouse_lock) != 0) {
		kfree(result);
		return -EINTR;
	}
	err = -EINVAL;
	if (!jailhouse_enabled)
		goto unlock;

	/* Before cpus_read_lock(): destroying a cell brings CPUs online. */
	err = jailhouse_cell_destroy_non_root();
	if (err)
		goto unlock;

	cpus_read_lock();
	/*
	 * Every root CPU must leave through DISABLE on itself: one the user
	 * took offline would stay parked in the hypervisor. Upstream compares
	 * num_online_cpus() with the root's CPU count; equal sets imply that,
	 * and only root CPUs can be online.
	 */
	if (!cpumask_equal(&jailhouse_root_cell->cpus_assigned,
			   cpu_online_mask)) {
		cpus_read_unlock();
		err = -EBUSY;
		goto unlock;
	}
	/*
	 * Its show() functions issue hypercalls: remove the root cell's
	 * directory (waiting for readers) while every CPU is still on the
	 * hypervisor.
	 */
	jailhouse_cell_delete_root();
	err = jailhouse_leave_cpus(cpu_online_mask, result);
	cpus_read_unlock();
	if (err)
		goto unlock;

	if (jailhouse_console_page)
		jailhouse_console_save(jailhouse_console_page);
	jailhouse_enabled = false;
	jailhouse_console_page = NULL;
	memunmap(hypervisor_mem);
	hypervisor_mem = NULL;
	release_mem_region(hypervisor_mem_res->start,
			   resource_size(hypervisor_mem_res));
	hypervisor_mem_res = NULL;
	module_put(THIS_MODULE);
	pr_info("The Jailhouse was closed.\n");

unlock:
	mutex_unlock(&jailhouse_lock);
	kfree(result);
	return err;
}

static long jailhouse_ioctl(struct file *file, unsigned int ioctl,
			    unsigned long arg)
{
	switch (ioctl) {
	case JAILHOUSE_ENABLE:
		return jailhouse_cmd_enable((struct jailhouse_system __user *)arg);
	case JAILHOUSE_DISABLE:
		return jailhouse_cmd_disable();
	case JAILHOUSE_CELL_CREATE:
		return jailhouse_cmd_cell_create((struct jailhouse_cell_create __user *)arg);
	case JAILHOUSE_CELL_LOAD:
		return jailhouse_cmd_cell_load((struct jailhouse_cell_load __user *)arg);
	case JAILHOUSE_CELL_START:
		return jailhouse_cmd_cell_start((struct jailhouse_cell_id __user *)arg);
	case JAILHOUSE_CELL_DESTROY:
		return jailhouse_cmd_cell_destroy((struct jailhouse_cell_id __user *)arg);
	default:
		return -EINVAL;
	}
}

static const struct file_operations jailhouse_fops = {
	.owner = THIS_MODULE,
	.open = jailhouse_console_open,
	.release = jailhouse_console_release,
	.read = jailhouse_console_read,
	.unlocked_ioctl = jailhouse_ioctl,
	.compat_ioctl = jailhouse_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice jailhouse_misc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "jailhouse",
	.fops = &jailhouse_fops,
};

/*
 * Reboot, halt or power-off with the hypervisor enabled: give the CPUs
 * back to Linux first, so that the firmware and a kexec'd kernel find
 * them as Linux booted them. -EINVAL means "not enabled".
 */
static int jailhouse_reboot_notify(struct notifier_block *nb,
				   unsigned long code, void *unused)
{
	int err = jailhouse_cmd_disable();

	if (err && err != -EINVAL)
		pr_emerg("jailhouse: ordered shutdown failed!\n");
	return NOTIFY_DONE;
}

static struct notifier_block jailhouse_reboot_nb = {
	.notifier_call = jailhouse_reboot_notify,
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

	err = register_reboot_notifier(&jailhouse_reboot_nb);
	if (err)
		goto unreg_misc;

	return 0;

unreg_misc:
	misc_deregister(&jailhouse_misc_dev);
exit_sysfs:
	jailhouse_sysfs_exit(jailhouse_dev);
unreg_dev:
	root_device_unregister(jailhouse_dev);
	return err;
}

static void __exit jailhouse_exit(void)
{
	unregister_reboot_notifier(&jailhouse_reboot_nb);
	misc_deregister(&jailhouse_misc_dev);
	jailhouse_sysfs_exit(jailhouse_dev);
	root_device_unregister(jailhouse_dev);
}

module_init(jailhouse_init);
module_exit(jailhouse_exit);

MODULE_DESCRIPTION("Loader for the jailhouse-rs partitioning hypervisor");
MODULE_LICENSE("GPL");
MODULE_FIRMWARE(JAILHOUSE_FW_NAME);
MODULE_VERSION("0.1.0");
