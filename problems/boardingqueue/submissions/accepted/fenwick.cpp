#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::vector<int> r(n);
    for (int &x : r) std::scanf("%d", &x);
    std::vector<int> sorted_rows(r);
    std::sort(sorted_rows.begin(), sorted_rows.end());
    sorted_rows.erase(std::unique(sorted_rows.begin(), sorted_rows.end()), sorted_rows.end());
    int size = sorted_rows.size();
    std::vector<int> tree(size + 1, 0);
    long long total = 0;
    for (int k = n - 1; k >= 0; k--) {
        int rank = std::lower_bound(sorted_rows.begin(), sorted_rows.end(), r[k]) - sorted_rows.begin() + 1;
        for (int i = rank - 1; i > 0; i &= i - 1) total += tree[i];
        for (int i = rank; i <= size; i += i & -i) tree[i]++;
    }
    std::printf("%lld\n", total);
    return 0;
}
