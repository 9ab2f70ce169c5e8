// expect: MLE
// The data segment alone is larger than the memory limit.
#include <stdio.h>
static char big[1 << 28];
int main(void) {
    for (int i = 0; i < (1 << 28); i += 4096) big[i] = (char)i;
    printf("%d\n", big[4096 * 3]);
    return 0;
}
