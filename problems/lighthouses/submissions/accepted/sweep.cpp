#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>
#include <vector>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::vector<std::pair<long long, long long>> p(n);
    for (auto &q : p) std::scanf("%lld %lld", &q.first, &q.second);
    std::sort(p.begin(), p.end());
    long long best = -1;
    long long d = 5000000000LL;  // integer upper bound on the best distance
    std::set<std::pair<long long, long long>> active;  // (y, x)
    int left = 0;
    for (int i = 0; i < n; i++) {
        long long x = p[i].first, y = p[i].second;
        while (x - p[left].first > d) {
            active.erase({p[left].second, p[left].first});
            left++;
        }
        for (auto it = active.lower_bound({y - d, -5000000000LL}); it != active.end() && it->first <= y + d; ++it) {
            long long dx = it->second - x, dy = it->first - y;
            long long dist = dx * dx + dy * dy;
            if (best < 0 || dist < best) {
                best = dist;
                d = (long long)std::sqrt((long double)best) + 1;
            }
        }
        active.insert({y, x});
    }
    std::printf("%.9f\n", std::sqrt((double)best));
    return 0;
}
