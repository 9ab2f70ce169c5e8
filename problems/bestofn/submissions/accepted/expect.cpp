#include <cmath>
#include <cstdio>

int main() {
    long long n, k;
    if (std::scanf("%lld %lld", &n, &k) != 2) return 1;
    double total = 0;
    for (long long j = 1; j <= k; j++) total += 1.0 - std::pow((double)(j - 1) / (double)k, (double)n);
    std::printf("%.9f\n", total);
    return 0;
}
