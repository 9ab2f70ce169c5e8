#include <bitset>
#include <cstdio>
#include <vector>

int main() {
    int n, s;
    if (std::scanf("%d %d", &n, &s) != 2) return 1;
    std::vector<int> a(n);
    for (int &v : a) std::scanf("%d", &v);
    std::vector<std::bitset<100001>> reach(n + 1);
    reach[0][0] = 1;
    for (int i = 0; i < n; i++) reach[i + 1] = reach[i] | (reach[i] << a[i]);
    if (!reach[n][s]) {
        std::printf("impossible\n");
        return 0;
    }
    std::vector<int> chosen;
    for (int i = n; i >= 1; i--) {
        if (!reach[i - 1][s]) {
            chosen.push_back(i);
            s -= a[i - 1];
        }
    }
    std::printf("%d\n", (int)chosen.size());
    for (size_t i = 0; i < chosen.size(); i++) std::printf("%d%c", chosen[i], i + 1 == chosen.size() ? '\n' : ' ');
    return 0;
}
