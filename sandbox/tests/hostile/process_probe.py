# expect: AC
import os
for attempt in (lambda: os.system("cat /etc/passwd"), lambda: os.fork(), lambda: __import__("subprocess").run(["cat", "/etc/passwd"])):
    try:
        attempt()
        print("escaped")
        raise SystemExit(0)
    except (OSError, AttributeError, ImportError, NotImplementedError):
        pass
print(3)
