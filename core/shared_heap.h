// The memory a shared ctypes array lives in: a model of multiprocessing.heap (Lib/multiprocessing/heap.py).
//
// RawArray(ctype, n) takes an 8-byte-aligned block from a process-wide heap of arenas; an arena is a
// mapping whose backing is chosen by the backend:
//   anon     an anonymous MAP_SHARED mapping (shared with children after fork)
//   shm      a file in /dev/shm (tmpfs), as multiprocessing does from 3.7 (bpo-30919)
//   file     a file in a chosen directory (--tempdir), as 3.6 does under /tmp
//   private  plain process memory (what a non-shared ctypes array uses)
// Arenas are page-rounded, double in size (capped at 4 MiB from 3.8), and blocks are best-fit, split and
// merged. Files are created exclusively with mode 0600, space is reserved up front (a full file system is a
// clear ENOSPC error, never a SIGBUS on first touch), and they are unlinked as soon as they are mapped.
// The long story: docs/shared-memory.md.
#ifndef DISPATCHLAB_CORE_SHARED_HEAP_H_
#define DISPATCHLAB_CORE_SHARED_HEAP_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dispatchlab {

enum class Backend { kAnon, kShm, kFile, kPrivate };
absl::StatusOr<Backend> BackendFromName(absl::string_view name);  // "anon", "shm", "file", "private"
absl::string_view BackendName(Backend backend);

// How a new file-backed arena gets its zero bytes.
enum class ArenaFill {
  kFtruncate,   // 3.7+: ftruncate makes a sparse, kernel-zeroed file
  kWriteZeros,  // 3.6: write the whole size in 1 MiB chunks of zeros
};

struct HeapOptions {
  Backend backend = Backend::kAnon;
  std::string tempdir;  // kFile: the directory (default $TMPDIR or /tmp); ignored otherwise
  ArenaFill fill = ArenaFill::kFtruncate;
  bool cap_arena_doubling = true;  // 3.8+: arenas stop doubling at 4 MiB (and wholly free ones of 4 MiB
                                   // or more are unmapped)
  bool prefault = false;  // map arenas with MAP_POPULATE: pages are faulted in by mmap, not on first touch
                          // (an experiment knob: multiprocessing never does this)
};

// A block handed out by a heap. `data` is 8-byte aligned; its bytes are not zeroed by Allocate.
struct Block {
  char* data = nullptr;
  size_t size = 0;  // as requested, rounded up to 8
  int arena = -1;
  size_t offset = 0;
};

class SharedHeap {
 public:
  // Creates an empty heap; no arena is mapped until the first Allocate.
  static absl::StatusOr<std::unique_ptr<SharedHeap>> Create(const HeapOptions& options);
  virtual ~SharedHeap() = default;  // unmaps every arena and removes any file it still holds

  // A block of at least `size` bytes (size > 0). Errors: ResourceExhausted for ENOSPC / ENOMEM, naming
  // the directory and the size; InvalidArgument for size 0 or a size that overflows.
  virtual absl::StatusOr<Block> Allocate(size_t size) = 0;
  // Returns a block from this heap. Freeing a block twice is a checked invariant violation.
  virtual void Free(const Block& block) = 0;

  virtual const HeapOptions& options() const = 0;
  virtual size_t arena_count() const = 0;
  virtual size_t mapped_bytes() const = 0;
};

// The heap RawArray allocates from (multiprocessing.heap.BufferWrapper._heap). Created on first use with
// default options (anon backend) unless SetDefaultHeap installed another.
SharedHeap& DefaultHeap();
void SetDefaultHeap(std::unique_ptr<SharedHeap> heap);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_SHARED_HEAP_H_
