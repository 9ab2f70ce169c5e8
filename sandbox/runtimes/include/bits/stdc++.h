// <bits/stdc++.h> for libc++ on wasm32-wasi.
//
// The header is libstdc++'s, and contestants include it out of habit; libc++ does not ship one.
// This shim includes the C++20 standard library minus what wasm32-wasi cannot provide
// (threads, atomics waits, filesystem, locales beyond "C"), and is precompiled by the sandbox.
#pragma once

// C library
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cfloat>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

// Containers, algorithms and utilities
#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <charconv>
#include <compare>
#include <complex>
#include <concepts>
#include <deque>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <numbers>
#include <numeric>
#include <optional>
#include <queue>
#include <random>
#include <ranges>
#include <set>
#include <span>
#include <stack>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <valarray>
#include <variant>
#include <vector>

// Streams
#include <iomanip>
#include <iostream>
#include <istream>
#include <ostream>
#include <sstream>
