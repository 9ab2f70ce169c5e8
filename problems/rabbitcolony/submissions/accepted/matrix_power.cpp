// 2x2 matrix power [[1,1],[1,0]]^k modulo p; entries stay below 1e9, so products fit in 64 bits.
#include <cstdio>

typedef unsigned long long u64;

struct Mat {
    u64 a, b, c, d;
};

Mat mul(const Mat &x, const Mat &y, u64 p) {
    return {(x.a * y.a + x.b * y.c) % p, (x.a * y.b + x.b * y.d) % p, (x.c * y.a + x.d * y.c) % p,
            (x.c * y.b + x.d * y.d) % p};
}

int main() {
    int t;
    if (std::scanf("%d", &t) != 1) return 1;
    while (t--) {
        u64 k, p;
        std::scanf("%llu %llu", &k, &p);
        Mat result = {1 % p, 0, 0, 1 % p}, base = {1, 1, 1, 0};
        for (u64 e = k; e > 0; e >>= 1) {
            if (e & 1) result = mul(result, base, p);
            base = mul(base, base, p);
        }
        std::printf("%llu\n", result.b);
    }
    return 0;
}
