#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

const long long MOD = 1000000007LL;
std::vector<long long> fact, inv;

long long power(long long b, long long e) {
    long long r = 1;
    b %= MOD;
    for (; e > 0; e >>= 1, b = b * b % MOD)
        if (e & 1) r = r * b % MOD;
    return r;
}

long long walks(std::pair<int, int> a, std::pair<int, int> b) {
    int dr = b.first - a.first, dc = b.second - a.second;
    if (dr < 0 || dc < 0) return 0;
    return fact[dr + dc] * inv[dr] % MOD * inv[dc] % MOD;
}

int main() {
    int h, w, k;
    if (std::scanf("%d %d %d", &h, &w, &k) != 3) return 1;
    std::vector<std::pair<int, int>> pts(k);
    for (auto &p : pts) std::scanf("%d %d", &p.first, &p.second);
    std::sort(pts.begin(), pts.end());
    pts.push_back({h, w});
    int top = h + w;
    fact.assign(top + 1, 1);
    inv.assign(top + 1, 1);
    for (int i = 1; i <= top; i++) fact[i] = fact[i - 1] * i % MOD;
    inv[top] = power(fact[top], MOD - 2);
    for (int i = top; i > 0; i--) inv[i - 1] = inv[i] * i % MOD;
    std::vector<long long> first(pts.size());
    for (size_t i = 0; i < pts.size(); i++) {
        long long total = walks({1, 1}, pts[i]);
        for (size_t j = 0; j < i; j++) total = (total - first[j] * walks(pts[j], pts[i])) % MOD;
        first[i] = (total + MOD) % MOD;
    }
    std::printf("%lld\n", first.back());
    return 0;
}
