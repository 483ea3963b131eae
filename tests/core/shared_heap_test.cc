// SharedHeap: the arena allocator (best fit, split, merge, doubling, discard) and every backend.
#include "core/shared_heap.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace dispatchlab {
namespace {

std::unique_ptr<SharedHeap> MakeHeap(Backend backend, bool cap = true) {
  HeapOptions options;
  options.backend = backend;
  options.cap_arena_doubling = cap;
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
  REQUIRE(heap.ok());
  return std::move(*heap);
}

const Backend kAllBackends[] = {Backend::kAnon, Backend::kShm, Backend::kFile, Backend::kPrivate};

TEST_CASE("BackendFromName and BackendName round-trip every backend") {
  for (Backend backend : kAllBackends) {
    absl::StatusOr<Backend> parsed = BackendFromName(BackendName(backend));
    REQUIRE(parsed.ok());
    CHECK(*parsed == backend);
  }
  absl::StatusOr<Backend> bad = BackendFromName("tmpfs");
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("tmpfs") != absl::string_view::npos);
}

TEST_CASE("Allocate rounds to 8 bytes and aligns every block on every backend") {
  for (Backend backend : kAllBackends) {
    INFO("backend " << BackendName(backend));
    std::unique_ptr<SharedHeap> heap = MakeHeap(backend);
    CHECK(heap->arena_count() == 0);
    std::vector<Block> blocks;
    for (size_t size : {1, 7, 8, 9, 13, 100, 4000}) {
      absl::StatusOr<Block> block = heap->Allocate(size);
      REQUIRE(block.ok());
      CHECK(block->size == (size + 7) / 8 * 8);
      CHECK(reinterpret_cast<uintptr_t>(block->data) % 8 == 0);
      std::memset(block->data, 0xab, block->size);  // writable, all of it
      blocks.push_back(*block);
    }
    for (const Block& block : blocks) heap->Free(block);
  }
}

TEST_CASE("Allocate rejects 0 bytes and overflowing sizes") {
  std::unique_ptr<SharedHeap> heap = MakeHeap(Backend::kAnon);
  CHECK(heap->Allocate(0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(heap->Allocate(SIZE_MAX).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(heap->arena_count() == 0);
}

TEST_CASE("Blocks are split from one arena and merged back on free") {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::unique_ptr<SharedHeap> heap = MakeHeap(Backend::kAnon);
  absl::StatusOr<Block> a = heap->Allocate(64);
  absl::StatusOr<Block> b = heap->Allocate(64);
  absl::StatusOr<Block> c = heap->Allocate(64);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK(heap->arena_count() == 1);
  CHECK(heap->mapped_bytes() == page);  // the first arena is one page
  CHECK(a->arena == b->arena);
  CHECK(a->offset == 0);
  CHECK(b->offset == 64);
  CHECK(c->offset == 128);
  heap->Free(*a);
  heap->Free(*b);  // merges with a's block: one free block [0, 128)
  absl::StatusOr<Block> d = heap->Allocate(128);
  REQUIRE(d.ok());
  CHECK(d->offset == 0);  // best fit is the merged block, not the tail after c
  heap->Free(*c);
  heap->Free(*d);
  // Everything merged back into one whole-arena block: a page-sized request fits without a new arena.
  absl::StatusOr<Block> whole = heap->Allocate(page);
  REQUIRE(whole.ok());
  CHECK(whole->offset == 0);
  CHECK(heap->arena_count() == 1);
  heap->Free(*whole);
}

TEST_CASE("Best fit picks the smallest free block that is large enough") {
  std::unique_ptr<SharedHeap> heap = MakeHeap(Backend::kPrivate);
  std::vector<Block> blocks;
  for (size_t size : {256, 8, 64, 8, 128, 8}) blocks.push_back(*heap->Allocate(size));
  heap->Free(blocks[0]);  // a 256-byte hole
  heap->Free(blocks[2]);  // a 64-byte hole
  heap->Free(blocks[4]);  // a 128-byte hole
  absl::StatusOr<Block> fit = heap->Allocate(100);
  REQUIRE(fit.ok());
  CHECK(fit->offset == blocks[4].offset);
  absl::StatusOr<Block> small = heap->Allocate(40);
  REQUIRE(small.ok());
  CHECK(small->offset == blocks[2].offset);
}

TEST_CASE("Arenas double without limit as in 3.6 and 3.7 and up to 4 MiB from 3.8") {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t cap_size = size_t{4} << 20;
  for (bool cap : {false, true}) {
    INFO("cap " << cap);
    std::unique_ptr<SharedHeap> heap = MakeHeap(Backend::kAnon, cap);
    std::vector<Block> blocks;
    size_t expected = page;  // Heap._size starts at one page
    for (int i = 0; i < 13; ++i) {
      // A request of exactly the next arena size fills a new arena: no free block is large enough.
      size_t before = heap->mapped_bytes();
      absl::StatusOr<Block> block = heap->Allocate(expected);
      REQUIRE(block.ok());
      CHECK(block->offset == 0);
      CHECK(heap->mapped_bytes() - before == expected);
      CHECK(heap->arena_count() == static_cast<size_t>(i + 1));
      blocks.push_back(*block);
      if (!cap || expected < cap_size) expected *= 2;
    }
    CHECK(expected == (cap ? cap_size : page << 13));
    for (const Block& block : blocks) heap->Free(block);
    // 3.8+ discards wholly free arenas of 4 MiB or more; 3.6/3.7 keep them all.
    size_t kept = 0;
    for (size_t size = page; size < cap_size; size *= 2) ++kept;
    CHECK(heap->arena_count() == (cap ? kept : 13u));
  }
}

TEST_CASE("The default heap is the anon backend unless replaced") {
  CHECK(DefaultHeap().options().backend == Backend::kAnon);
  SetDefaultHeap(MakeHeap(Backend::kPrivate));
  CHECK(DefaultHeap().options().backend == Backend::kPrivate);
  SetDefaultHeap(nullptr);
  CHECK(DefaultHeap().options().backend == Backend::kAnon);
}

TEST_CASE("A block of a shared backend is visible to the parent after a child writes it") {
  for (Backend backend : {Backend::kAnon, Backend::kShm, Backend::kFile}) {
    INFO("backend " << BackendName(backend));
    std::unique_ptr<SharedHeap> heap = MakeHeap(backend);
    absl::StatusOr<Block> block = heap->Allocate(1000 * sizeof(int));
    REQUIRE(block.ok());
    std::memset(block->data, 0, block->size);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      int* values = reinterpret_cast<int*>(block->data);
      for (int i = 0; i < 1000; ++i) values[i] = i * 3 + 1;
      _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    const int* values = reinterpret_cast<const int*>(block->data);
    int wrong = 0;
    for (int i = 0; i < 1000; ++i) wrong += values[i] != i * 3 + 1;
    CHECK(wrong == 0);
    heap->Free(*block);
  }
}

TEST_CASE("A private block is not shared with a child") {
  std::unique_ptr<SharedHeap> heap = MakeHeap(Backend::kPrivate);
  absl::StatusOr<Block> block = heap->Allocate(sizeof(int));
  REQUIRE(block.ok());
  *reinterpret_cast<int*>(block->data) = 7;
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    *reinterpret_cast<int*>(block->data) = 42;
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(*reinterpret_cast<int*>(block->data) == 7);
  heap->Free(*block);
}

}  // namespace
}  // namespace dispatchlab
