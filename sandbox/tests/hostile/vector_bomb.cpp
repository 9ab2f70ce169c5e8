// expect: MLE
#include <bits/stdc++.h>
int main() {
    std::vector<std::string> keep;
    for (;;) keep.emplace_back(1 << 20, 'x');
}
