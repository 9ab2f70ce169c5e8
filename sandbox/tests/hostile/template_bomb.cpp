// expect: CE
template <int N> struct Boom { static constexpr long long v = Boom<N + 1>::v + Boom<N + 2>::v; };
int main() { return (int)Boom<0>::v; }
