// expect: AC
// The environment is empty: nothing of the host's (HOME, PATH, secrets) reaches the program.
#include <stdio.h>
extern char **environ;
int main(void) {
    for (char **e = environ; e && *e; e++) puts(*e);
    puts("3");
    return 0;
}
