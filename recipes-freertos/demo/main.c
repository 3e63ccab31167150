// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The FreeRTOS demo of the freertos cell: a producer task sends a sequence
 * number into a queue every 100 ms, a consumer task of higher priority
 * receives and checks them, and a software timer prints a progress line
 * every second with the tick count and both counters, so that a user sees
 * the scheduler, the tick and inter-task communication at work.  Each
 * progress line is also noted in the BSP's status record.
 */
#include "FreeRTOS.h"
#include "queue.h"
#include "task.h"
#include "timers.h"

#include "bsp.h"

#define PRODUCER_PERIOD		pdMS_TO_TICKS(100)
#define PROGRESS_PERIOD		pdMS_TO_TICKS(1000)

static QueueHandle_t queue;
static volatile uint32_t sent, received, out_of_order;

static void producer(void *arg)
{
	TickType_t wake = xTaskGetTickCount();
	uint32_t seq = 0;

	(void)arg;
	for (;;) {
		vTaskDelayUntil(&wake, PRODUCER_PERIOD);
		if (xQueueSend(queue, &seq, 0) == pdPASS) {
			seq++;
			sent++;
		}
	}
}

static void consumer(void *arg)
{
	uint32_t expected = 0, value;

	(void)arg;
	for (;;) {
		if (xQueueReceive(queue, &value, portMAX_DELAY) != pdPASS)
			continue;
		if (value != expected) {
			out_of_order++;
			bsp_status_count_error();
		}
		expected = value + 1;
		received++;
	}
}

static void progress(TimerHandle_t timer)
{
	TickType_t now = xTaskGetTickCount();

	(void)timer;
	bsp_status_progress(now);
	bsp_printf("FreeRTOS: tick %lu, queue: %u sent, %u received, %u out of order\n",
		   (unsigned long)now, (unsigned int)sent,
		   (unsigned int)received, (unsigned int)out_of_order);
}

int main(void)
{
	TimerHandle_t timer;

	bsp_printf("Hello World main()!\n");
	bsp_printf("This is FreeRTOS %s in a Jailhouse cell (GICv%d, tick %u Hz)\n",
		   tskKERNEL_VERSION_NUMBER, bsp_gic_version(),
		   (unsigned int)configTICK_RATE_HZ);

	queue = xQueueCreate(8, sizeof(uint32_t));
	timer = xTimerCreate("progress", PROGRESS_PERIOD, pdTRUE, NULL,
			     progress);
	if (!queue || !timer ||
	    xTaskCreate(producer, "producer", configMINIMAL_STACK_SIZE, NULL,
			tskIDLE_PRIORITY + 2, NULL) != pdPASS ||
	    xTaskCreate(consumer, "consumer", configMINIMAL_STACK_SIZE, NULL,
			tskIDLE_PRIORITY + 3, NULL) != pdPASS ||
	    xTimerStart(timer, 0) != pdPASS) {
		bsp_printf("FreeRTOS demo: cannot create its objects\n");
		return 1;
	}
	vTaskStartScheduler();
	return 1;
}
