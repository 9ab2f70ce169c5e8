# expect: OLE
line = "3 " * 500
while True:
    print(line)
