// expect: CE
#include "/etc/hostname"
int main() {}
