// expect: RTE
// Each frame keeps a buffer alive so the stack, not the optimiser, decides the outcome.
#include <string.h>
int dive(int n) {
    volatile char pad[256];
    memset((char *)pad, n, sizeof pad);
    return dive(n + 1) + pad[n % 256];
}
int main(void) { return dive(0); }
