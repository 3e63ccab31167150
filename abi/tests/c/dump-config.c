/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Test helper built around a C config (CONFIG_SOURCE).  Without
 * arguments it writes the "config" object to stdout, as the objcopy step
 * that makes a .cell file does.  With "facts" it prints what the header's
 * C helpers compute for the config, for comparison with the Rust parser.
 */
#include <stdio.h>
#include <string.h>

#include CONFIG_SOURCE

#ifdef SYSTEM_CONFIG
#define CONFIG_SIZE	jailhouse_system_config_size(&config.header)
#define CELL_DESC	(&config.header.root_cell)
#else
#define CONFIG_SIZE	jailhouse_cell_config_size(&config.cell)
#define CELL_DESC	(&config.cell)
#endif

static void print_facts(void)
{
	const struct jailhouse_cell_desc *cell = CELL_DESC;
	const struct jailhouse_memory *mem = jailhouse_cell_mem_regions(cell);
	const char *base = (const char *)&config;
	__u32 n;

	printf("config_size %u\n", (unsigned int)CONFIG_SIZE);
	printf("sizeof %zu\n", sizeof(config));
	for (n = 0; n < cell->num_memory_regions; n++)
		printf("subpage %u %d\n", (unsigned int)n,
		       JAILHOUSE_MEMORY_IS_SUBPAGE(&mem[n]) ? 1 : 0);
	printf("offset cpu_set %td\n",
	       (const char *)jailhouse_cell_cpu_set(cell) - base);
	printf("offset mem_regions %td\n", (const char *)mem - base);
	printf("offset cache_regions %td\n",
	       (const char *)jailhouse_cell_cache_regions(cell) - base);
	printf("offset irqchips %td\n",
	       (const char *)jailhouse_cell_irqchips(cell) - base);
	printf("offset pio_regions %td\n",
	       (const char *)jailhouse_cell_pio(cell) - base);
	printf("offset pci_devices %td\n",
	       (const char *)jailhouse_cell_pci_devices(cell) - base);
	printf("offset pci_caps %td\n",
	       (const char *)jailhouse_cell_pci_caps(cell) - base);
	printf("offset stream_ids %td\n",
	       (const char *)jailhouse_cell_stream_ids(cell) - base);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "facts") == 0) {
		print_facts();
		return 0;
	}
	return fwrite(&config, sizeof(config), 1, stdout) == 1 ? 0 : 1;
}
