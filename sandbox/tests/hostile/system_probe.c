// expect: CE
#include <stdlib.h>
int main(void) { return system("cat /etc/passwd"); }
