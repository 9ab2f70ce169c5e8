// expect: AC
for (const path of ["/etc/passwd", "/etc/hostname", "@SECRET_PATH@"]) {
    const f = std.open(path, "r");
    if (f) {
        console.log(f.readAsString());
        std.exit(0);
    }
}
const [a, b] = std.in.readAsString().trim().split(/\s+/).map(Number);
console.log(a + b);
