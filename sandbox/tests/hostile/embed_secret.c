// expect: CE
// C23 #embed reads bytes at compile time: the file does not exist inside the jail.
#include <stdio.h>
static const char data[] = {
#embed "@SECRET_PATH@"
    , 0};
int main(void) { puts(data); return 0; }
