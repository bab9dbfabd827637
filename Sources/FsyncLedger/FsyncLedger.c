// Records which bytes fsync/fdatasync made durable, for crash-harness --power-loss.
// Behaviour is unchanged: the real call runs and its result and errno are returned as they were.
#define _GNU_SOURCE // RTLD_NEXT
#include "FsyncLedger.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef int (*sync_function)(int);

static sync_function real_fsync;
static sync_function real_fdatasync;
static int ledger_fd = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void) {
    // dlsym returns void *; going through memcpy keeps the conversion to a function pointer ISO C.
    void *symbol = dlsym(RTLD_NEXT, "fsync");
    memcpy(&real_fsync, &symbol, sizeof real_fsync);
    symbol = dlsym(RTLD_NEXT, "fdatasync");
    memcpy(&real_fdatasync, &symbol, sizeof real_fdatasync);
    const char *path = getenv("FSYNC_LEDGER");
    if (path && *path) ledger_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/// A growable line, so a directory of any size still goes out in one write().
struct line {
    char *bytes;
    size_t length;
    size_t capacity;
    int failed;
};

static void append(struct line *line, const char *text, size_t length) {
    if (line->failed) return;
    if (line->length + length > line->capacity) {
        size_t capacity = line->capacity ? line->capacity : 512;
        while (capacity < line->length + length) capacity *= 2;
        char *grown = realloc(line->bytes, capacity);
        if (!grown) {
            line->failed = 1;
            return;
        }
        line->bytes = grown;
        line->capacity = capacity;
    }
    memcpy(line->bytes + line->length, text, length);
    line->length += length;
}

static void append_text(struct line *line, const char *text) { append(line, text, strlen(text)); }

static void append_number(struct line *line, unsigned long long number) {
    char text[32];
    int length = snprintf(text, sizeof text, "%llu", number);
    if (length > 0) append(line, text, (size_t)length);
}

/// Names of `fd`'s entries, each as "\t<inode> <name>"; a failure drops the whole line, since a
/// directory line without its entries would claim deletions that never happened.
static void append_entries(struct line *line, int fd) {
    int copy = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *directory = copy >= 0 ? fdopendir(copy) : NULL;
    if (!directory) {
        if (copy >= 0) close(copy);
        line->failed = 1;
        return;
    }
    errno = 0;
    for (struct dirent *entry = readdir(directory); entry; entry = readdir(directory)) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        append_text(line, "\t");
        append_number(line, (unsigned long long)entry->d_ino);
        append_text(line, " ");
        append_text(line, entry->d_name);
    }
    if (errno != 0) line->failed = 1;
    closedir(directory);
}

static unsigned long long monotonic_ns(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return 0;
    return (unsigned long long)now.tv_sec * 1000000000ull + (unsigned long long)now.tv_nsec;
}

static void record(int fd, const struct stat *before, unsigned long long stated_ns) {
    char link[64];
    char path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, sizeof path - 1);
    if (length <= 0) return;
    path[length] = '\0';
    int directory = S_ISDIR(before->st_mode);
    // A file's state is its size, taken before the call; a directory's is its entries, listed now.
    unsigned long long moment = directory ? monotonic_ns() : stated_ns;
    struct line line = {0};
    append_text(&line, directory ? "d " : "f ");
    append_number(&line, moment);
    append_text(&line, " ");
    append_number(&line, (unsigned long long)before->st_ino);
    append_text(&line, " ");
    append_number(&line, (unsigned long long)before->st_size);
    append_text(&line, " ");
    append_text(&line, path);
    if (directory) append_entries(&line, fd);
    append_text(&line, "\n");
    // One write() per line: appends from several threads never interleave, and a SIGKILL leaves
    // whole lines (a line cut short has no newline and is ignored by the reader).
    if (!line.failed) {
        ssize_t written;
        do {
            written = write(ledger_fd, line.bytes, line.length);
        } while (written < 0 && errno == EINTR);
    }
    free(line.bytes);
}

static int synced(int fd, sync_function real) {
    struct stat before;
    int saved = errno;
    unsigned long long stated_ns = monotonic_ns();
    int described = ledger_fd >= 0 && fstat(fd, &before) == 0;
    errno = saved;
    int result = real(fd);
    if (result != 0 || !described) return result;
    saved = errno;
    record(fd, &before, stated_ns);
    errno = saved;
    return result;
}

int fsync(int fd) {
    pthread_once(&once, setup);
    if (!real_fsync) {
        errno = ENOSYS;
        return -1;
    }
    return synced(fd, real_fsync);
}

int fdatasync(int fd) {
    pthread_once(&once, setup);
    if (!real_fdatasync) {
        errno = ENOSYS;
        return -1;
    }
    return synced(fd, real_fdatasync);
}
