// Adds three residues in a 32-bit int: the sum can pass 2^31 before the modulo.
#include <cstdio>
#include <vector>

int main() {
    const int MOD = 1000000007;
    int t;
    if (std::scanf("%d", &t) != 1) return 1;
    std::vector<int> ways(30001, 0);
    ways[0] = 1;
    for (int i = 1; i <= 30000; i++) {
        int total = ways[i - 1];
        if (i >= 2) total += ways[i - 2];
        if (i >= 3) total += ways[i - 3];
        ways[i] = total % MOD;
    }
    while (t--) {
        int n;
        std::scanf("%d", &n);
        std::printf("%d\n", ways[n]);
    }
    return 0;
}
