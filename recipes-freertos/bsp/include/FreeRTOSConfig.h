/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * FreeRTOS configuration of the Jailhouse BSP: one CPU of a Jailhouse cell
 * at EL1, the FreeRTOS-Kernel port portable/GCC/ARM_AARCH64_SRE built with
 * GUEST defined (EL1, SVC for yields), the generic timer's virtual timer
 * as the tick.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#include "bsp.h"

/* Scheduler */
#define configUSE_PREEMPTION			1
#define configUSE_TIME_SLICING			1
#define configUSE_PORT_OPTIMISED_TASK_SELECTION	1
#define configTICK_RATE_HZ			1000
#define configTICK_TYPE_WIDTH_IN_BITS		TICK_TYPE_WIDTH_64_BITS
#define configMAX_PRIORITIES			8
#define configMINIMAL_STACK_SIZE		1024	/* words: 8 KiB */
#define configMAX_TASK_NAME_LEN			16
#define configIDLE_SHOULD_YIELD			1
#define configUSE_IDLE_HOOK			1	/* wfi while idle */
#define configUSE_TICK_HOOK			1	/* Jailhouse messages */
#define configUSE_TASK_NOTIFICATIONS		1
#define configUSE_MUTEXES			1
#define configUSE_COUNTING_SEMAPHORES		1
#define configQUEUE_REGISTRY_SIZE		0
#define configUSE_TRACE_FACILITY		0
#define configUSE_STATS_FORMATTING_FUNCTIONS	0
#define configNUMBER_OF_CORES			1

/* Memory: heap_4 in the BSS; the cell has 64 MiB, FreeRTOS.bin uses 4. */
#define configSUPPORT_DYNAMIC_ALLOCATION	1
#define configSUPPORT_STATIC_ALLOCATION		0
#define configTOTAL_HEAP_SIZE			(4 * 1024 * 1024)
#define configUSE_MALLOC_FAILED_HOOK		1
#define configCHECK_FOR_STACK_OVERFLOW		2

/* Software timers */
#define configUSE_TIMERS			1
#define configTIMER_TASK_PRIORITY		(configMAX_PRIORITIES - 1)
#define configTIMER_QUEUE_LENGTH		8
#define configTIMER_TASK_STACK_DEPTH		(configMINIMAL_STACK_SIZE * 2)

/*
 * Interrupts.  The GIC's (virtual) CPU interface implements 5 priority
 * bits on QEMU and on the GIC-400, i.e. 32 levels.  The tick runs at the
 * lowest usable level (30 << 3 = 0xf0); FreeRTOS API calls are allowed
 * from interrupts of priority 18 << 3 = 0x90 and lower (numerically
 * higher), and critical sections mask exactly those.
 */
#define configUNIQUE_INTERRUPT_PRIORITIES	32
#define configMAX_API_CALL_INTERRUPT_PRIORITY	18
#define configSETUP_TICK_INTERRUPT()		bsp_tick_setup()
#define configCLEAR_TICK_INTERRUPT()		bsp_tick_clear()

/*
 * Every task has an FP/SIMD context from its creation: the BSP and the
 * kernel are compiled for the full AArch64 instruction set, so GCC may
 * use the vector registers in any function (memcpy-like loops, struct
 * copies).  The port saves them on each context switch, and the BSP's
 * interrupt handler is vApplicationFPUSafeIRQHandler, called after the
 * port has saved them in interrupt context too.
 */
#define configUSE_TASK_FPU_SUPPORT		2

#define configASSERT(x) \
	do { if (!(x)) bsp_assert_failed(__FILE__, __LINE__); } while (0)

/* Optional functions */
#define INCLUDE_vTaskDelay			1
#define INCLUDE_xTaskDelayUntil			1
#define INCLUDE_vTaskDelete			1
#define INCLUDE_vTaskSuspend			1
#define INCLUDE_xTaskGetSchedulerState		1
#define INCLUDE_xTaskGetCurrentTaskHandle	1
#define INCLUDE_uxTaskGetStackHighWaterMark	1
#define INCLUDE_xTimerPendFunctionCall		1

#endif /* FREERTOS_CONFIG_H */
