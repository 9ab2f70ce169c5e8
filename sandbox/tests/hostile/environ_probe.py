# expect: AC
import os
leaked = [k for k in os.environ if k not in ("PYTHONHOME", "PYTHONHASHSEED")]
print(leaked if leaked else 3)
