// expect: TLE
let x = 0;
for (;;) x = (x * 31 + 7) | 0;
