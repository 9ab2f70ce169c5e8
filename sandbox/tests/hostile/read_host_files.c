// expect: AC
// No directory is preopened: every path, absolute or relative, fails to open.
#include <stdio.h>
int main(void) {
    const char *paths[] = {"/etc/passwd", "/etc/hostname", "/proc/self/environ", "@SECRET_PATH@",
                           "../../etc/passwd", ".", "/"};
    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
        FILE *f = fopen(paths[i], "r");
        if (f) {
            char line[256];
            while (fgets(line, sizeof line, f)) fputs(line, stdout);
            return 0;
        }
    }
    long long a, b;
    if (scanf("%lld %lld", &a, &b) == 2) printf("%lld\n", a + b);
    return 0;
}
