// One arena of a SharedHeap: a mapping whose backing is chosen by the backend (multiprocessing.heap.Arena).
//
//   anon     mmap(MAP_SHARED | MAP_ANONYMOUS): Python 2.7's choice; shared with children after fork.
//   shm      a file in /dev/shm (tmpfs): Python 3.7+ on Linux (bpo-30919).
//   file     a file in a chosen directory: Python 3.6 (a pymp-* directory under /tmp).
//   private  mmap(MAP_PRIVATE | MAP_ANONYMOUS): process memory, not shared (what plain ctypes gets from
//            PyMem_Malloc, minus the allocator's free lists).
//
// File-backed arenas: created exclusively with mode 0600 and unlinked at once (core/shm_names.h); then the
// size is made (ArenaFill: ftruncate as 3.7+, or zeros written in 1 MiB chunks as 3.6) and *reserved* with
// posix_fallocate, so a full file system is a clear ResourceExhausted error here instead of a SIGBUS on the
// first touch of a page that tmpfs cannot back. Then the descriptor is mapped MAP_SHARED and closed.
#ifndef DISPATCHLAB_CORE_SHM_ARENA_H_
#define DISPATCHLAB_CORE_SHM_ARENA_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "core/shared_heap.h"

namespace dispatchlab::shm {

inline constexpr size_t kWriteChunk = size_t{1} << 20;  // 3.6 writes zeros 1 MiB at a time

struct ArenaMapping {
  char* data = nullptr;
  size_t size = 0;
};

// The directory a file-backed arena goes to: /dev/shm for kShm; options.tempdir, else $TMPDIR, else /tmp
// for kFile; empty for the anonymous backends.
std::string ArenaDirectory(const HeapOptions& options);

// Maps a new arena of `size` bytes (a multiple of the page size). Errors: ResourceExhausted (ENOSPC, ENOMEM,
// EFBIG, EDQUOT), naming the directory and the size; others as the failing call reported them.
// `populate` asks the kernel to pre-fault the pages (MAP_POPULATE), for first-touch experiments.
absl::StatusOr<ArenaMapping> MapArena(const HeapOptions& options, size_t size, bool populate = false);
void UnmapArena(const ArenaMapping& arena);

}  // namespace dispatchlab::shm

#endif  // DISPATCHLAB_CORE_SHM_ARENA_H_
