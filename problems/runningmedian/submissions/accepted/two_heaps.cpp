#include <cstdio>
#include <functional>
#include <queue>
#include <vector>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::priority_queue<int> low;
    std::priority_queue<int, std::vector<int>, std::greater<int>> high;
    for (int i = 0; i < n; i++) {
        int x;
        std::scanf("%d", &x);
        if (!low.empty() && x > low.top()) {
            high.push(x);
        } else {
            low.push(x);
        }
        if (low.size() > high.size() + 1) {
            high.push(low.top());
            low.pop();
        } else if (high.size() > low.size()) {
            low.push(high.top());
            high.pop();
        }
        std::printf("%d\n", low.top());
    }
    return 0;
}
