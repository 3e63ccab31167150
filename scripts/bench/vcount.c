// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcount: the generic timer's virtual counter (CNTVCT_EL0) for benchmark
 * scripts in the QEMU guest. Under -icount shift=4 one tick is one guest
 * instruction, so differences are exact, repeatable costs.
 *
 *   vcount                      print the counter
 *   vcount -o FILE CMD [ARG...] run CMD; write "START TICKS" to FILE, where
 *                               START is the counter just before the fork
 *                               and TICKS the counter difference to after
 *                               CMD was reaped; exit with CMD's status
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t counter(void)
{
	uint64_t value;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(value) :: "memory");
	return value;
}

int main(int argc, char **argv)
{
	uint64_t start, end;
	FILE *out;
	pid_t pid;
	int status;

	if (argc == 1) {
		printf("%llu\n", (unsigned long long)counter());
		return 0;
	}
	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: vcount [-o FILE CMD [ARG...]]\n");
		return 2;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fflush(NULL);
	start = counter();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	end = counter();
	fprintf(out, "%llu %llu\n", (unsigned long long)start,
		(unsigned long long)(end - start));
	if (fclose(out) != 0) {
		perror(argv[2]);
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
