#include <cstdio>
#include <vector>

int main() {
    int n, m;
    if (std::scanf("%d %d", &n, &m) != 2) return 1;
    std::vector<std::vector<int>> after(n + 1);
    std::vector<int> need(n + 1, 0);
    for (int k = 0; k < m; k++) {
        int a, b;
        std::scanf("%d %d", &a, &b);
        after[a].push_back(b);
        need[b]++;
    }
    std::vector<int> ready, order;
    for (int c = 1; c <= n; c++)
        if (need[c] == 0) ready.push_back(c);
    while (!ready.empty()) {
        int c = ready.back();
        ready.pop_back();
        order.push_back(c);
        for (int d : after[c])
            if (--need[d] == 0) ready.push_back(d);
    }
    if ((int)order.size() != n) {
        std::printf("impossible\n");
        return 0;
    }
    for (int i = 0; i < n; i++) std::printf("%d%c", order[i], i + 1 == n ? '\n' : ' ');
    return 0;
}
