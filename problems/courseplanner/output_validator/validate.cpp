// Output validator for Course Planner: argv = input answer feedback_dir; team output on stdin.
// Accepts any order of all courses that respects every rule, and "impossible" only when the answer file
// says so.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static std::string feedback_dir;

[[noreturn]] void verdict(int code, const std::string &msg) {
    std::ofstream(feedback_dir + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

bool parse(const std::string &tok, long long &out) {
    if (tok.empty() || tok.size() > 6) return false;
    for (char c : tok)
        if (c < '0' || c > '9') return false;
    out = std::stoll(tok);
    return true;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    feedback_dir = argv[3];
    std::ifstream in(argv[1]), ans(argv[2]);
    int n, m;
    if (!(in >> n >> m)) verdict(1, "cannot read the input file");
    std::vector<int> ra(m), rb(m);
    for (int k = 0; k < m; k++) in >> ra[k] >> rb[k];
    std::string judge_first;
    if (!(ans >> judge_first)) verdict(1, "cannot read the answer file");
    bool judge_possible = judge_first != "impossible";

    std::string tok;
    if (!(std::cin >> tok)) verdict(43, "empty output");
    if (tok == "impossible" || tok == "IMPOSSIBLE" || tok == "Impossible") {
        if (std::cin >> tok) verdict(43, "extra output after impossible");
        if (judge_possible) verdict(43, "answered impossible, but an order exists");
        verdict(42, "correctly impossible");
    }
    std::vector<int> pos(n + 1, -1);
    for (int i = 0; i < n; i++) {
        if (i > 0 && !(std::cin >> tok)) verdict(43, "output ended after " + std::to_string(i) + " courses");
        long long c;
        if (!parse(tok, c) || c < 1 || c > n) verdict(43, "not a course number: " + tok.substr(0, 20));
        if (pos[c] != -1) verdict(43, "course " + tok + " appears twice");
        pos[c] = i;
    }
    if (std::cin >> tok) verdict(43, "extra output after n courses");
    for (int k = 0; k < m; k++)
        if (pos[ra[k]] > pos[rb[k]])
            verdict(43, "course " + std::to_string(rb[k]) + " comes before course " + std::to_string(ra[k]));
    if (!judge_possible) verdict(1, "team found an order, but the answer file says impossible");
    verdict(42, "valid order");
}
