// expect: CE
#include <stdio.h>
#include <sys/socket.h>
#include <netinet/in.h>
int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    printf("%d\n", s);
    return 0;
}
