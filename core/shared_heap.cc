// The arena allocator of multiprocessing.heap.Heap, kept structurally close to heap.py so the two can be
// read side by side: _len_to_seq (free blocks by length, best fit by bisect), _start_to_block and
// _stop_to_block (neighbours for merging), _allocated_blocks (per arena). Arena backings: shm_arena.cc.
#include "core/shared_heap.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/shm_arena.h"

namespace dispatchlab {
namespace {

constexpr size_t kAlignment = 8;                                 // Heap._alignment
constexpr size_t kDoubleArenaSizeUntil = size_t{4} << 20;        // Heap._DOUBLE_ARENA_SIZE_UNTIL (3.8+)
constexpr size_t kDiscardFreeSpaceLargerThan = size_t{4} << 20;  // Heap._DISCARD_FREE_SPACE_LARGER_THAN
constexpr size_t kMaxRequest = size_t{1} << 48;                  // larger is an overflow, not a request

[[noreturn]] void HeapCheckFailed(const char* what) {
  std::fprintf(stderr, "dispatchlab: SharedHeap invariant violated: %s\n", what);
  std::abort();
}

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

size_t RoundUp(size_t n, size_t alignment) { return (n + alignment - 1) & ~(alignment - 1); }

struct Span {  // heap.py's (arena, start, stop)
  int arena;
  size_t start;
  size_t stop;
  bool operator==(const Span&) const = default;
};

using Position = std::pair<int, size_t>;  // (arena, offset)

class ArenaHeap final : public SharedHeap {
 public:
  explicit ArenaHeap(const HeapOptions& options) : options_(options), size_(PageSize()) {}

  ~ArenaHeap() override {
    for (const shm::ArenaMapping& arena : arenas_) shm::UnmapArena(arena);
  }

  absl::StatusOr<Block> Allocate(size_t size) override {
    if (size == 0) return absl::InvalidArgumentError("cannot allocate a block of 0 bytes");
    if (size > kMaxRequest) {
      return absl::InvalidArgumentError(absl::StrCat("block size ", size, " bytes overflows"));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    size = RoundUp(size, kAlignment);
    absl::StatusOr<Span> found = TakeFreeOrNewArena(size);
    if (!found.ok()) return found.status();
    Span span = *found;
    size_t real_stop = span.start + size;
    if (real_stop < span.stop) AddFreeBlock({span.arena, real_stop, span.stop});
    allocated_[span.arena].insert(span.start);
    allocated_size_[{span.arena, span.start}] = size;
    return Block{arenas_[span.arena].data + span.start, size, span.arena, span.start};
  }

  void Free(const Block& block) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = allocated_size_.find({block.arena, block.offset});
    if (it == allocated_size_.end() || it->second != block.size) {
      HeapCheckFailed("Free of a block that is not allocated (double free or foreign block)");
    }
    allocated_size_.erase(it);
    allocated_[block.arena].erase(block.offset);
    FreeSpan({block.arena, block.offset, block.offset + block.size});
    if (allocated_[block.arena].empty()) DiscardArena(block.arena);
  }

  const HeapOptions& options() const override { return options_; }
  size_t arena_count() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t count = 0;
    for (const shm::ArenaMapping& arena : arenas_) count += arena.data != nullptr;
    return count;
  }
  size_t mapped_bytes() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t bytes = 0;
    for (const shm::ArenaMapping& arena : arenas_) bytes += arena.data != nullptr ? arena.size : 0;
    return bytes;
  }

 private:
  // Heap._malloc: the smallest free block that fits (bisect_left over the sorted lengths, the most recently
  // freed of that length), else a new arena of page-rounded max(current size, request).
  absl::StatusOr<Span> TakeFreeOrNewArena(size_t size) {
    auto fit = len_to_seq_.lower_bound(size);
    if (fit != len_to_seq_.end()) {
      Span span = fit->second.back();
      fit->second.pop_back();
      if (fit->second.empty()) len_to_seq_.erase(fit);
      start_to_block_.erase({span.arena, span.start});
      stop_to_block_.erase({span.arena, span.stop});
      return span;
    }
    size_t length = RoundUp(size > size_ ? size : size_, PageSize());
    if (!options_.cap_arena_doubling || size_ < kDoubleArenaSizeUntil) size_ *= 2;
    absl::StatusOr<shm::ArenaMapping> arena = shm::MapArena(options_, length, options_.prefault);
    if (!arena.ok()) {
      return absl::Status(arena.status().code(),
                          absl::StrCat("cannot allocate ", size, " bytes: ", arena.status().message()));
    }
    arenas_.push_back(*arena);
    return Span{static_cast<int>(arenas_.size() - 1), 0, length};
  }

  void AddFreeBlock(const Span& span) {
    len_to_seq_[span.stop - span.start].push_back(span);
    start_to_block_[{span.arena, span.start}] = span;
    stop_to_block_[{span.arena, span.stop}] = span;
  }

  // Heap._absorb: takes a free block out of every index, for merging.
  void Absorb(const Span& span) {
    start_to_block_.erase({span.arena, span.start});
    stop_to_block_.erase({span.arena, span.stop});
    auto seq = len_to_seq_.find(span.stop - span.start);
    if (seq == len_to_seq_.end()) HeapCheckFailed("free block missing from the length index");
    std::vector<Span>& spans = seq->second;
    for (auto it = spans.begin(); it != spans.end(); ++it) {
      if (*it == span) {
        spans.erase(it);
        if (spans.empty()) len_to_seq_.erase(seq);
        return;
      }
    }
    HeapCheckFailed("free block missing from its length bucket");
  }

  // Heap._free: merges with the free neighbours on both sides, then files the result.
  void FreeSpan(Span span) {
    if (auto prev = stop_to_block_.find({span.arena, span.start}); prev != stop_to_block_.end()) {
      Span neighbour = prev->second;
      Absorb(neighbour);
      span.start = neighbour.start;
    }
    if (auto next = start_to_block_.find({span.arena, span.stop}); next != start_to_block_.end()) {
      Span neighbour = next->second;
      Absorb(neighbour);
      span.stop = neighbour.stop;
    }
    AddFreeBlock(span);
  }

  // Heap._discard_arena (3.8+): a wholly free arena of 4 MiB or more is unmapped; smaller ones are kept,
  // because reusing an arena is cheaper than mapping a new one. 3.6/3.7 keep every arena.
  void DiscardArena(int index) {
    if (!options_.cap_arena_doubling) return;
    shm::ArenaMapping& arena = arenas_[index];
    if (arena.size < kDiscardFreeSpaceLargerThan) return;
    Absorb({index, 0, arena.size});
    shm::UnmapArena(arena);
    arena = shm::ArenaMapping{};
  }

  HeapOptions options_;
  size_t size_;  // Heap._size: the next arena's minimum length
  mutable std::mutex mutex_;
  std::vector<shm::ArenaMapping> arenas_;  // index = Block::arena; discarded arenas stay as empty slots
  std::map<size_t, std::vector<Span>> len_to_seq_;
  std::map<Position, Span> start_to_block_;
  std::map<Position, Span> stop_to_block_;
  std::map<int, std::set<size_t>> allocated_;  // Heap._allocated_blocks: starts per arena
  std::map<Position, size_t> allocated_size_;  // for the double-free check
};

std::mutex g_default_mutex;
std::unique_ptr<SharedHeap>& DefaultHeapSlot() {
  static std::unique_ptr<SharedHeap> heap;
  return heap;
}

}  // namespace

absl::StatusOr<Backend> BackendFromName(absl::string_view name) {
  if (name == "anon") return Backend::kAnon;
  if (name == "shm") return Backend::kShm;
  if (name == "file") return Backend::kFile;
  if (name == "private") return Backend::kPrivate;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown backend '", std::string(name), "' (expected anon, shm, file or private)"));
}

absl::string_view BackendName(Backend backend) {
  switch (backend) {
    case Backend::kAnon:
      return "anon";
    case Backend::kShm:
      return "shm";
    case Backend::kFile:
      return "file";
    case Backend::kPrivate:
      return "private";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<SharedHeap>> SharedHeap::Create(const HeapOptions& options) {
  if (options.backend == Backend::kFile) {
    std::string dir = shm::ArenaDirectory(options);
    if (access(dir.c_str(), W_OK | X_OK) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("temp directory ", dir, " is not a writable directory"));
    }
  }
  return std::unique_ptr<SharedHeap>(new ArenaHeap(options));
}

SharedHeap& DefaultHeap() {
  std::lock_guard<std::mutex> lock(g_default_mutex);
  std::unique_ptr<SharedHeap>& heap = DefaultHeapSlot();
  if (heap == nullptr) heap = std::make_unique<ArenaHeap>(HeapOptions{});
  return *heap;
}

void SetDefaultHeap(std::unique_ptr<SharedHeap> heap) {
  std::lock_guard<std::mutex> lock(g_default_mutex);
  DefaultHeapSlot() = std::move(heap);
}

}  // namespace dispatchlab
