// Interactive validator for Vault Code: argv = input answer feedback_dir. It writes to the submission
// on stdout and reads the submission's lines on stdin.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

static std::string feedback_dir;

[[noreturn]] void verdict(int code, const std::string &msg) {
    std::ofstream(feedback_dir + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

bool parse(const std::string &tok, long long &out) {
    if (tok.empty() || tok.size() > 19) return false;
    for (char c : tok)
        if (c < '0' || c > '9') return false;
    out = std::stoll(tok);
    return true;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    feedback_dir = argv[3];
    std::ifstream in(argv[1]);
    long long n, x;
    if (!(in >> n >> x)) verdict(1, "cannot read the input file");
    std::cout << n << std::endl;
    const int limit = 62;
    int questions = 0;
    std::string kind, value;
    while (std::cin >> kind) {
        long long y;
        if (!(std::cin >> value) || !parse(value, y)) verdict(43, "expected a number after " + kind);
        if (kind == "!") {
            if (y != x) verdict(43, "wrong code " + value + ", the code was " + std::to_string(x));
            std::string extra;
            if (std::cin >> extra) verdict(43, "output after the answer");
            verdict(42, "found the code with " + std::to_string(questions) + " questions");
        }
        if (kind != "?") verdict(43, "unknown command " + kind.substr(0, 20));
        if (y < 1 || y > n) verdict(43, "question out of range: " + value);
        if (++questions > limit) verdict(43, "more than 62 questions");
        std::cout << (x < y ? "lower" : x > y ? "higher" : "equal") << std::endl;
    }
    verdict(43, "output ended without an answer");
}
