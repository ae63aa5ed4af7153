/* The syscall floor of a warm rescan, as a tiny native loop: one readdir of /proc, then one
 * stat("/proc/<pid>/exe") per process (what tells a scanner whether a process still runs the
 * executable it knew). Prints each round's milliseconds and the processes seen. An optional
 * second argument sleeps that many milliseconds before each round, as a scanner polling at an
 * interval does (the kernel's caches are then no longer hot). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static double now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	int gap_ms = argc > 2 ? atoi(argv[2]) : 0;
	for (int round = 0; round < rounds; round++) {
		if (gap_ms > 0) {
			struct timespec gap = {gap_ms / 1000, (gap_ms % 1000) * 1000000L};
			nanosleep(&gap, NULL);
		}
		double start = now_ms();
		DIR *proc = opendir("/proc");
		if (!proc) return 1;
		int seen = 0;
		struct dirent *entry;
		char path[64];
		struct stat st;
		while ((entry = readdir(proc))) {
			if (!isdigit((unsigned char)entry->d_name[0])) continue;
			snprintf(path, sizeof path, "/proc/%s/exe", entry->d_name);
			stat(path, &st);
			seen++;
		}
		closedir(proc);
		printf("%.4f %d\n", now_ms() - start, seen);
	}
	return 0;
}
