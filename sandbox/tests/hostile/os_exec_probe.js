// expect: AC
let escaped = false;
try {
    if (typeof os !== "undefined" && os.exec) escaped = os.exec(["/bin/sh", "-c", "cat /etc/passwd"]) === 0;
} catch (e) {}
const env = std.getenviron ? Object.keys(std.getenviron()) : [];
console.log(escaped ? "escaped" : env.length > 0 ? env.join(",") : 3);
