// expect: CE
// There are no processes in WASI: fork does not even exist in the C library.
#include <stdio.h>
#include <unistd.h>
int main(void) {
    if (fork() == 0) execl("/bin/sh", "sh", "-c", "cat /etc/passwd", (char *)0);
    puts("3");
    return 0;
}
