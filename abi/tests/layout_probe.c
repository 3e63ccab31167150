/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Layout probe for the jailhouse-abi cross-check (abi/tests/layout.rs).
 *
 * Compiled with the host C compiler against the headers in
 * include/jailhouse and run;
 * prints one "<kind> <name> <value>" line per fact:
 *
 *   size    <struct>            sizeof
 *   align   <struct>            alignment
 *   offset  <struct>.<field>    offsetof (nested fields with dots)
 *   bit     <struct>.<field>    byte offset * 8 + bit of a 1-bit bit-field
 *   const   <MACRO>             numeric value (signed decimal)
 *   bytes   <MACRO>             string constant as hex, without the NUL
 *
 * The Rust test builds the same lines from the Rust twins and compares.
 * Every struct member of the headers must appear here; a new member
 * without a line is only caught by the size check.
 */
#include <stdio.h>
#include <string.h>

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>
#include <jailhouse/hypercall.h>
#include <jailhouse/header.h>
#include <jailhouse/jailhouse-ioctl.h>

#define SIZE(s)								\
	do {								\
		printf("size %s %zu\n", #s, sizeof(struct s));		\
		printf("align %s %zu\n", #s,				\
		       (size_t)__alignof__(struct s));			\
	} while (0)
#define OFF(s, f)							\
	printf("offset %s.%s %zu\n", #s, #f,				\
	       (size_t)__builtin_offsetof(struct s, f))
#define MSIZE(s, f)							\
	printf("size %s.%s %zu\n", #s, #f, sizeof(((struct s *)0)->f))
#define CONST(c) printf("const %s %lld\n", #c, (long long)(c))
#define BYTES(c) print_bytes(#c, c, sizeof(c) - 1)

static void print_bytes(const char *name, const char *s, size_t len)
{
	size_t i;

	printf("bytes %s ", name);
	for (i = 0; i < len; i++)
		printf("%02x", (unsigned char)s[i]);
	printf("\n");
}

/* Position of a 1-bit bit-field: set it in a zeroed struct and look. */
#define BIT(s, f)							\
	do {								\
		struct s v;						\
		memset(&v, 0, sizeof(v));				\
		v.f = 1;						\
		print_bit(#s "." #f, &v, sizeof(v));			\
	} while (0)

static void print_bit(const char *name, const void *obj, size_t size)
{
	const unsigned char *p = obj;
	size_t i;
	int b;

	for (i = 0; i < size; i++)
		for (b = 0; b < 8; b++)
			if (p[i] & (1u << b))
				printf("bit %s %zu\n", name, i * 8 + b);
}

static void cell_config(void)
{
	SIZE(jailhouse_console);
	OFF(jailhouse_console, address);
	OFF(jailhouse_console, size);
	OFF(jailhouse_console, type);
	OFF(jailhouse_console, flags);
	OFF(jailhouse_console, divider);
	OFF(jailhouse_console, gate_nr);
	OFF(jailhouse_console, clock_reg);

	SIZE(jailhouse_cell_desc);
	OFF(jailhouse_cell_desc, signature);
	OFF(jailhouse_cell_desc, revision);
	OFF(jailhouse_cell_desc, name);
	MSIZE(jailhouse_cell_desc, name);
	OFF(jailhouse_cell_desc, id);
	OFF(jailhouse_cell_desc, flags);
	OFF(jailhouse_cell_desc, cpu_set_size);
	OFF(jailhouse_cell_desc, num_memory_regions);
	OFF(jailhouse_cell_desc, num_cache_regions);
	OFF(jailhouse_cell_desc, num_irqchips);
	OFF(jailhouse_cell_desc, num_pio_regions);
	OFF(jailhouse_cell_desc, num_pci_devices);
	OFF(jailhouse_cell_desc, num_pci_caps);
	OFF(jailhouse_cell_desc, num_stream_ids);
	OFF(jailhouse_cell_desc, vpci_irq_base);
	OFF(jailhouse_cell_desc, cpu_reset_address);
	OFF(jailhouse_cell_desc, msg_reply_timeout);
	OFF(jailhouse_cell_desc, console);

	SIZE(jailhouse_memory);
	OFF(jailhouse_memory, phys_start);
	OFF(jailhouse_memory, virt_start);
	OFF(jailhouse_memory, size);
	OFF(jailhouse_memory, flags);

	SIZE(jailhouse_cache);
	OFF(jailhouse_cache, start);
	OFF(jailhouse_cache, size);
	OFF(jailhouse_cache, type);
	OFF(jailhouse_cache, padding);
	OFF(jailhouse_cache, flags);

	SIZE(jailhouse_irqchip);
	OFF(jailhouse_irqchip, address);
	OFF(jailhouse_irqchip, id);
	OFF(jailhouse_irqchip, pin_base);
	OFF(jailhouse_irqchip, pin_bitmap);
	MSIZE(jailhouse_irqchip, pin_bitmap);

	SIZE(jailhouse_pio);
	OFF(jailhouse_pio, base);
	OFF(jailhouse_pio, length);

	SIZE(jailhouse_pci_device);
	OFF(jailhouse_pci_device, type);
	OFF(jailhouse_pci_device, iommu);
	OFF(jailhouse_pci_device, domain);
	OFF(jailhouse_pci_device, bdf);
	OFF(jailhouse_pci_device, bar_mask);
	MSIZE(jailhouse_pci_device, bar_mask);
	OFF(jailhouse_pci_device, caps_start);
	OFF(jailhouse_pci_device, num_caps);
	OFF(jailhouse_pci_device, num_msi_vectors);
	BIT(jailhouse_pci_device, msi_64bits);
	BIT(jailhouse_pci_device, msi_maskable);
	OFF(jailhouse_pci_device, num_msix_vectors);
	OFF(jailhouse_pci_device, msix_region_size);
	OFF(jailhouse_pci_device, msix_address);
	OFF(jailhouse_pci_device, shmem_regions_start);
	OFF(jailhouse_pci_device, shmem_dev_id);
	OFF(jailhouse_pci_device, shmem_peers);
	OFF(jailhouse_pci_device, shmem_protocol);

	SIZE(jailhouse_pci_capability);
	OFF(jailhouse_pci_capability, id);
	OFF(jailhouse_pci_capability, start);
	OFF(jailhouse_pci_capability, len);
	OFF(jailhouse_pci_capability, flags);

	SIZE(jailhouse_iommu);
	OFF(jailhouse_iommu, type);
	OFF(jailhouse_iommu, base);
	OFF(jailhouse_iommu, size);
	OFF(jailhouse_iommu, amd);
	MSIZE(jailhouse_iommu, amd);
	OFF(jailhouse_iommu, amd.bdf);
	OFF(jailhouse_iommu, amd.base_cap);
	OFF(jailhouse_iommu, amd.msi_cap);
	OFF(jailhouse_iommu, amd.features);
	OFF(jailhouse_iommu, tipvu);
	MSIZE(jailhouse_iommu, tipvu);
	OFF(jailhouse_iommu, tipvu.tlb_base);
	OFF(jailhouse_iommu, tipvu.tlb_size);

	SIZE(jailhouse_arm_platform_info);
	OFF(jailhouse_arm_platform_info, maintenance_irq);
	OFF(jailhouse_arm_platform_info, gic_version);
	OFF(jailhouse_arm_platform_info, padding);
	OFF(jailhouse_arm_platform_info, gicd_base);
	OFF(jailhouse_arm_platform_info, gicc_base);
	OFF(jailhouse_arm_platform_info, gich_base);
	OFF(jailhouse_arm_platform_info, gicv_base);
	OFF(jailhouse_arm_platform_info, gicr_base);

	SIZE(jailhouse_platform_info);
	OFF(jailhouse_platform_info, pci_mmconfig_base);
	OFF(jailhouse_platform_info, pci_mmconfig_end_bus);
	OFF(jailhouse_platform_info, pci_is_virtual);
	OFF(jailhouse_platform_info, pci_domain);
	OFF(jailhouse_platform_info, iommu_units);
	MSIZE(jailhouse_platform_info, iommu_units);
	OFF(jailhouse_platform_info, arm);

	SIZE(jailhouse_system);
	OFF(jailhouse_system, signature);
	MSIZE(jailhouse_system, signature);
	OFF(jailhouse_system, revision);
	OFF(jailhouse_system, flags);
	OFF(jailhouse_system, hypervisor_memory);
	OFF(jailhouse_system, debug_console);
	OFF(jailhouse_system, platform_info);
	OFF(jailhouse_system, platform_info.pci_mmconfig_base);
	OFF(jailhouse_system, platform_info.iommu_units);
	OFF(jailhouse_system, platform_info.arm.gic_version);
	OFF(jailhouse_system, platform_info.arm.gicd_base);
	OFF(jailhouse_system, platform_info.arm.gicr_base);
	OFF(jailhouse_system, root_cell);
	OFF(jailhouse_system, root_cell.name);
	OFF(jailhouse_system, root_cell.cpu_set_size);

	CONST(JAILHOUSE_CONFIG_REVISION);
	BYTES(JAILHOUSE_SYSTEM_SIGNATURE);
	BYTES(JAILHOUSE_CELL_DESC_SIGNATURE);
	CONST(JAILHOUSE_SIGNATURE_SIZE);
	CONST(JAILHOUSE_CELL_NAME_MAXLEN);
	CONST(JAILHOUSE_MAX_IOMMU_UNITS);

	CONST(JAILHOUSE_CELL_PASSIVE_COMMREG);
	CONST(JAILHOUSE_CELL_TEST_DEVICE);
	CONST(JAILHOUSE_CELL_AARCH32);
	CONST(JAILHOUSE_CELL_VIRT_CPUID);
	CONST(JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED);
	CONST(JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE);
	CONST(JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE);

	CONST(JAILHOUSE_CON_TYPE_NONE);
	CONST(JAILHOUSE_CON_TYPE_EFIFB);
	CONST(JAILHOUSE_CON_TYPE_8250);
	CONST(JAILHOUSE_CON_TYPE_PL011);
	CONST(JAILHOUSE_CON_TYPE_XUARTPS);
	CONST(JAILHOUSE_CON_TYPE_MVEBU);
	CONST(JAILHOUSE_CON_TYPE_HSCIF);
	CONST(JAILHOUSE_CON_TYPE_SCIFA);
	CONST(JAILHOUSE_CON_TYPE_IMX);
	CONST(JAILHOUSE_CON_TYPE_IMX_LPUART);
	CONST(JAILHOUSE_CON_TYPE_SCIF);
	CONST(JAILHOUSE_CON_ACCESS_PIO);
	CONST(JAILHOUSE_CON_ACCESS_MMIO);
	CONST(JAILHOUSE_CON_REGDIST_1);
	CONST(JAILHOUSE_CON_REGDIST_4);
	CONST(JAILHOUSE_CON_FB_1024x768);
	CONST(JAILHOUSE_CON_FB_1920x1080);
	CONST(JAILHOUSE_CON_INVERTED_GATE);
	CONST(JAILHOUSE_CON_MDR_QUIRK);

	CONST(JAILHOUSE_MEM_READ);
	CONST(JAILHOUSE_MEM_WRITE);
	CONST(JAILHOUSE_MEM_EXECUTE);
	CONST(JAILHOUSE_MEM_DMA);
	CONST(JAILHOUSE_MEM_IO);
	CONST(JAILHOUSE_MEM_COMM_REGION);
	CONST(JAILHOUSE_MEM_LOADABLE);
	CONST(JAILHOUSE_MEM_ROOTSHARED);
	CONST(JAILHOUSE_MEM_NO_HUGEPAGES);
	CONST(JAILHOUSE_MEM_IO_UNALIGNED);
	CONST(JAILHOUSE_MEM_IO_WIDTH_SHIFT);
	CONST(JAILHOUSE_MEM_IO_8);
	CONST(JAILHOUSE_MEM_IO_16);
	CONST(JAILHOUSE_MEM_IO_32);
	CONST(JAILHOUSE_MEM_IO_64);

	CONST(JAILHOUSE_CACHE_L3_CODE);
	CONST(JAILHOUSE_CACHE_L3_DATA);
	CONST(JAILHOUSE_CACHE_L3);
	CONST(JAILHOUSE_CACHE_ROOTSHARED);

	CONST(JAILHOUSE_PCI_TYPE_DEVICE);
	CONST(JAILHOUSE_PCI_TYPE_BRIDGE);
	CONST(JAILHOUSE_PCI_TYPE_IVSHMEM);
	CONST(JAILHOUSE_SHMEM_PROTO_UNDEFINED);
	CONST(JAILHOUSE_SHMEM_PROTO_VETH);
	CONST(JAILHOUSE_SHMEM_PROTO_CUSTOM);
	CONST(JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT);
	CONST(JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK);
	CONST(VIRTIO_DEV_NET);
	CONST(VIRTIO_DEV_BLOCK);
	CONST(VIRTIO_DEV_CONSOLE);
	CONST(JAILHOUSE_PCI_EXT_CAP);
	CONST(JAILHOUSE_PCICAPS_WRITE);

	CONST(JAILHOUSE_IOMMU_AMD);
	CONST(JAILHOUSE_IOMMU_INTEL);
	CONST(JAILHOUSE_IOMMU_SMMUV3);
	CONST(JAILHOUSE_IOMMU_PVU);
	CONST(JAILHOUSE_IOMMU_ARM_MMU500);
}

/* Array-valued macros: print each element as its own constant. */
#define BAR_MASK(m)							\
	do {								\
		static const __u32 v[6] = m;				\
		int i;							\
		for (i = 0; i < 6; i++)					\
			printf("const %s[%d] %lld\n", #m, i,		\
			       (long long)v[i]);			\
	} while (0)

static void bar_masks(void)
{
	BAR_MASK(JAILHOUSE_IVSHMEM_BAR_MASK_INTX);
	BAR_MASK(JAILHOUSE_IVSHMEM_BAR_MASK_MSIX);
	BAR_MASK(JAILHOUSE_IVSHMEM_BAR_MASK_INTX_64K);
	BAR_MASK(JAILHOUSE_IVSHMEM_BAR_MASK_MSIX_64K);
}

static void hypercall(void)
{
	CONST(JAILHOUSE_HVC_CODE);
	CONST(JAILHOUSE_HC_DISABLE);
	CONST(JAILHOUSE_HC_CELL_CREATE);
	CONST(JAILHOUSE_HC_CELL_START);
	CONST(JAILHOUSE_HC_CELL_SET_LOADABLE);
	CONST(JAILHOUSE_HC_CELL_DESTROY);
	CONST(JAILHOUSE_HC_HYPERVISOR_GET_INFO);
	CONST(JAILHOUSE_HC_CELL_GET_STATE);
	CONST(JAILHOUSE_HC_CPU_GET_INFO);
	CONST(JAILHOUSE_HC_DEBUG_CONSOLE_PUTC);

	CONST(JAILHOUSE_INFO_MEM_POOL_SIZE);
	CONST(JAILHOUSE_INFO_MEM_POOL_USED);
	CONST(JAILHOUSE_INFO_REMAP_POOL_SIZE);
	CONST(JAILHOUSE_INFO_REMAP_POOL_USED);
	CONST(JAILHOUSE_INFO_NUM_CELLS);

	CONST(JAILHOUSE_CPU_INFO_STATE);
	CONST(JAILHOUSE_CPU_INFO_STAT_BASE);
	CONST(JAILHOUSE_CPU_RUNNING);
	CONST(JAILHOUSE_CPU_FAILED);

	CONST(JAILHOUSE_CPU_STAT_VMEXITS_TOTAL);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_MMIO);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL);
	CONST(JAILHOUSE_GENERIC_CPU_STATS);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_VIRQ);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_VSGI);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_PSCI);
	CONST(JAILHOUSE_CPU_STAT_VMEXITS_SMCCC);
	CONST(JAILHOUSE_NUM_CPU_STATS);

	CONST(JAILHOUSE_MSG_NONE);
	CONST(JAILHOUSE_MSG_SHUTDOWN_REQUEST);
	CONST(JAILHOUSE_MSG_RECONFIG_COMPLETED);
	CONST(JAILHOUSE_MSG_UNKNOWN);
	CONST(JAILHOUSE_MSG_REQUEST_DENIED);
	CONST(JAILHOUSE_MSG_REQUEST_APPROVED);
	CONST(JAILHOUSE_MSG_RECEIVED);

	CONST(JAILHOUSE_CELL_RUNNING);
	CONST(JAILHOUSE_CELL_RUNNING_LOCKED);
	CONST(JAILHOUSE_CELL_SHUT_DOWN);
	CONST(JAILHOUSE_CELL_FAILED);
	CONST(JAILHOUSE_CELL_FAILED_COMM_REV);

	CONST(COMM_REGION_ABI_REVISION);
	BYTES(COMM_REGION_MAGIC);
	CONST(JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED);
	CONST(JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE);

	SIZE(jailhouse_comm_region);
	OFF(jailhouse_comm_region, signature);
	OFF(jailhouse_comm_region, revision);
	OFF(jailhouse_comm_region, cell_state);
	OFF(jailhouse_comm_region, msg_to_cell);
	OFF(jailhouse_comm_region, reply_from_cell);
	OFF(jailhouse_comm_region, flags);
	OFF(jailhouse_comm_region, console);
	OFF(jailhouse_comm_region, pci_mmconfig_base);
	OFF(jailhouse_comm_region, gic_version);
	OFF(jailhouse_comm_region, padding);
	OFF(jailhouse_comm_region, gicd_base);
	OFF(jailhouse_comm_region, gicc_base);
	OFF(jailhouse_comm_region, gicr_base);
	OFF(jailhouse_comm_region, vpci_irq_base);
}

static void header(void)
{
	BYTES(JAILHOUSE_SIGNATURE);
	CONST(HYP_STUB_ABI_LEGACY);
	CONST(HYP_STUB_ABI_OPCODE);
	CONST(JAILHOUSE_VIRT_CONSOLE_SIZE);

	SIZE(jailhouse_header);
	OFF(jailhouse_header, signature);
	OFF(jailhouse_header, core_size);
	OFF(jailhouse_header, percpu_size);
	OFF(jailhouse_header, entry);
	OFF(jailhouse_header, console_page);
	OFF(jailhouse_header, gcov_info_head);
	OFF(jailhouse_header, max_cpus);
	OFF(jailhouse_header, online_cpus);
	OFF(jailhouse_header, debug_console_base);
	OFF(jailhouse_header, arm_linux_hyp_vectors);
	OFF(jailhouse_header, arm_linux_hyp_abi);
	OFF(jailhouse_header, padding);

	SIZE(jailhouse_virt_console);
	OFF(jailhouse_virt_console, busy);
	OFF(jailhouse_virt_console, tail);
	OFF(jailhouse_virt_console, content);
}

static void ioctls(void)
{
	CONST(JAILHOUSE_ENABLE);
	CONST(JAILHOUSE_DISABLE);
	CONST(JAILHOUSE_CELL_CREATE);
	CONST(JAILHOUSE_CELL_LOAD);
	CONST(JAILHOUSE_CELL_START);
	CONST(JAILHOUSE_CELL_DESTROY);
	CONST(JAILHOUSE_CELL_ID_UNUSED);
	CONST(JAILHOUSE_CELL_ID_NAMELEN);

	SIZE(jailhouse_cell_create);
	OFF(jailhouse_cell_create, config_address);
	OFF(jailhouse_cell_create, config_size);
	OFF(jailhouse_cell_create, padding);

	SIZE(jailhouse_cell_id);
	OFF(jailhouse_cell_id, id);
	OFF(jailhouse_cell_id, padding);
	OFF(jailhouse_cell_id, name);

	SIZE(jailhouse_preload_image);
	OFF(jailhouse_preload_image, source_address);
	OFF(jailhouse_preload_image, size);
	OFF(jailhouse_preload_image, target_address);
	OFF(jailhouse_preload_image, padding);

	SIZE(jailhouse_cell_load);
	OFF(jailhouse_cell_load, cell_id);
	OFF(jailhouse_cell_load, num_preload_images);
	OFF(jailhouse_cell_load, padding);
	OFF(jailhouse_cell_load, image);
}

int main(void)
{
	cell_config();
	bar_masks();
	hypercall();
	header();
	ioctls();
	return 0;
}
