# expect: AC
import os
for path in ["/etc/passwd", "/etc/hostname", "/proc/self/environ", "@SECRET_PATH@", "/usr/local/lib/../../../etc/passwd"]:
    try:
        print(open(path).read())
        raise SystemExit(0)
    except OSError:
        pass
a, b = map(int, input().split())
print(a + b)
