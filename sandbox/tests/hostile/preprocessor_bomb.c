// expect: CE
// Every level multiplies the expansion by ten: far beyond what the compile limits allow.
#define A(x) x x x x x x x x x x
#define B(x) A(A(A(x)))
#define C(x) B(B(B(x)))
int main(void) { int x = 0; C(x++;) return x; }
