// expect: CE
// A host file would otherwise come back in the compiler's error message.
#include "@SECRET_PATH@"
int main(void) { return 0; }
