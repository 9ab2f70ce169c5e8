// expect: AC
// Files, the environment, sockets and processes: every attempt fails, so only the sum is printed.
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
)

func main() {
	for _, path := range []string{"/etc/passwd", "/etc/hostname", "/proc/self/environ", "@SECRET_PATH@", "../../etc/passwd", ".", "/"} {
		if data, err := os.ReadFile(path); err == nil {
			fmt.Print(string(data))
			return
		}
		if f, err := os.Open(path); err == nil {
			names, _ := f.Readdirnames(-1)
			fmt.Println(names)
			return
		}
	}
	for _, name := range []string{"HOME", "PATH", "USER", "HOSTNAME", "JOUST_DATABASE_URL", "JOUST_REDIS_URL"} {
		if value := os.Getenv(name); value != "" {
			fmt.Println(name, value)
			return
		}
	}
	if env := os.Environ(); len(env) > 0 {
		fmt.Println(env)
		return
	}
	if host, err := os.Hostname(); err == nil && host != "" && host != "wasip1" {
		fmt.Println(host)
		return
	}
	if conn, err := net.Dial("tcp", "127.0.0.1:5432"); err == nil {
		conn.Close()
		fmt.Println("connected")
		return
	}
	if out, err := exec.Command("/bin/cat", "/etc/passwd").Output(); err == nil {
		fmt.Print(string(out))
		return
	}
	if err := os.WriteFile("escape.txt", []byte("x"), 0o644); err == nil {
		fmt.Println("wrote a file")
		return
	}
	var a, b int64
	fmt.Scan(&a, &b)
	fmt.Println(a + b)
}
