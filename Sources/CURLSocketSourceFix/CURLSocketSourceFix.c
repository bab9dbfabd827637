// Works around a busy loop in FoundationNetworking (swift-corelibs-foundation) on Linux: while a
// request waits for its answer, URLSession spins a core.
//
// libcurl tells its multi-socket user which readiness it wants on each socket through the socket
// callback (CURLMOPT_SOCKETFUNCTION): CURL_POLL_OUT while connecting and sending, then CURL_POLL_IN
// while waiting for the answer. URLSession._MultiHandle.register(socket:for:what:socketSourcePtr:)
// only ever adds DispatchSources on such a change (_SocketSources.createSources); it removes them
// only on CURL_POLL_REMOVE. So the write source made for connecting stays, and a connected socket is
// always writable: it fires without pause, each time running curl_multi_socket_action, which finds
// nothing to do (measured: ~180,000 calls and 0.7-1 CPU-s per second of waiting, one request).
//
// The fix: chatlio_curl_socket_fix_install() points FoundationNetworking's own imports of
// curl_multi_setopt, curl_multi_socket_action and curl_multi_cleanup (its GOT entries: it links
// libcurl dynamically) at the wrappers below; nothing else in the process is touched (an
// executable's own definitions would not do: with gold or lld they are not exported, and a linker
// flag would be an unsafe flag, barring the package as a dependency). The setopt wrapper wraps the
// socket callback of each multi handle: when a change drops a direction the socket was registered
// for, the user's callback sees CURL_POLL_REMOVE (its sources torn down) and then the new readiness
// as for a new socket (socketp NULL after curl_multi_assign), which FoundationNetworking handles by
// making only the sources asked for. Everything else passes through. $CHATLIO_CURL_SOCKET_FIX=0
// turns the rewriting off (to measure the bug). Other platforms: nothing here.
#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include "CURLSocketSourceFix.h"

#if defined(__linux__)
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

// libcurl's ABI (curl/multi.h), declared here so no curl headers are needed to build.
enum {
    FIX_CURL_POLL_NONE = 0,
    FIX_CURL_POLL_IN = 1,
    FIX_CURL_POLL_OUT = 2,
    FIX_CURL_POLL_REMOVE = 4,
    FIX_CURLMOPT_SOCKETDATA = 10002,     // CURLOPTTYPE_OBJECTPOINT + 2
    FIX_CURLMOPT_SOCKETFUNCTION = 20001, // CURLOPTTYPE_FUNCTIONPOINT + 1
};
typedef int (*socket_callback)(void *easy, int socket, int what, void *userp, void *socketp);
typedef int (*multi_setopt_fn)(void *multi, int option, ...);
typedef int (*multi_assign_fn)(void *multi, int socket, void *socketp);
typedef int (*multi_socket_action_fn)(void *multi, int socket, int mask, int *running);
typedef int (*multi_cleanup_fn)(void *multi);

/// One multi handle's callback and user data, and what each socket is registered for.
struct fix_context {
    struct fix_context *next;
    void *multi;
    socket_callback callback;
    void *userp;
    unsigned char *registered; // by fd: the CURL_POLL_IN/OUT bits libcurl last asked for
    size_t registered_count;
};

static pthread_mutex_t contexts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fix_context *contexts;
static int installed;

static int enabled_value = -1;
int chatlio_curl_socket_fix_enabled(void) {
    int value = __atomic_load_n(&enabled_value, __ATOMIC_RELAXED);
    if (value < 0) {
        const char *setting = getenv("CHATLIO_CURL_SOCKET_FIX");
        value = (setting != NULL && strcmp(setting, "0") == 0) ? 0 : 1;
        __atomic_store_n(&enabled_value, value, __ATOMIC_RELAXED);
    }
    return value;
}

int chatlio_curl_socket_fix_installed(void) { return __atomic_load_n(&installed, __ATOMIC_RELAXED); }

// Socket-action counts by fd, for tests and benchmarks; fds past the table are not counted.
#define FIX_COUNTED_FDS 65536
static uint64_t socket_actions[FIX_COUNTED_FDS];

uint64_t chatlio_curl_socket_actions(int fd) {
    if (fd < 0 || fd >= FIX_COUNTED_FDS) return 0;
    return __atomic_load_n(&socket_actions[fd], __ATOMIC_RELAXED);
}

/// libcurl's own `name`, looked up once into `cache`.
static void *real_symbol(void **cache, const char *name) {
    void *symbol = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
    if (symbol == NULL) {
        symbol = dlsym(RTLD_DEFAULT, name);
        __atomic_store_n(cache, symbol, __ATOMIC_RELEASE);
    }
    return symbol;
}

/// The context of `multi`, made if `create` and there is none.
static struct fix_context *context_for(void *multi, int create) {
    pthread_mutex_lock(&contexts_lock);
    struct fix_context *context = contexts;
    while (context != NULL && context->multi != multi) context = context->next;
    if (context == NULL && create) {
        context = calloc(1, sizeof(struct fix_context));
        if (context != NULL) {
            context->multi = multi;
            context->next = contexts;
            contexts = context;
        }
    }
    pthread_mutex_unlock(&contexts_lock);
    return context;
}

static void forget_context(void *multi) {
    pthread_mutex_lock(&contexts_lock);
    struct fix_context **link = &contexts;
    while (*link != NULL && (*link)->multi != multi) link = &(*link)->next;
    struct fix_context *context = *link;
    if (context != NULL) *link = context->next;
    pthread_mutex_unlock(&contexts_lock);
    if (context != NULL) {
        free(context->registered);
        free(context);
    }
}

/// Records what libcurl asked for on `fd`; returns what it asked for before. libcurl calls a multi
/// handle's socket callback from within that handle's calls only, which its user serialises.
static unsigned char swap_registration(struct fix_context *context, int fd, unsigned char now) {
    if (fd < 0) return 0;
    if ((size_t)fd >= context->registered_count) {
        if (now == 0) return 0;
        size_t count = (size_t)fd + 64;
        unsigned char *grown = realloc(context->registered, count);
        if (grown == NULL) return 0;
        memset(grown + context->registered_count, 0, count - context->registered_count);
        context->registered = grown;
        context->registered_count = count;
    }
    unsigned char before = context->registered[fd];
    context->registered[fd] = now;
    return before;
}

static int fixed_socket_callback(void *easy, int socket, int what, void *userp, void *socketp) {
    struct fix_context *context = userp;
    if (context == NULL || context->callback == NULL) return 0;
    unsigned char wanted = (what == FIX_CURL_POLL_REMOVE) ? 0 : (unsigned char)(what & (FIX_CURL_POLL_IN | FIX_CURL_POLL_OUT));
    unsigned char before = swap_registration(context, socket, wanted);
    int drops = (before & ~wanted) != 0 && what != FIX_CURL_POLL_REMOVE;
    if (!drops || socketp == NULL || !chatlio_curl_socket_fix_enabled()) {
        return context->callback(easy, socket, what, context->userp, socketp);
    }
    static void *assign_symbol;
    multi_assign_fn assign = (multi_assign_fn)real_symbol(&assign_symbol, "curl_multi_assign");
    if (assign == NULL) return context->callback(easy, socket, what, context->userp, socketp);
    // Remove (the user frees what socketp points to), then register afresh: curl's entry must not
    // keep the freed pointer, and the user assigns a new one when it sees NULL.
    int result = context->callback(easy, socket, FIX_CURL_POLL_REMOVE, context->userp, socketp);
    assign(context->multi, socket, NULL);
    if (what == FIX_CURL_POLL_NONE) return result;
    return context->callback(easy, socket, what, context->userp, NULL);
}

static int fixed_multi_setopt(void *multi, int option, ...) {
    static void *real_symbol_cache;
    multi_setopt_fn real = (multi_setopt_fn)real_symbol(&real_symbol_cache, "curl_multi_setopt");
    if (real == NULL) return 1; // CURLM_BAD_HANDLE: no libcurl behind this process
    va_list arguments;
    va_start(arguments, option);
    // Every multi option is a long, a pointer or a curl_off_t: one 64-bit argument on LP64.
    void *parameter = va_arg(arguments, void *);
    va_end(arguments);
    if (option == FIX_CURLMOPT_SOCKETFUNCTION || option == FIX_CURLMOPT_SOCKETDATA) {
        struct fix_context *context = context_for(multi, 1);
        if (context != NULL) {
            if (option == FIX_CURLMOPT_SOCKETDATA) {
                context->userp = parameter;
                return real(multi, FIX_CURLMOPT_SOCKETDATA, (void *)context);
            }
            context->callback = (socket_callback)parameter;
            int result = real(multi, FIX_CURLMOPT_SOCKETDATA, (void *)context);
            if (result != 0) return result;
            if (parameter == NULL) return real(multi, FIX_CURLMOPT_SOCKETFUNCTION, NULL);
            __atomic_store_n(&installed, 1, __ATOMIC_RELAXED);
            return real(multi, FIX_CURLMOPT_SOCKETFUNCTION, (void *)fixed_socket_callback);
        }
    }
    return real(multi, option, parameter);
}

static int fixed_multi_socket_action(void *multi, int socket, int mask, int *running) {
    static void *real_symbol_cache;
    multi_socket_action_fn real = (multi_socket_action_fn)real_symbol(&real_symbol_cache, "curl_multi_socket_action");
    if (real == NULL) return 1;
    if (socket >= 0 && socket < FIX_COUNTED_FDS) __atomic_fetch_add(&socket_actions[socket], 1, __ATOMIC_RELAXED);
    return real(multi, socket, mask, running);
}

static int fixed_multi_cleanup(void *multi) {
    static void *real_symbol_cache;
    multi_cleanup_fn real = (multi_cleanup_fn)real_symbol(&real_symbol_cache, "curl_multi_cleanup");
    if (real == NULL) return 1;
    // The cleanup may still call the socket callback (CURL_POLL_REMOVE), which needs the context.
    int result = real(multi);
    forget_context(multi);
    return result;
}

// Patching FoundationNetworking's GOT.

struct fix_hook {
    const char *name;
    void *replacement;
};

static const struct fix_hook hooks[] = {
    {"curl_multi_setopt", (void *)fixed_multi_setopt},
    {"curl_multi_socket_action", (void *)fixed_multi_socket_action},
    {"curl_multi_cleanup", (void *)fixed_multi_cleanup},
};

#if defined(__x86_64__)
#define FIX_R_JUMP_SLOT 7  // R_X86_64_JUMP_SLOT
#define FIX_R_GLOB_DAT 6   // R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#define FIX_R_JUMP_SLOT 1026 // R_AARCH64_JUMP_SLOT
#define FIX_R_GLOB_DAT 1025  // R_AARCH64_GLOB_DAT
#endif

static int patched_slots;

/// The protection of the mapping holding `address` (from /proc/self/maps), or -1.
static int protection_of(uintptr_t address) {
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL) return -1;
    char line[512];
    int protection = -1;
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long start, end;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3) continue;
        if (address < start || address >= end) continue;
        protection = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) | (perms[2] == 'x' ? PROT_EXEC : 0);
        break;
    }
    fclose(maps);
    return protection;
}

static void patch_slot(uintptr_t slot, void *replacement) {
    long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return;
    uintptr_t page = slot & ~((uintptr_t)page_size - 1);
    int protection = protection_of(slot);
    if (protection < 0) return;
    if (!(protection & PROT_WRITE) && mprotect((void *)page, (size_t)page_size, protection | PROT_WRITE) != 0) return;
    __atomic_store_n((void **)slot, replacement, __ATOMIC_RELEASE);
    if (!(protection & PROT_WRITE)) mprotect((void *)page, (size_t)page_size, protection);
    patched_slots += 1;
}

/// A dynamic-section address: glibc relocates most in place, some ports do not.
static uintptr_t dynamic_address(uintptr_t base, uintptr_t value) { return value < base ? base + value : value; }

static void patch_relocations(uintptr_t base, const ElfW(Rela) *relocations, size_t bytes, const ElfW(Sym) *symbols, const char *strings) {
    if (relocations == NULL || symbols == NULL || strings == NULL) return;
    for (size_t index = 0; index < bytes / sizeof(ElfW(Rela)); index++) {
        const ElfW(Rela) *relocation = &relocations[index];
        unsigned long type = ELF64_R_TYPE(relocation->r_info);
        if (type != FIX_R_JUMP_SLOT && type != FIX_R_GLOB_DAT) continue;
        const char *name = strings + symbols[ELF64_R_SYM(relocation->r_info)].st_name;
        for (size_t hook = 0; hook < sizeof hooks / sizeof hooks[0]; hook++) {
            if (strcmp(name, hooks[hook].name) == 0) patch_slot(base + relocation->r_offset, hooks[hook].replacement);
        }
    }
}

static int patch_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libFoundationNetworking.so") == NULL) return 0;
    uintptr_t base = info->dlpi_addr;
    const ElfW(Dyn) *dynamic = NULL;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        if (info->dlpi_phdr[index].p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)(base + info->dlpi_phdr[index].p_vaddr);
    }
    if (dynamic == NULL) return 1;
    const ElfW(Sym) *symbols = NULL;
    const char *strings = NULL;
    const ElfW(Rela) *plt = NULL, *rela = NULL;
    size_t plt_bytes = 0, rela_bytes = 0;
    int plt_is_rela = 1;
    for (; dynamic->d_tag != DT_NULL; dynamic++) {
        switch (dynamic->d_tag) {
        case DT_SYMTAB: symbols = (const ElfW(Sym) *)dynamic_address(base, dynamic->d_un.d_ptr); break;
        case DT_STRTAB: strings = (const char *)dynamic_address(base, dynamic->d_un.d_ptr); break;
        case DT_JMPREL: plt = (const ElfW(Rela) *)dynamic_address(base, dynamic->d_un.d_ptr); break;
        case DT_PLTRELSZ: plt_bytes = dynamic->d_un.d_val; break;
        case DT_PLTREL: plt_is_rela = dynamic->d_un.d_val == DT_RELA; break;
        case DT_RELA: rela = (const ElfW(Rela) *)dynamic_address(base, dynamic->d_un.d_ptr); break;
        case DT_RELASZ: rela_bytes = dynamic->d_un.d_val; break;
        default: break;
        }
    }
    if (plt_is_rela) patch_relocations(base, plt, plt_bytes, symbols, strings);
    patch_relocations(base, rela, rela_bytes, symbols, strings);
    return 1;
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_result = -1;

static void install(void) {
#if defined(FIX_R_JUMP_SLOT)
    dl_iterate_phdr(patch_object, NULL);
    install_result = patched_slots > 0 ? 0 : -1;
#endif
}

int chatlio_curl_socket_fix_install(void) {
    pthread_once(&install_once, install);
    return install_result;
}

#else
int chatlio_curl_socket_fix_install(void) { return -1; }
int chatlio_curl_socket_fix_installed(void) { return 0; }
int chatlio_curl_socket_fix_enabled(void) { return 0; }
uint64_t chatlio_curl_socket_actions(int fd) { (void)fd; return 0; }
#endif
