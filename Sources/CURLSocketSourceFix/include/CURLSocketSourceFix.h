#ifndef CURL_SOCKET_SOURCE_FIX_H
#define CURL_SOCKET_SOURCE_FIX_H

#include <stdint.h>

/// Points FoundationNetworking's imports of libcurl's multi functions at the fix (once; later calls
/// return the first result): 0 when done, -1 when FoundationNetworking is not loaded or not ELF64
/// x86_64/aarch64. Affects URLSessions created afterwards.
int chatlio_curl_socket_fix_install(void);

/// Whether a libcurl multi handle's socket callback has gone through the fix in this process (0 on
/// other platforms, before the install or before any URLSession was made after it).
int chatlio_curl_socket_fix_installed(void);

/// Whether the fix rewrites socket-callback changes (0 when $CHATLIO_CURL_SOCKET_FIX is "0").
int chatlio_curl_socket_fix_enabled(void);

/// curl_multi_socket_action calls made for socket `fd` since the process started (a running count:
/// callers take differences while the socket is open).
uint64_t chatlio_curl_socket_actions(int fd);

#endif
