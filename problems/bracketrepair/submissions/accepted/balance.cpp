#include <iostream>
#include <string>

int main() {
    std::string b;
    std::cin >> b;
    long long depth = 0, missing_open = 0;
    for (char c : b) {
        if (c == '(') {
            depth++;
        } else if (depth > 0) {
            depth--;
        } else {
            missing_open++;
        }
    }
    std::cout << missing_open + depth << "\n";
    return 0;
}
