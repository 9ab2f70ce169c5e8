// expect: AC
// C stdio compiles, but no directory is preopened, so the open fails.
#include <bits/stdc++.h>
int main() {
    if (FILE *f = std::fopen("@SECRET_PATH@", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) std::fputs(line, stdout);
        return 0;
    }
    long long a, b;
    std::cin >> a >> b;
    std::cout << a + b << "\n";
}
