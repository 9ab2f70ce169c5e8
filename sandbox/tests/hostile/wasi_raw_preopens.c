// expect: AC
// Looks for preopened directories through the raw WASI call: there are none.
#include <stdio.h>
#include <wasi/api.h>
int main(void) {
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t prestat;
        if (__wasi_fd_prestat_get(fd, &prestat) == 0) { printf("preopen %u\n", fd); return 0; }
    }
    puts("3");
    return 0;
}
