// Submissions for the seeded problem `sum-of-two` (read two integers, print their sum), shared by
// the tests that play a duel to its end.

/** Accepted: 64-bit arithmetic, as the wasm32 caveats ask. */
export const RIGHT_C = `#include <stdio.h>
int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    printf("%lld\\n", a + b);
    return 0;
}
`;

/** Accepted. */
export const RIGHT_PYTHON = "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n";

/** Wrong answer: the difference. */
export const WRONG_PYTHON = "a, b = map(int, input().split())\nprint(a - b)\n";
