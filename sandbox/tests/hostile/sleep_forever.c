// expect: AC
// Sleeping must not hold a worker: with a clock that stands still, a sleep returns at once.
#include <stdio.h>
#include <unistd.h>
int main(void) {
    sleep(30);
    puts("3");
    return 0;
}
