// expect: AC
// Nothing can be created either.
#include <stdio.h>
int main(void) {
    FILE *f = fopen("/tmp/joust-escape", "w");
    if (f) { fputs("escaped", f); fclose(f); puts("escaped"); return 0; }
    puts("3");
    return 0;
}
