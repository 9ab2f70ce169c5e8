#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::vector<int> tails;
    for (int i = 0; i < n; i++) {
        int h;
        std::scanf("%d", &h);
        auto it = std::lower_bound(tails.begin(), tails.end(), h);
        if (it == tails.end()) {
            tails.push_back(h);
        } else {
            *it = h;
        }
    }
    std::printf("%d\n", (int)tails.size());
    return 0;
}
