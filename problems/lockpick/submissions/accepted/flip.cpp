#include <iostream>
#include <string>

int ask(const std::string &t) {
    std::cout << "? " << t << std::endl;
    int m;
    std::cin >> m;
    return m;
}

int main() {
    int n;
    std::cin >> n;
    std::string t(n, '0'), s;
    int zeros = ask(t), zeros_seen = 0;
    for (int i = 0; i + 1 < n; i++) {
        t[i] = '1';
        bool one = ask(t) > zeros;
        t[i] = '0';
        s += one ? '1' : '0';
        if (!one) zeros_seen++;
    }
    s += zeros_seen < zeros ? '0' : '1';
    std::cout << "! " << s << std::endl;
    return 0;
}
