#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    const long long MOD = 1000000007LL;
    int t;
    if (std::scanf("%d", &t) != 1) return 1;
    std::vector<int> q(t);
    for (int &n : q) std::scanf("%d", &n);
    int top = *std::max_element(q.begin(), q.end());
    std::vector<long long> ways(top + 1, 0);
    ways[0] = 1;
    for (int i = 1; i <= top; i++) {
        long long total = ways[i - 1];
        if (i >= 2) total += ways[i - 2];
        if (i >= 3) total += ways[i - 3];
        ways[i] = total % MOD;
    }
    for (int n : q) std::printf("%lld\n", ways[n]);
    return 0;
}
