// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor console for user space: read() of /dev/jailhouse with
 * upstream Jailhouse's semantics, and the text of the sysfs console file.
 *
 * The hypervisor appends to a ring in its console page (struct
 * jailhouse_virt_console): it sets busy, writes the byte, advances tail and
 * clears busy again. A reader copies the whole ring and keeps the copy only
 * if busy was clear and tail unchanged around the copy. When the hypervisor
 * goes away (disable, failed enable) its last console is kept here, so that
 * `jailhouse console` can still show why.
 */

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <jailhouse/header.h>

#include "jailhouse.h"

#define CONSOLE_SIZE		JAILHOUSE_VIRT_CONSOLE_SIZE
/* Copy attempts before a writer that never finishes is given up on. */
#define CONSOLE_COPY_TRIES	1000000
/* Polling interval of a blocking read, in ms (upstream: HZ / 10). */
#define CONSOLE_POLL_MS		100

/* Per open file of /dev/jailhouse. */
struct jailhouse_console_reader {
	unsigned int head;	/* console bytes this reader has consumed */
};

/* The console of the last hypervisor run; under jailhouse_lock. */
static struct {
	bool valid;
	struct jailhouse_virt_console console;
} last_console;

/*
 * Copy the ring of @con into @content (CONSOLE_SIZE bytes) and its tail
 * into *@tail, consistently: no write may have happened during the copy.
 */
static int console_snapshot(const struct jailhouse_virt_console *con,
			    char *content, u32 *tail)
{
	unsigned int tries;
	u32 t;

	for (tries = 0; tries < CONSOLE_COPY_TRIES; tries++) {
		if (READ_ONCE(con->busy)) {
			cpu_relax();
			continue;
		}
		t = READ_ONCE(con->tail);
		/* Pairs with the writer's barrier after setting busy. */
		smp_rmb();
		memcpy(content, con->content, CONSOLE_SIZE);
		smp_rmb();
		if (READ_ONCE(con->tail) == t && !READ_ONCE(con->busy)) {
			*tail = t;
			return 0;
		}
	}
	return -EBUSY;
}

/* The ring bytes [@head, @head + @len) of @content into @dst. */
static void console_copy(char *dst, const char *content, u32 head,
			 unsigned int len)
{
	unsigned int start = head % CONSOLE_SIZE;
	unsigned int first = min_t(unsigned int, len, CONSOLE_SIZE - start);

	memcpy(dst, content + start, first);
	memcpy(dst + first, content, len - first);
}

/*
 * Up to @size new console bytes for @reader into @dst (CONSOLE_SIZE bytes),
 * using @content as scratch: from the running hypervisor, else from the
 * saved last console. If more than the ring was missed, the notice of it
 * comes first and the bytes with the next call. Returns the byte count, 0
 * if nothing is new, -EAGAIN if there is no console at all.
 */
static int console_fetch(struct jailhouse_console_reader *reader, char *dst,
			 char *content, size_t size)
{
	const struct jailhouse_virt_console *con;
	unsigned int len, miss;
	u32 head, tail;
	int ret;

	if (mutex_lock_interruptible(&jailhouse_lock) != 0)
		return -EINTR;
	if (jailhouse_enabled && jailhouse_console_page) {
		con = jailhouse_console_page;
	} else if (last_console.valid) {
		con = &last_console.console;
	} else {
		ret = -EAGAIN;
		goto unlock;
	}
	ret = console_snapshot(con, content, &tail);
	if (ret)
		goto unlock;

	head = reader->head;
	/* A new hypervisor run counts from 0 again. */
	if (head > tail)
		head = 0;
	len = tail - head;
	if (len > CONSOLE_SIZE) {
		miss = len - CONSOLE_SIZE;
		len = scnprintf(dst, CONSOLE_SIZE,
				"<missed %u bytes of console log>\n", miss);
		reader->head = head + miss;
		ret = min_t(size_t, len, size);
		goto unlock;
	}
	len = min_t(size_t, len, size);
	console_copy(dst, content, head, len);
	reader->head = head + len;
	ret = len;

unlock:
	mutex_unlock(&jailhouse_lock);
	return ret;
}

int jailhouse_console_open(struct inode *inode, struct file *file)
{
	struct jailhouse_console_reader *reader;

	reader = kzalloc(sizeof(*reader), GFP_KERNEL);
	if (!reader)
		return -ENOMEM;
	file->private_data = reader;
	return 0;
}

int jailhouse_console_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/*
 * New console output since this file's last read. Blocking readers wait
 * for some; O_NONBLOCK readers get 0, or -EAGAIN while there is no
 * console at all.
 */
ssize_t jailhouse_console_read(struct file *file, char __user *out,
			       size_t size, loff_t *off)
{
	struct jailhouse_console_reader *reader = file->private_data;
	char *buf;
	int ret;

	if (size == 0)
		return 0;
	buf = kmalloc(2 * CONSOLE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ret = console_fetch(reader, buf, buf + CONSOLE_SIZE, size);
		if (ret > 0 || (ret < 0 && ret != -EAGAIN))
			break;
		if (file->f_flags & O_NONBLOCK)
			break;
		if (msleep_interruptible(CONSOLE_POLL_MS) ||
		    signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (ret > 0 && copy_to_user(out, buf, ret))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

/*
 * The running hypervisor's whole ring, oldest byte first, into @buf (a
 * sysfs page); empty while it does not run or has no virtual console.
 */
ssize_t jailhouse_console_dump(char *buf)
{
	char *content;
	u32 tail = 0;
	unsigned int len;
	int err = 0;

	content = kmalloc(CONSOLE_SIZE, GFP_KERNEL);
	if (!content)
		return -ENOMEM;
	if (mutex_lock_interruptible(&jailhouse_lock) != 0) {
		kfree(content);
		return -EINTR;
	}
	if (jailhouse_enabled && jailhouse_console_page)
		err = console_snapshot(jailhouse_console_page, content, &tail);
	mutex_unlock(&jailhouse_lock);
	if (err) {
		kfree(content);
		return err;
	}
	len = min_t(u32, tail, CONSOLE_SIZE);
	console_copy(buf, content, tail - len, len);
	kfree(content);
	return len;
}

/*
 * Keep the console of a hypervisor that has left every CPU; under
 * jailhouse_lock.
 */
void jailhouse_console_save(const struct jailhouse_virt_console *con)
{
	memcpy(&last_console.console, con, sizeof(last_console.console));
	/* A writer that stopped mid-byte will never finish. */
	last_console.console.busy = 0;
	last_console.valid = true;
}
