/*
 * CPython 3.11 for WASI as a pre-initialized runtime.
 *
 * The sandbox runs `joust_initialize` once (the interpreter starts and imports the modules
 * contestants use most), snapshots the instance's memory and globals into a new module, and
 * runs `joust_run` (exported as `_start` in the snapshot) for every submission. A run thus
 * starts with a warm interpreter instead of paying CPython's start-up each time.
 *
 * A run takes the arguments `python3 -S -B -c SOURCE [ARG...]` like the plain interpreter:
 * options before `-c` are accepted and ignored (the snapshot fixed them), and sys.argv becomes
 * ["-c", ARG...], as with `python3 -c`.
 */
#define PY_SSIZE_T_CLEAN
#include <pyconfig.h>
/* The interpreter was configured against a libc with a <pthread.h>; the one it is linked with
 * here has none, and CPython's own stubs provide the few types its headers need. */
#undef HAVE_PTHREAD_H
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include <wasi/libc.h>

/* Imported while the snapshot is made: whatever a typical solution imports costs nothing at
 * run time. Everything else still imports from the read-only standard library mount. */
static const char *const PRELOADED[] = {
    "abc", "array", "bisect", "builtins", "collections", "collections.abc", "copy",
    "dataclasses", "decimal", "enum", "fractions", "functools", "heapq", "io", "itertools",
    "json", "math", "operator", "os", "random", "re", "statistics", "string", "sys",
    "typing", "traceback", "time", "cmath", "numbers", "struct", "contextlib", "types",
    "weakref", "warnings", "textwrap", "queue", "datetime", "atexit", "linecache",
};

/* Preopened directories the snapshot already knows: wasi-libc resolves paths through a table
 * filled while the snapshot was made, so directories a run adds after them (a validator's
 * files) are registered at the start of the run. */
static __wasi_fd_t snapshot_preopens_end = 3;

static void fail(const char *what) {
    fprintf(stderr, "python runtime: %s\n", what);
    if (PyErr_Occurred()) {
        PyErr_Print();
    }
    exit(70);
}

/* The first descriptor after the contiguous run of preopened directories starting at 3. */
static __wasi_fd_t preopens_end(void) {
    __wasi_fd_t fd = 3;
    __wasi_prestat_t prestat;
    while (__wasi_fd_prestat_get(fd, &prestat) == __WASI_ERRNO_SUCCESS) {
        fd++;
    }
    return fd;
}

static void register_new_preopens(void) {
    __wasi_prestat_t prestat;
    for (__wasi_fd_t fd = snapshot_preopens_end;
         __wasi_fd_prestat_get(fd, &prestat) == __WASI_ERRNO_SUCCESS; fd++) {
        if (prestat.tag != __WASI_PREOPENTYPE_DIR) {
            continue;
        }
        size_t len = prestat.u.dir.pr_name_len;
        char *name = malloc(len + 1);
        if (name == NULL) {
            fail("out of memory");
        }
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len) != __WASI_ERRNO_SUCCESS) {
            free(name);
            continue;
        }
        name[len] = '\0';
        /* Never freed: wasi-libc may keep the pointer in its table. */
        __wasilibc_register_preopened_fd((int)fd, name);
    }
}

/* The interpreter's loader of extension modules calls these; there is no dynamic linking in
 * WebAssembly and this libc does not stub them, so every load fails with a message. */
void *dlopen(const char *path, int flags) {
    (void)path;
    (void)flags;
    return NULL;
}

void *dlsym(void *handle, const char *name) {
    (void)handle;
    (void)name;
    return NULL;
}

char *dlerror(void) {
    return "dynamic loading is not supported";
}

__attribute__((export_name("joust_initialize"))) void joust_initialize(void) {
    PyStatus status;
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    /* What `python3 -S -B` with PYTHONHASHSEED=0 sets, made independent of the environment:
     * no site, no bytecode writing, and string hashing with a fixed key, so set and dict
     * iteration order (and the fuel a run burns) are the same on every run. */
    config.use_environment = 0;
    config.site_import = 0;
    config.write_bytecode = 0;
    config.user_site_directory = 0;
    config.use_hash_seed = 1;
    config.hash_seed = 0;
    config.parse_argv = 0;
    config.pathconfig_warnings = 0;
    /* No current directory entry on sys.path: only the standard library is importable. */
    config.safe_path = 1;
    status = PyConfig_SetString(&config, &config.home, L"/usr/local");
    if (PyStatus_Exception(status)) {
        PyConfig_Clear(&config);
        Py_ExitStatusException(status);
    }
    status = PyConfig_SetString(&config, &config.program_name, L"python3");
    if (PyStatus_Exception(status)) {
        PyConfig_Clear(&config);
        Py_ExitStatusException(status);
    }
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }
    for (size_t i = 0; i < sizeof PRELOADED / sizeof PRELOADED[0]; i++) {
        PyObject *module = PyImport_ImportModule(PRELOADED[i]);
        if (module == NULL) {
            fail(PRELOADED[i]);
        }
        Py_DECREF(module);
    }
    /* Everything allocated so far lives as long as the interpreter: moving it out of the
     * collector's generations keeps a run's garbage collections as cheap as they would be in
     * a fresh interpreter that imported only what it uses. */
    PyObject *gc = PyImport_ImportModule("gc");
    if (gc == NULL) {
        fail("gc");
    }
    const char *steps[] = {"collect", "freeze"};
    for (size_t i = 0; i < 2; i++) {
        PyObject *done = PyObject_CallMethod(gc, steps[i], NULL);
        if (done == NULL) {
            fail(steps[i]);
        }
        Py_DECREF(done);
    }
    Py_DECREF(gc);
    snapshot_preopens_end = preopens_end();
}

/* CPython's own handling of an uncaught SystemExit (pythonrun.c): its code, or its message
 * on stderr and 1. Declared in an internal header. */
PyAPI_FUNC(int) _Py_HandleSystemExit(int *exitcode_p);

/* Ends the run as the interpreter's exit would, minus the teardown of every module and object:
 * the instance is discarded, and the teardown costs more than a typical solution. What a
 * program can observe of an exit still happens: atexit handlers run (CPython reports and
 * ignores their exceptions) and sys.stdout and sys.stderr are flushed, a failed flush of
 * stdout being exit code 120. */
static _Noreturn void finish(int code) {
    PyObject *atexit = PyImport_ImportModule("atexit");
    PyObject *ran = atexit == NULL ? NULL : PyObject_CallMethod(atexit, "_run_exitfuncs", NULL);
    Py_XDECREF(ran);
    Py_XDECREF(atexit);
    if (ran == NULL) {
        int exit_code = code;
        if (_Py_HandleSystemExit(&exit_code)) {
            code = exit_code;
        } else {
            PyErr_Print();
        }
    }
    const char *streams[] = {"stdout", "stderr"};
    for (size_t i = 0; i < 2; i++) {
        PyObject *stream = PySys_GetObject(streams[i]);
        if (stream == NULL || stream == Py_None) {
            continue;
        }
        PyObject *flushed = PyObject_CallMethod(stream, "flush", NULL);
        if (flushed == NULL) {
            PyErr_Clear();
            if (i == 0 && code == 0) {
                code = 120;
            }
        }
        Py_XDECREF(flushed);
    }
    exit(code);
}

/* The run's arguments, as WASI passes them. */
static char **read_args(size_t *count) {
    size_t argc = 0, buf_size = 0;
    if (__wasi_args_sizes_get(&argc, &buf_size) != __WASI_ERRNO_SUCCESS) {
        fail("cannot read the arguments");
    }
    char **argv = calloc(argc + 1, sizeof *argv);
    char *buf = malloc(buf_size + 1);
    if (argv == NULL || buf == NULL) {
        fail("out of memory");
    }
    if (__wasi_args_get((uint8_t **)argv, (uint8_t *)buf) != __WASI_ERRNO_SUCCESS) {
        fail("cannot read the arguments");
    }
    *count = argc;
    return argv;
}

static void set_sys_argv(char **args, size_t count) {
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        fail("sys.argv");
    }
    for (size_t i = 0; i < count; i++) {
        PyObject *arg = PyUnicode_DecodeFSDefault(args[i]);
        if (arg == NULL || PyList_Append(list, arg) < 0) {
            fail("sys.argv");
        }
        Py_DECREF(arg);
    }
    if (PySys_SetObject("argv", list) < 0) {
        fail("sys.argv");
    }
    Py_DECREF(list);
}

__attribute__((export_name("joust_run"))) void joust_run(void) {
    register_new_preopens();
    size_t argc = 0;
    char **argv = read_args(&argc);
    size_t source_index = 1;
    while (source_index < argc && strcmp(argv[source_index], "-c") != 0) {
        source_index++;
    }
    if (source_index + 1 >= argc) {
        fprintf(stderr, "usage: python3 -c SOURCE [ARG...]\n");
        exit(2);
    }
    const char *source = argv[source_index + 1];
    /* sys.argv[0] is "-c" and the source itself is left out, as with `python3 -c`. */
    argv[source_index + 1] = argv[source_index];
    set_sys_argv(argv + source_index + 1, argc - source_index - 1);

    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    flags.cf_flags |= PyCF_IGNORE_COOKIE;
    PyObject *main_module = PyImport_AddModule("__main__");
    if (main_module == NULL) {
        fail("__main__");
    }
    PyObject *globals = PyModule_GetDict(main_module);
    PyObject *result = PyRun_StringFlags(source, Py_file_input, globals, globals, &flags);
    int code = 0;
    if (result != NULL) {
        Py_DECREF(result);
    } else if (!_Py_HandleSystemExit(&code)) {
        /* An uncaught exception: its traceback on stderr, exit code 1, as `python3 -c`. */
        PyErr_Print();
        code = 1;
    }
    finish(code);
}
