/* cref answers questions about the C library's behaviour, for the tests
 * that check the Go emulations in package nstat against glibc. Each input
 * line is a letter and hex-encoded arguments separated by spaces:
 *   F PATTERN NAME  fnmatch(PATTERN, NAME, FNM_CASEFOLD) == 0
 *   S LINE          sscanf(LINE, "%s%llu%lg")
 *   P BITS          printf("%6.1f") of the double with these 16 hex digits
 *   A TEXT          atoi(TEXT)
 *   D TEXT          sscanf(TEXT, "%d")
 * Each answer is one line. */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static char *unhex(const char *h)
{
	size_t n = strlen(h) / 2, i;
	char *s = malloc(n + 1);
	for (i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		s[i] = (char)v;
	}
	s[n] = 0;
	return s;
}

int main(void)
{
	static char line[1 << 16];
	while (fgets(line, sizeof(line), stdin)) {
		char op, a[1 << 15], b[1 << 15];
		a[0] = b[0] = 0;
		if (sscanf(line, "%c %s %s", &op, a, b) < 2)
			strcpy(a, "");
		if (strcmp(a, "-") == 0)
			a[0] = 0;
		if (strcmp(b, "-") == 0)
			b[0] = 0;
		char *x = unhex(a), *y = unhex(b);
		switch (op) {
		case 'F':
			printf("%d\n", fnmatch(x, y, FNM_CASEFOLD) == 0);
			break;
		case 'S': {
			static char id[1 << 15];
			unsigned long long v = 0;
			double r = 0;
			int nr = sscanf(x, "%s%llu%lg", id, &v, &r);
			if (nr < 3)
				r = 0;
			printf("%d %llu %a\n", nr, nr >= 2 ? v : 0, r);
			break;
		}
		case 'P': {
			uint64_t bits = strtoull(a, NULL, 16);
			double d;
			memcpy(&d, &bits, sizeof(d));
			printf("[%6.1f]\n", d);
			break;
		}
		case 'A':
			printf("%d\n", atoi(x));
			break;
		case 'D': {
			int d = 0;
			int nr = sscanf(x, "%d", &d);
			printf("%d %d\n", nr, nr == 1 ? d : 0);
			break;
		}
		}
		fflush(stdout);
		free(x);
		free(y);
	}
	return 0;
}
