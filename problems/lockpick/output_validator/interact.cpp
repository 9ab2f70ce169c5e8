// Interactive validator for Lockpick: argv = input answer feedback_dir. It writes to the submission on
// stdout and reads the submission's lines on stdin.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

static std::string feedback_dir;

[[noreturn]] void verdict(int code, const std::string &msg) {
    std::ofstream(feedback_dir + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

bool is_pattern(const std::string &t, size_t n) {
    if (t.size() != n) return false;
    for (char c : t)
        if (c != '0' && c != '1') return false;
    return true;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    feedback_dir = argv[3];
    std::ifstream in(argv[1]);
    std::string s;
    if (!(in >> s)) verdict(1, "cannot read the input file");
    const size_t n = s.size();
    std::cout << n << std::endl;
    size_t pulls = 0;
    std::string kind, t;
    while (std::cin >> kind) {
        if (!(std::cin >> t) || !is_pattern(t, n)) verdict(43, "malformed pattern after " + kind.substr(0, 20));
        if (kind == "!") {
            if (t != s) verdict(43, "wrong pattern");
            std::string extra;
            if (std::cin >> extra) verdict(43, "output after the answer");
            verdict(42, "opened with " + std::to_string(pulls) + " pulls");
        }
        if (kind != "?") verdict(43, "unknown command " + kind.substr(0, 20));
        if (++pulls > n) verdict(43, "more than n pulls");
        size_t right = 0;
        for (size_t i = 0; i < n; i++) right += t[i] == s[i];
        std::cout << right << std::endl;
    }
    verdict(43, "output ended without an answer");
}
