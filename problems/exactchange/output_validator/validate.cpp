// Output validator for Exact Change: argv = input answer feedback_dir; team output on stdin.
// Accepts any set of distinct coins paying exactly S, and "impossible" only when the answer file says so.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

static std::string feedback_dir;

[[noreturn]] void verdict(int code, const std::string &msg) {
    std::ofstream(feedback_dir + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

// Reads a token of at most 7 digits from the team output, or fails with Wrong Answer.
long long read_int(const std::string &what) {
    std::string tok;
    if (!(std::cin >> tok)) verdict(43, "output ended before " + what);
    if (tok.empty() || tok.size() > 7) verdict(43, what + " is not a small integer: " + tok.substr(0, 20));
    for (char c : tok)
        if (c < '0' || c > '9') verdict(43, what + " is not a non-negative integer: " + tok.substr(0, 20));
    return std::stoll(tok);
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    feedback_dir = argv[3];
    std::ifstream in(argv[1]), ans(argv[2]);
    long long n, s;
    if (!(in >> n >> s)) verdict(1, "cannot read the input file");
    std::vector<long long> a(n);
    for (auto &v : a) in >> v;
    std::string judge_first;
    if (!(ans >> judge_first)) verdict(1, "cannot read the answer file");
    bool judge_possible = judge_first != "impossible";

    std::string first;
    if (!(std::cin >> first)) verdict(43, "empty output");
    if (first == "impossible" || first == "IMPOSSIBLE" || first == "Impossible") {
        std::string extra;
        if (std::cin >> extra) verdict(43, "extra output after impossible");
        if (judge_possible) verdict(43, "answered impossible, but a set of coins exists");
        verdict(42, "correctly impossible");
    }
    for (char c : first)
        if (c < '0' || c > '9' || first.size() > 7) verdict(43, "expected a count or impossible, got " + first.substr(0, 20));
    long long k = std::stoll(first);
    if (k < 1 || k > n) verdict(43, "count out of range: " + first);
    std::set<long long> used;
    long long total = 0;
    for (long long i = 0; i < k; i++) {
        long long idx = read_int("index " + std::to_string(i + 1));
        if (idx < 1 || idx > n) verdict(43, "index out of range: " + std::to_string(idx));
        if (!used.insert(idx).second) verdict(43, "coin used twice: " + std::to_string(idx));
        total += a[idx - 1];
    }
    std::string extra;
    if (std::cin >> extra) verdict(43, "extra output after the indices");
    if (total != s) verdict(43, "coins pay " + std::to_string(total) + ", not " + std::to_string(s));
    if (!judge_possible) verdict(1, "team paid exactly, but the answer file says impossible");
    verdict(42, "pays exactly");
}
