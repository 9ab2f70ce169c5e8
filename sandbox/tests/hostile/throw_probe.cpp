// expect: CE
#include <stdexcept>
int main() { throw std::runtime_error("no exceptions in this sandbox"); }
