# Depth-first search by recursion, with Python's default recursion limit of 1000: a long chain of rules
# raises RecursionError.
import sys

data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
after = [[] for _ in range(n + 1)]
for k in range(m):
    after[int(data[2 + 2 * k])].append(int(data[3 + 2 * k]))
state = [0] * (n + 1)  # 0 new, 1 on the stack, 2 done
order = []
circle = False


def visit(c):
    global circle
    state[c] = 1
    for d in after[c]:
        if state[d] == 1:
            circle = True
        elif state[d] == 0:
            visit(d)
    state[c] = 2
    order.append(c)


for c in range(1, n + 1):
    if state[c] == 0:
        visit(c)
print("impossible" if circle else " ".join(map(str, reversed(order))))
