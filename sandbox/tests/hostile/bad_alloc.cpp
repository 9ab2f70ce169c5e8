// expect: MLE
#include <vector>
int main() {
    std::vector<long long> v;
    v.resize(200u << 20);
    return (int)v[12345];
}
