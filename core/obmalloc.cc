// pymalloc (Objects/obmalloc.c): size classes, pools, arenas, the arena map. Our own code, following the
// structure and the fast paths of CPython 3.10-3.13's obmalloc; docs/allocator.md tells the story.
#include "core/obmalloc.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

#include "core/layer_frame.h"
#include "core/layers.h"
#include "core/pystate.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(DL_ASAN)
#define DL_ASAN 1
#endif

#if defined(DL_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#define DL_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define DL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
// LeakSanitizer does not scan memory the program mmaps itself: an arena is a root region, or every
// malloc'ed block reachable only from a pymalloc object (a dictionary's table, say) would read as a leak.
#define DL_ARENA_MAPPED(p, n) __lsan_register_root_region((p), (n))
#define DL_ARENA_UNMAPPED(p, n) __lsan_unregister_root_region((p), (n))
#else
#define DL_POISON(p, n) ((void)(p), (void)(n))
#define DL_UNPOISON(p, n) ((void)(p), (void)(n))
#define DL_ARENA_MAPPED(p, n) ((void)(p), (void)(n))
#define DL_ARENA_UNMAPPED(p, n) ((void)(p), (void)(n))
#endif

namespace dispatchlab {

namespace {

using block = unsigned char;

// The header at the start of every pool (CPython's struct pool_header).
struct pool_header {
  unsigned count;         // ref.count: blocks handed out
  block* freeblock;       // head of the pool's free-block list
  pool_header* nextpool;  // the usedpools list of its size class, or the arena's freepools list
  pool_header* prevpool;
  unsigned arenaindex;     // index into g_om.arenas
  unsigned szidx;          // size class index
  unsigned nextoffset;     // bytes to the next block never handed out
  unsigned maxnextoffset;  // the largest valid nextoffset
};
constexpr size_t POOL_OVERHEAD = (sizeof(pool_header) + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
constexpr unsigned DUMMY_SIZE_IDX = 0xffff;  // a pool never used for any size class yet

// One arena (CPython's struct arena_object).
struct arena_object {
  uintptr_t address;    // the mmap'ed region; 0 when this object holds no arena
  block* pool_address;  // the next pool never carved out of the arena
  unsigned nfreepools;  // pools free or never used
  unsigned ntotalpools;
  pool_header* freepools;   // pools that were used and are empty again (singly linked)
  arena_object* nextarena;  // usable_arenas (doubly linked) or unused_arena_objects (singly)
  arena_object* prevarena;
};

// CPython grows its arena vector with realloc; a fixed table keeps pointers stable. Past it (4 GiB of
// arenas) requests fall back to malloc, which _PyObject_Malloc does whenever pymalloc cannot serve.
constexpr unsigned kMaxArenas = 4096;

inline size_t INDEX2SIZE(unsigned szidx) { return (static_cast<size_t>(szidx) + 1) << ALIGNMENT_SHIFT; }
inline pool_header* POOL_ADDR(const void* p) {
  return reinterpret_cast<pool_header*>(reinterpret_cast<uintptr_t>(p) & ~(uintptr_t{POOL_SIZE} - 1));
}

// ---- The arena map (3.10+): a radix tree over 48-bit addresses, one leaf entry per 1 MiB slot ----
// An arena is page-aligned, not arena-aligned, so it covers the top of one slot (from tail_hi) and the
// bottom of the next (below tail_lo). An address is in an arena when its offset in its slot is below the
// slot's tail_lo or at or above a non-zero tail_hi (arena_map_is_used).
constexpr unsigned kAddressBits = 48;
constexpr unsigned kMapBits = kAddressBits - ARENA_BITS;  // 28
constexpr unsigned kMapTopBits = 10, kMapMidBits = 9, kMapBotBits = kMapBits - kMapTopBits - kMapMidBits;

struct arena_coverage_t {
  int32_t tail_hi;
  int32_t tail_lo;
};
struct arena_map_bot_t {
  arena_coverage_t arenas[1u << kMapBotBits];
};
struct arena_map_mid_t {
  arena_map_bot_t* ptrs[1u << kMapMidBits];
};

}  // namespace

// The allocator's state (3.12: struct _obmalloc_state, Include/internal/pycore_obmalloc.h: pools, mgmt,
// usage), one instance: the main interpreter's. _PyObject_Malloc and _PyObject_Free find it through the
// interpreter's state with the `thread_state` layer on (3.12's get_state), as a global with it off (3.11's
// statics); the cold paths below use the global.
struct _obmalloc_state {
  // usedpools: per size class, the pools that have both used and free blocks. nullptr-terminated lists
  // (CPython links circular lists through dummy heads; the work per operation is the same).
  pool_header* usedpools[NB_SMALL_SIZE_CLASSES];
  arena_object arenas[kMaxArenas];
  unsigned arenas_used;  // arena objects ever handed out (CPython's maxarenas)
  arena_object* unused_arena_objects;
  arena_object* usable_arenas;  // arenas with free pools, fewest free pools first
  size_t narenas_currently_allocated;
  size_t pools_in_use;
  size_t blocks_in_use;
  arena_map_mid_t* arena_map_root[1u << kMapTopBits];
};
namespace internal {
constinit _obmalloc_state g_obmalloc_state = {};
}  // namespace internal

namespace {

constexpr _obmalloc_state& g_om = internal::g_obmalloc_state;

inline unsigned MapTopIndex(uintptr_t a) {
  return static_cast<unsigned>(a >> (ARENA_BITS + kMapMidBits + kMapBotBits));
}
inline unsigned MapMidIndex(uintptr_t a) {
  return static_cast<unsigned>(a >> (ARENA_BITS + kMapBotBits)) & ((1u << kMapMidBits) - 1);
}
inline unsigned MapBotIndex(uintptr_t a) {
  return static_cast<unsigned>(a >> ARENA_BITS) & ((1u << kMapBotBits) - 1);
}

// arena_map_get: the leaf for `a`, created when `create` (nullptr if absent or out of memory).
arena_map_bot_t* arena_map_get(uintptr_t a, bool create) {
  if ((a >> kAddressBits) != 0) return nullptr;
  arena_map_mid_t*& mid = g_om.arena_map_root[MapTopIndex(a)];
  if (mid == nullptr) {
    if (!create) return nullptr;
    mid = static_cast<arena_map_mid_t*>(std::calloc(1, sizeof(arena_map_mid_t)));
    if (mid == nullptr) return nullptr;
  }
  arena_map_bot_t*& bot = mid->ptrs[MapMidIndex(a)];
  if (bot == nullptr && create) bot = static_cast<arena_map_bot_t*>(std::calloc(1, sizeof(arena_map_bot_t)));
  return bot;
}

// arena_map_mark_used: records (or clears) the coverage of the arena at `base`. False if the map could
// not grow.
bool arena_map_mark_used(uintptr_t base, bool used) {
  arena_map_bot_t* hi = arena_map_get(base, used);
  if (hi == nullptr) return false;
  const int32_t tail = static_cast<int32_t>(base & (ARENA_SIZE - 1));
  if (tail == 0) {
    hi->arenas[MapBotIndex(base)].tail_hi = used ? -1 : 0;
    return true;
  }
  arena_map_bot_t* lo = arena_map_get(base + ARENA_SIZE, used);
  if (lo == nullptr) return false;
  hi->arenas[MapBotIndex(base)].tail_hi = used ? tail : 0;
  lo->arenas[MapBotIndex(base + ARENA_SIZE)].tail_lo = used ? tail : 0;
  return true;
}

// arena_map_is_used: the address test of address_in_range.
inline bool arena_map_is_used(const _obmalloc_state* state, const void* p) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  if ((a >> kAddressBits) != 0) return false;
  const arena_map_mid_t* mid = state->arena_map_root[MapTopIndex(a)];
  if (mid == nullptr) return false;
  const arena_map_bot_t* bot = mid->ptrs[MapMidIndex(a)];
  if (bot == nullptr) return false;
  const arena_coverage_t c = bot->arenas[MapBotIndex(a)];
  const int32_t tail = static_cast<int32_t>(a & (ARENA_SIZE - 1));
  return tail < c.tail_lo || (tail >= c.tail_hi && c.tail_hi != 0);
}

// ---- Arenas ----

// new_arena: maps a fresh arena (_PyObject_ArenaMmap) into an arena object.
arena_object* new_arena() {
  arena_object* ao = g_om.unused_arena_objects;
  if (ao != nullptr) {
    g_om.unused_arena_objects = ao->nextarena;
  } else {
    if (g_om.arenas_used == kMaxArenas) return nullptr;
    ao = &g_om.arenas[g_om.arenas_used++];
  }
  void* address = mmap(nullptr, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (address == MAP_FAILED || !arena_map_mark_used(reinterpret_cast<uintptr_t>(address), true)) {
    if (address != MAP_FAILED) munmap(address, ARENA_SIZE);
    ao->address = 0;
    ao->nextarena = g_om.unused_arena_objects;
    g_om.unused_arena_objects = ao;
    return nullptr;
  }
  DL_ARENA_MAPPED(address, ARENA_SIZE);
  ++g_om.narenas_currently_allocated;
  ao->address = reinterpret_cast<uintptr_t>(address);
  ao->freepools = nullptr;
  ao->nfreepools = ARENA_SIZE / POOL_SIZE;
  ao->pool_address = static_cast<block*>(address);
  // Pools are POOL_SIZE-aligned (POOL_ADDR masks an address): a misaligned start loses one pool.
  const uintptr_t excess = ao->address & (POOL_SIZE - 1);
  if (excess != 0) {
    --ao->nfreepools;
    ao->pool_address += POOL_SIZE - excess;
  }
  ao->ntotalpools = ao->nfreepools;
  ao->nextarena = nullptr;
  ao->prevarena = nullptr;
  return ao;
}

// Unlinks `ao` from usable_arenas.
void unlink_usable_arena(arena_object* ao) {
  if (ao->prevarena != nullptr)
    ao->prevarena->nextarena = ao->nextarena;
  else
    g_om.usable_arenas = ao->nextarena;
  if (ao->nextarena != nullptr) ao->nextarena->prevarena = ao->prevarena;
}

// ---- Pools ----

void link_usedpool(pool_header* pool, unsigned size) {
  pool_header* next = g_om.usedpools[size];
  pool->nextpool = next;
  pool->prevpool = nullptr;
  if (next != nullptr) next->prevpool = pool;
  g_om.usedpools[size] = pool;
}

void unlink_usedpool(pool_header* pool) {
  if (pool->prevpool != nullptr)
    pool->prevpool->nextpool = pool->nextpool;
  else
    g_om.usedpools[pool->szidx] = pool->nextpool;
  if (pool->nextpool != nullptr) pool->nextpool->prevpool = pool->prevpool;
}

// pymalloc_pool_extend: the pool's free list ran dry: carve the next block, or retire the full pool.
[[gnu::noinline]] void pymalloc_pool_extend(pool_header* pool, unsigned size) {
  if (pool->nextoffset <= pool->maxnextoffset) {
    block* bp = reinterpret_cast<block*>(pool) + pool->nextoffset;
    pool->nextoffset += static_cast<unsigned>(INDEX2SIZE(size));
    *reinterpret_cast<block**>(bp) = nullptr;
    pool->freeblock = bp;
    return;
  }
  unlink_usedpool(pool);  // full: it leaves usedpools until a block comes back
}

// allocate_from_new_pool: no used pool of this size class has room: take a pool from the first usable
// arena (mapping a new arena if there is none) and hand out its first block.
[[gnu::noinline]] block* allocate_from_new_pool(unsigned size) {
  if (g_om.usable_arenas == nullptr) {
    g_om.usable_arenas = new_arena();
    if (g_om.usable_arenas == nullptr) return nullptr;
  }
  arena_object* ao = g_om.usable_arenas;
  pool_header* pool = ao->freepools;
  if (pool != nullptr) {
    ao->freepools = pool->nextpool;
  } else {
    pool = reinterpret_cast<pool_header*>(ao->pool_address);
    pool->arenaindex = static_cast<unsigned>(ao - g_om.arenas);
    pool->szidx = DUMMY_SIZE_IDX;
    ao->pool_address += POOL_SIZE;
  }
  if (--ao->nfreepools == 0) unlink_usable_arena(ao);
  ++g_om.pools_in_use;
  link_usedpool(pool, size);
  pool->count = 1;
  block* bp;
  if (pool->szidx == size) {
    // An emptied pool of the same size class: its free list holds every block it ever carved.
    bp = pool->freeblock;
    pool->freeblock = *reinterpret_cast<block**>(bp);
    if (pool->freeblock == nullptr) pymalloc_pool_extend(pool, size);
    return bp;
  }
  pool->szidx = size;
  // A pool emptied under another size class still has that class's freed block bodies poisoned
  // (pymalloc_free). Its blocks now start elsewhere, so its whole block area is fresh memory again, as a
  // never-used pool's is; the next lines write free-list links into it.
  DL_UNPOISON(reinterpret_cast<block*>(pool) + POOL_OVERHEAD, POOL_SIZE - POOL_OVERHEAD);
  const unsigned sz = static_cast<unsigned>(INDEX2SIZE(size));
  bp = reinterpret_cast<block*>(pool) + POOL_OVERHEAD;
  pool->nextoffset = static_cast<unsigned>(POOL_OVERHEAD) + 2 * sz;
  pool->maxnextoffset = static_cast<unsigned>(POOL_SIZE) - sz;
  pool->freeblock = bp + sz;
  *reinterpret_cast<block**>(pool->freeblock) = nullptr;
  return bp;
}

// insert_to_freepool: the pool's last block came back: it leaves usedpools for its arena's freepools;
// an arena wholly free is unmapped unless it is the last usable one (bpo-37257: no map/unmap thrash).
[[gnu::noinline]] void insert_to_freepool(pool_header* pool) {
  unlink_usedpool(pool);
  --g_om.pools_in_use;
  arena_object* ao = &g_om.arenas[pool->arenaindex];
  pool->nextpool = ao->freepools;
  ao->freepools = pool;
  const unsigned nf = ++ao->nfreepools;
  if (nf == ao->ntotalpools && (ao->prevarena != nullptr || ao->nextarena != nullptr)) {
    unlink_usable_arena(ao);
    arena_map_mark_used(ao->address, false);
    DL_ARENA_UNMAPPED(reinterpret_cast<void*>(ao->address), ARENA_SIZE);
    // ASan's shadow outlives munmap: unpoison first, or the next mapping at this address (a shared-heap
    // arena, say) reads as use-after-poison.
    DL_UNPOISON(reinterpret_cast<void*>(ao->address), ARENA_SIZE);
    munmap(reinterpret_cast<void*>(ao->address), ARENA_SIZE);
    ao->address = 0;
    ao->nextarena = g_om.unused_arena_objects;
    g_om.unused_arena_objects = ao;
    --g_om.narenas_currently_allocated;
    return;
  }
  if (nf == 1) {
    // The arena was full: it becomes usable again, first in line (fewest free pools).
    ao->prevarena = nullptr;
    ao->nextarena = g_om.usable_arenas;
    if (g_om.usable_arenas != nullptr) g_om.usable_arenas->prevarena = ao;
    g_om.usable_arenas = ao;
    return;
  }
  // Keep usable_arenas sorted by free pools, so allocation fills the fullest arenas and the emptiest
  // can be returned to the system.
  while (ao->nextarena != nullptr && nf > ao->nextarena->nfreepools) {
    arena_object* next = ao->nextarena;
    unlink_usable_arena(ao);
    ao->prevarena = next;
    ao->nextarena = next->nextarena;
    if (next->nextarena != nullptr) next->nextarena->prevarena = ao;
    next->nextarena = ao;
  }
}

// pymalloc_alloc: the fast path of a small request. nullptr: not small, or no memory for a new arena.
inline void* pymalloc_alloc(_obmalloc_state* state, size_t nbytes) {
  if (nbytes - 1 >= SMALL_REQUEST_THRESHOLD) [[unlikely]]
    return nullptr;  // also nbytes == 0
  const unsigned size = static_cast<unsigned>((nbytes - 1) >> ALIGNMENT_SHIFT);
  pool_header* pool = state->usedpools[size];
  block* bp;
  if (pool != nullptr) [[likely]] {
    ++pool->count;
    bp = pool->freeblock;
    if ((pool->freeblock = *reinterpret_cast<block**>(bp)) == nullptr) [[unlikely]] {
      pymalloc_pool_extend(pool, size);
    }
  } else {
    bp = allocate_from_new_pool(size);
    if (bp == nullptr) return nullptr;
  }
  ++state->blocks_in_use;
  DL_UNPOISON(bp, INDEX2SIZE(size));
  return bp;
}

// pymalloc_free: returns a block to its pool; false if `p` is not pymalloc's (address_in_range).
inline bool pymalloc_free(_obmalloc_state* state, void* p) {
  if (!arena_map_is_used(state, p)) [[unlikely]]
    return false;
  pool_header* pool = POOL_ADDR(p);
  DL_POISON(static_cast<block*>(p) + sizeof(block*), INDEX2SIZE(pool->szidx) - sizeof(block*));
  block* lastfree = pool->freeblock;
  *static_cast<block**>(p) = lastfree;
  pool->freeblock = static_cast<block*>(p);
  --pool->count;
  --state->blocks_in_use;
  if (lastfree == nullptr) [[unlikely]] {
    // The pool was full and in no list: it has room again, first in its size class.
    link_usedpool(pool, pool->szidx);
    return true;
  }
  if (pool->count != 0) [[likely]]
    return true;
  insert_to_freepool(pool);
  return true;
}

}  // namespace

namespace {
// get_state (3.12, Objects/obmalloc.c): the interpreter's allocator state.
inline _obmalloc_state* get_state() {
  if (ThreadStateOn()) return layers::thread_state::_PyInterpreterState_GET()->obmalloc;
  return &internal::g_obmalloc_state;
}
}  // namespace

namespace layers::pymalloc {

// _PyObject_Malloc: pymalloc, or the raw allocator for requests it does not serve.
DISPATCHLAB_LAYER_FN void* _PyObject_Malloc(size_t nbytes) {
  void* ptr = pymalloc_alloc(get_state(), nbytes);
  if (ptr != nullptr) [[likely]]
    return ptr;
  return std::malloc(nbytes != 0 ? nbytes : 1);  // PyMem_RawMalloc
}

// _PyObject_Free: back to the pool, or to free() if the block is not in an arena.
DISPATCHLAB_LAYER_FN void _PyObject_Free(void* p) {
  if (p == nullptr) return;
  if (!pymalloc_free(get_state(), p)) [[unlikely]]
    std::free(p);  // PyMem_RawFree
}

}  // namespace layers::pymalloc

void* PyObject_Malloc(size_t nbytes) {
  if (LayerOn(Layer::kPymalloc)) return layers::pymalloc::_PyObject_Malloc(nbytes);
  return std::malloc(nbytes != 0 ? nbytes : 1);  // PYTHONMALLOC=malloc: _PyMem_RawMalloc
}

void PyObject_Free(void* p) {
  if (LayerOn(Layer::kPymalloc)) {
    layers::pymalloc::_PyObject_Free(p);
    return;
  }
  // PYTHONMALLOC=malloc frees with free(); a block handed out while the layer was on goes back to its
  // pool (the layer can be switched while objects are alive, which CPython's allocator cannot).
  if (p != nullptr && arena_map_is_used(&g_om, p)) [[unlikely]] {
    pymalloc_free(&g_om, p);
    return;
  }
  std::free(p);
}

void PymallocInitResidentHeap() {
  static void* resident[NB_SMALL_SIZE_CLASSES] = {};
  for (unsigned i = 0; i < NB_SMALL_SIZE_CLASSES; ++i) {
    if (resident[i] == nullptr) resident[i] = pymalloc_alloc(&g_om, INDEX2SIZE(i));
  }
}

PymallocStats GetPymallocStats() {
  return PymallocStats{g_om.narenas_currently_allocated, g_om.pools_in_use, g_om.blocks_in_use};
}

bool PymallocOwns(const void* p) { return arena_map_is_used(&g_om, p); }

}  // namespace dispatchlab
