// expect: CE
// libc++ for wasm32-wasi is built without file streams: reading a file does not even compile.
#include <bits/stdc++.h>
int main() {
    std::ifstream in("@SECRET_PATH@");
    std::string line;
    if (in && std::getline(in, line)) { std::cout << line << "\n"; return 0; }
    long long a, b;
    std::cin >> a >> b;
    std::cout << a + b << "\n";
}
