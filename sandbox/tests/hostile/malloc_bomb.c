// expect: MLE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    void *head = NULL;
    for (;;) {
        void **block = malloc(1 << 20);
        if (!block) return 1;
        memset(block, 7, 1 << 20);
        *block = head;
        head = block;
    }
}
