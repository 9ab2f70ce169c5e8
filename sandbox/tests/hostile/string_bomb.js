// expect: MLE
let s = "xxxxxxxxxxxxxxxx";
const keep = [];
for (;;) {
    s = s + s;
    keep.push(s);
    if (s.length > (1 << 26)) s = s.slice(1) + "y";
}
