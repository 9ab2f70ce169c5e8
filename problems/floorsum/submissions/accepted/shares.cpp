#include <cstdio>

long long isqrt(long long n) {
    long long k = 0;
    while ((k + 1) * (k + 1) <= n) k++;
    return k;
}

int main() {
    int t;
    if (std::scanf("%d", &t) != 1) return 1;
    while (t--) {
        long long n;
        std::scanf("%lld", &n);
        long long k = isqrt(n), total = 0;
        for (long long i = 1; i <= k; i++) total += n / i;
        std::printf("%lld\n", 2 * total - k * k);
    }
    return 0;
}
